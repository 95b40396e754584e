"""Builders for press works, broadcasts and materials, shared by tests/content and tests/reports."""

import datetime
import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from content.models import Broadcast, Channel, Material, MaterialKind, PressWork, WorkKind, WorkStatus, WorkTopic


def make_work(unit, **overrides) -> PressWork:
    values = {"title": "Gương sáng làm kinh tế", "kind": WorkKind.RADIO_PROGRAM,
              "topic": WorkTopic.EXEMPLARY_PERSON, "funding_year": 2023, "status": WorkStatus.PUBLISHED}
    values.update(overrides)
    return PressWork.objects.create(unit=unit, **values)


def add_broadcast(work, date, locality=None, channel=Channel.COMMUNE_RADIO) -> Broadcast:
    return Broadcast.objects.create(work=work, date=date, channel=channel, locality=locality or work.unit)


def day(year, month=1, dom=1) -> datetime.date:
    return datetime.date(year, month, dom)


def png_bytes(width=8, height=8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(width=100_000, height=100_000) -> bytes:
    """A tiny file whose header claims a huge image: what a decompression bomb looks like to Pillow."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + _chunk(b"IEND", b""))


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MP3_BYTES = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 200
EXE_BYTES = b"MZ\x90\x00" + b"\x00" * 200


def upload(name, data, content_type="application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_material(locality, name="bai-giang.pdf", data=PDF_BYTES, **overrides) -> Material:
    values = {"title": "Bài giảng số 1", "kind": MaterialKind.HANDOUT}
    values.update(overrides)
    material = Material(locality=locality, file=upload(name, data), **values)
    material.full_clean()
    material.save()
    return material

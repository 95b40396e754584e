"""Tiny media files made at test time: a WAV that Chromium plays and a PNG for image blocks."""

import io
import math
import wave

from django.core.files.base import ContentFile
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model


def wav_bytes(seconds: float = 8.0, rate: int = 8000) -> bytes:
    """A quiet 440 Hz tone, 8-bit mono: about 8 KB a second."""
    frames = bytes(128 + int(20 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(seconds * rate)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def png_bytes(size=(320, 180), colour=(46, 125, 50)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def make_audio_document(title="Bản tin mẫu", seconds=8.0):
    return get_document_model().objects.create(
        title=title, file=ContentFile(wav_bytes(seconds), name="ban-tin-mau.wav"))


def make_image(title="Đài truyền thanh xã"):
    return get_image_model().objects.create(title=title, file=ContentFile(png_bytes(), name="dai-truyen-thanh.png"))


def write_temp(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path



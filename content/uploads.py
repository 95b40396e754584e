"""Upload checks for materials and press-work files.

The type is read from the file's content (magic bytes, then Pillow for images), never trusted from the
extension; the extension must agree with the content. Images pass Pillow's decompression-bomb guard and a
pixel limit. Settings (read with defaults so that no settings file has to change):
CONTENT_MAX_UPLOAD_BYTES (50 MB) and CONTENT_MAX_IMAGE_PIXELS (40 megapixels).
"""

import os
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# claimed extension -> extensions the content may be detected as
ACCEPTED = {
    "pdf": {"pdf"},
    "docx": {"docx"}, "xlsx": {"xlsx"}, "pptx": {"pptx"}, "odt": {"odt"}, "ods": {"ods"}, "odp": {"odp"},
    # The old Office formats share one container (OLE2), which content sniffing cannot tell apart.
    "doc": {"doc", "xls", "ppt"}, "xls": {"doc", "xls", "ppt"}, "ppt": {"doc", "xls", "ppt"},
    "jpg": {"jpg"}, "jpeg": {"jpg"}, "png": {"png"}, "gif": {"gif"}, "webp": {"webp"},
    "mp3": {"mp3"}, "m4a": {"m4a", "mp4"}, "ogg": {"ogg", "opus"}, "wav": {"wav"},
    "mp4": {"mp4", "m4v"}, "webm": {"webm"},
    "txt": set(),  # plain text has no magic bytes: checked as UTF-8 without NUL bytes
}
CATEGORIES = {
    "pdf": {"pdf"},
    "document": {"docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls", "ppt"},
    "image": {"jpg", "jpeg", "png", "gif", "webp"},
    "audio": {"mp3", "m4a", "ogg", "wav"},
    "video": {"mp4", "webm"},
    "text": {"txt"},
}
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Detected:
    extension: str
    mime: str


def max_upload_bytes() -> int:
    return getattr(settings, "CONTENT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)


def max_image_pixels() -> int:
    return getattr(settings, "CONTENT_MAX_IMAGE_PIXELS", 40_000_000)


def claimed_extension(filename: str) -> str:
    return os.path.splitext(filename or "")[1].lower().lstrip(".")


def safe_extension(filename: str) -> str:
    """The extension for a generated storage name: only known ones, never user text."""
    ext = claimed_extension(filename)
    return ext if ext in ACCEPTED else "bin"


def _read_head(fileobj, limit=_SNIFF_BYTES) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(limit)
    fileobj.seek(0)
    return head


def detect(fileobj, filename: str) -> Detected:
    """The content type of an already validated file."""
    kind = filetype.guess(_read_head(fileobj))
    if kind is None:
        return Detected("txt", "text/plain")
    return Detected(kind.extension, kind.mime)


def validate_upload(fileobj, filename: str, categories) -> Detected:
    """Raise ValidationError unless the file is an allowed, honest, reasonably sized file."""
    _check_size(fileobj)
    ext = claimed_extension(filename)
    allowed = set().union(*(CATEGORIES[category] for category in categories))
    if ext not in allowed:
        raise ValidationError(
            _("Không nhận tệp .%(ext)s. Các loại được nhận: %(allowed)s.")
            % {"ext": ext or "?", "allowed": ", ".join(sorted(allowed))}, code="type")
    if ext == "txt":
        return _check_text(fileobj)
    detected = detect(fileobj, filename)
    if detected.extension not in ACCEPTED[ext]:
        raise ValidationError(
            _("Nội dung tệp không khớp với đuôi .%(ext)s: tệp đã bị đổi tên hoặc bị hỏng.") % {"ext": ext},
            code="mismatch")
    if ext in CATEGORIES["image"]:
        _check_image(fileobj)
    return detected


def _check_size(fileobj) -> None:
    size, limit = fileobj.size, max_upload_bytes()
    if size > limit:
        raise ValidationError(
            _("Tệp quá lớn (%(size)s); giới hạn là %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}, code="size")
    if size == 0:
        raise ValidationError(_("Tệp rỗng."), code="empty")


def _check_text(fileobj) -> Detected:
    data = _read_head(fileobj, max_upload_bytes())
    try:
        if b"\x00" in data or filetype.guess(data[:_SNIFF_BYTES]) is not None:
            raise UnicodeDecodeError("utf-8", b"", 0, 1, "binary")
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(_("Tệp .txt phải là văn bản thuần (mã UTF-8)."), code="mismatch") from None
    return Detected("txt", "text/plain")


def image_size(fileobj) -> tuple[int, int]:
    """Width and height read by Pillow with its decompression-bomb guard turned into a refusal (a tiny file
    with a huge canvas is refused before any decoding); a file Pillow cannot read is refused too. Also
    serves the quiz file answers (assessments.uploads)."""
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fileobj) as image:
                width, height = image.size
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("Ảnh có kích thước quá lớn, bị từ chối để bảo vệ máy chủ."),
                              code="bomb") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("Không đọc được ảnh: tệp bị hỏng."), code="broken") from None
    finally:
        fileobj.seek(0)
    return width, height


def _check_image(fileobj) -> None:
    """Pillow's bomb guard, then our own pixel limit."""
    width, height = image_size(fileobj)
    if width * height > max_image_pixels():
        raise ValidationError(
            _("Ảnh %(width)s×%(height)s điểm ảnh vượt giới hạn %(limit)s điểm ảnh.")
            % {"width": width, "height": height, "limit": max_image_pixels()}, code="dimensions")


@deconstructible
class UploadValidator:
    """Model-field validator: checks a newly uploaded file; files already stored are left alone."""

    def __init__(self, categories):
        self.categories = tuple(categories)

    def __call__(self, value):
        if getattr(value, "_committed", True):
            return
        validate_upload(value.file, value.name, self.categories)

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and other.categories == self.categories

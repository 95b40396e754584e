"""Checks of a learner's file answer: what the file IS, not what its name says.

The extension picks the kind (audio, image, PDF); the content, read by `filetype` from its magic bytes,
must agree with it. Markup at the start of any file is refused (an HTML page renamed `.png` or wrapped
behind a `%PDF` header). Images are opened by Pillow with its decompression-bomb guard turned into a
refusal, and must stay under ANSWER_MAX_IMAGE_PIXELS. Raises InvalidResponse with a translated message.
"""

import re
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from content.uploads import image_size

from .exceptions import InvalidResponse

# claimed extension -> what the content may be detected as (containers that players accept under that name)
CONTENT_OF = {
    ".mp3": {"mp3"}, ".m4a": {"m4a", "mp4"}, ".ogg": {"ogg"}, ".wav": {"wav"}, ".aac": {"aac", "m4a", "mp4"},
    ".amr": {"amr"}, ".3gp": {"3gp", "mp4"},
    ".jpg": {"jpg"}, ".jpeg": {"jpg"}, ".png": {"png", "apng"}, ".webp": {"webp"},
    ".pdf": {"pdf"},
}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
SNIFF_BYTES = 8192
# What a browser would take for a page: a tag that starts an HTML document or runs script.
_MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|svg|object|embed|meta)\b", re.IGNORECASE)


def max_image_pixels() -> int:
    return getattr(settings, "ANSWER_MAX_IMAGE_PIXELS", 40_000_000)


def check_content(upload) -> None:
    """Refuse a file whose content does not match its extension, holds markup, or is an image bomb."""
    suffix = Path(upload.name).suffix.lower()
    head = _head(upload)
    detected = filetype.guess(head)
    if detected is None or detected.extension not in CONTENT_OF.get(suffix, set()) or _MARKUP.search(head):
        raise InvalidResponse(
            _("Nội dung tệp không khớp với đuôi %(suffix)s: tệp đã bị đổi tên hoặc bị hỏng.") % {"suffix": suffix})
    if suffix in IMAGE_SUFFIXES:
        _check_image(upload)


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _check_image(upload) -> None:
    """Pillow reads only the header (content.uploads.image_size, which guards against bombs), then the
    answers' own pixel limit."""
    try:
        width, height = image_size(upload)
    except ValidationError as error:
        raise InvalidResponse(error.messages[0]) from None
    if width * height > max_image_pixels():
        raise InvalidResponse(_("Ảnh có kích thước quá lớn, bị từ chối để bảo vệ máy chủ."))

import hashlib
import json

from django import template
from django.core.cache import cache
from django.template.defaultfilters import filesizeformat
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.filter
def file_size(document) -> str:
    """A document's size for the "before you download" hint, e.g. "2,4 MB"."""
    try:
        size = document.file_size or document.file.size
    except (OSError, ValueError):
        return ""
    return filesizeformat(size)


@register.simple_tag
def audio_duration(value) -> str:
    """The trainer's "m:ss", or the length read from the file once and cached."""
    if value.get("duration"):
        return value["duration"]
    document = value.get("file")
    if document is None:
        return ""
    key = f"audio-duration:{document.pk}:{document.file_hash or document.file.name}"
    duration = cache.get(key)
    if duration is None:
        duration = _read_duration(document)
        cache.set(key, duration, 60 * 60 * 24)
    return duration


def _read_duration(document) -> str:
    import mutagen

    try:
        with document.file.open("rb") as handle:
            media = mutagen.File(handle)
    except (OSError, mutagen.MutagenError):
        return ""
    if media is None or not getattr(media.info, "length", None):
        return ""
    minutes, seconds = divmod(round(media.info.length), 60)
    return f"{minutes}:{seconds:02d}"


BODY_CACHE_SECONDS = 600


@register.simple_tag
def lesson_body(page) -> str:
    """The lesson's content blocks as HTML, rendered once per content and language, then kept in the cache.

    The key holds a digest of the stored blocks themselves, so an edit saved or published is a new key and shows
    on the next request, whether or not it made a revision. The blocks render without the page's context (no
    user, no request): nothing of one learner can be kept and shown to another. A document or image replaced
    under an unchanged lesson shows within BODY_CACHE_SECONDS."""
    raw = json.dumps(list(page.body.raw_data), sort_keys=True, default=str).encode()
    key = f"courses:lesson-body:{page.pk}:{hashlib.blake2b(raw, digest_size=16).hexdigest()}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = "".join(str(block.render_as_block()) for block in page.body)
        cache.set(key, html, BODY_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - the blocks' own templates escaped it

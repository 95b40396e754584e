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


# Blocks whose HTML depends on the learner (a practice task shows their hand-in form): rendered on every
# request with the page's context, never cached.
LEARNER_BLOCKS = {"practice"}


@register.simple_tag(takes_context=True)
def lesson_body(context, page) -> str:
    """The lesson's content blocks as HTML, rendered once per content and language, then kept in the cache.

    The key holds a digest of the stored blocks themselves, so an edit saved or published is a new key and shows
    on the next request, whether or not it made a revision. Cached blocks render without the page's context (no
    user, no request): nothing of one learner can be kept and shown to another; the blocks of LEARNER_BLOCKS
    are left out of the cache and rendered here with the context. A document or image replaced under an
    unchanged lesson shows within BODY_CACHE_SECONDS."""
    raw = json.dumps(list(page.body.raw_data), sort_keys=True, default=str).encode()
    key = f"courses:lesson-body:{page.pk}:{hashlib.blake2b(raw, digest_size=16).hexdigest()}:{get_language()}"
    parts = cache.get(key)
    if parts is None:
        parts = [None if block.block_type in LEARNER_BLOCKS else str(block.render_as_block()) for block in page.body]
        cache.set(key, parts, BODY_CACHE_SECONDS)
    # page.body[index] turns only blocks of that type into values: the cached blocks' images and documents
    # are not read again (list(page.body) would read them all on every request).
    html = "".join(part if part is not None else str(page.body[index].render_as_block(context=context.flatten()))
                   for index, part in enumerate(parts))
    return mark_safe(html)  # noqa: S308 - the blocks' own templates escaped it
@register.simple_tag(takes_context=True)
def practice_submission(context, block_id):
    """The learner's hand-in for this practice task of the lesson on the page (one query, only for an
    enrolled learner: the page shows no form to anyone else)."""
    from ..practice.selectors import learner_submission

    page, request = context.get("page"), context.get("request")
    if page is None or request is None or not context.get("enrolment") or context.get("locked"):
        return None
    return learner_submission(request.user, page.pk, block_id)


@register.simple_tag(takes_context=True)
def self_enrol_refusal(context, program):
    """Why the signed-in learner may not enrol themselves in `program` (another target group), or ""; the
    program page then says so instead of offering a button that would be refused."""
    from ..models import TargetGroups
    from ..selectors import group_may_self_enrol, learner_target_group

    user = context["request"].user
    if group_may_self_enrol(user, program):
        return ""
    from django.utils.translation import gettext as _

    return _("Chương trình này dành cho %(groups)s; bạn thuộc %(group)s nên không tự ghi danh được. "
             "Nếu cần học, hãy liên hệ cán bộ quản lý để được ghi danh.") % {
        "groups": TargetGroups(program.target_groups).label, "group": TargetGroups(learner_target_group(user)).label}

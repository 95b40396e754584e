import hashlib
import json
import re

from django import template
from django.core.cache import cache
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from lms.templatetags.once_tags import rendered_once

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

# Where a practice task's hand-in (the learner's status and form) goes in the kept body: the block's template
# writes the marker when it renders for the cache, and each request puts the learner's own part in its place.
HAND_IN_SLOT = re.compile(r"<!--lms:hand-in:([\w-]+)-->")


@register.simple_tag(takes_context=True)
def lesson_body(context, page) -> str:
    """The lesson's content blocks as HTML, rendered once per content and language, then kept in the cache.

    The key holds a digest of the stored blocks themselves, so an edit saved or published is a new key and shows
    on the next request, whether or not it made a revision. The blocks render without the page's context (no
    user, no request): nothing of one learner can be kept and shown to another. A practice task leaves a slot
    for the hand-in, filled on each request (`hand_in`). A document or image replaced under an unchanged lesson
    shows within BODY_CACHE_SECONDS."""
    raw = json.dumps(list(page.body.raw_data), sort_keys=True, default=str).encode()
    key = f"courses:lesson-body:{page.pk}:{hashlib.blake2b(raw, digest_size=16).hexdigest()}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = "".join(str(block.render_as_block(context={"hand_in_slots": True})) for block in page.body)
        cache.set(key, html, BODY_CACHE_SECONDS)
    if "<!--lms:hand-in:" in html:
        html = HAND_IN_SLOT.sub(lambda match: hand_in(context, page, match[1]), html)
    return mark_safe(html)  # noqa: S308 - the blocks' own templates escaped it; hand_in's template too


def hand_in(context, page, block_id: str) -> str:
    """The enrolled learner's part of a practice task: what they handed in, its mark, and the form (one query,
    none when the lesson's facts say nothing was handed in). Nothing for anyone else: a visitor, a learner not
    enrolled, or a lesson still locked."""
    from ..practice.selectors import learner_submission

    request = context.get("request")
    if request is None or not context.get("enrolment") or context.get("locked"):
        return ""
    if not context.get("handed_in", True) and context.get("csrf_token"):
        return _empty_hand_in(page, block_id, context.get("csrf_token"))
    return _render_hand_in(page, block_id, learner_submission(request.user, page.pk, block_id),
                           context.get("csrf_token"))


def _render_hand_in(page, block_id: str, done, csrf_token) -> str:
    return render_to_string("courses/blocks/practice_hand_in.html", {
        "page": page, "id": block_id, "done": done, "csrf_token": csrf_token, "language": get_language()})


_TOKEN_SLOT = "lms-csrf-token-slot"


def _empty_hand_in(page, block_id: str, csrf_token) -> str:
    """The form of a learner who handed in nothing for the task: the same for every learner but for the CSRF
    token, so it is rendered once per process, task and language (`rendered_once`, like the frame's fixed parts)
    with a slot where each request's own token goes."""
    language = get_language()
    html = rendered_once(("practice-hand-in-empty", language, page.pk, block_id),
                         lambda: _render_hand_in(page, block_id, None, _TOKEN_SLOT))
    return html.replace(_TOKEN_SLOT, str(csrf_token), 1)


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

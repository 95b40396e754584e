"""Every change to practice submissions: hand in (or again), mark."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from content.uploads import validate_upload

from .. import services as learning
from ..exceptions import CoursesError
from ..models import LessonPage, PracticeStatus, PracticeSubmission
from . import selectors

# Phones record m4a/ogg/mp3; a page of a bulletin is a photo or a PDF; a plan is an office document.
ACCEPTED_CATEGORIES = ("audio", "image", "pdf", "document")
MAX_TEXT = 20000


class PracticeError(CoursesError):
    pass


def max_upload_bytes() -> int:
    return getattr(settings, "PRACTICE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)


def check_file(upload) -> None:
    """Size first (cheap), then what the file is (content.uploads: type from the content, not the name)."""
    if upload.size > max_upload_bytes():
        raise PracticeError(_("Tệp quá lớn (%(size)s); giới hạn là %(limit)s.") % {
            "size": filesizeformat(upload.size), "limit": filesizeformat(max_upload_bytes())})
    try:
        validate_upload(upload, upload.name, ACCEPTED_CATEGORIES)
    except ValidationError as error:
        raise PracticeError(error.messages[0]) from None


def submit(user, lesson: LessonPage, block_id: str, *, text: str = "", upload=None) -> PracticeSubmission:
    """Hand in the work for one practice task of a lesson the learner may learn. Handing in again replaces
    the work (and the file) and puts it back in the marking queue; work marked "passed" is final."""
    if block_id not in selectors.practice_block_ids(lesson):
        raise PracticeError(_("Bài thực hành này không còn trong bài học."))
    learning._check_can_learn(user, lesson)  # enrolled, right group, module unlocked, lesson visible
    text = (text or "").strip()
    if not text and upload is None:
        raise PracticeError(_("Hãy viết bài làm hoặc gửi một tệp."))
    if len(text) > MAX_TEXT:
        raise PracticeError(_("Bài viết dài quá %(max)s ký tự.") % {"max": MAX_TEXT})
    if upload is not None:
        check_file(upload)
    with transaction.atomic():
        row = _locked_row(user, lesson, block_id)
        if row.status == PracticeStatus.PASSED:
            raise PracticeError(_("Bài thực hành này đã được chấm đạt."))
        old_file = row.file.name if upload is not None and row.file else ""
        row.text, row.status, row.submitted_at = text, PracticeStatus.SUBMITTED, timezone.now()
        row.commune_id = learning._learner_commune_id(user)
        row.feedback, row.marked_by, row.marked_at = "", None, None
        if upload is not None:
            row.file.save(upload.name, upload, save=False)
            row.file_size = upload.size
        row.save()
        if old_file:  # the replaced file goes once the new work is committed
            storage = row.file.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    return row


def _locked_row(user, lesson, block_id) -> PracticeSubmission:
    try:
        with transaction.atomic():
            row, _created = PracticeSubmission.objects.get_or_create(
                user=user, lesson=lesson, block_id=block_id, defaults={"submitted_at": timezone.now()})
    except IntegrityError:  # a double tap: the other request created it
        row = PracticeSubmission.objects.get(user=user, lesson=lesson, block_id=block_id)
    return PracticeSubmission.objects.select_for_update().get(pk=row.pk)


def mark(marker, submission_id: int, status: str, feedback: str) -> PracticeSubmission:
    """A trainer in scope marks the work passed or to redo, with feedback the learner reads under the task."""
    submission = selectors.submission_for_marker(marker, submission_id)
    if status not in (PracticeStatus.PASSED, PracticeStatus.REDO):
        raise PracticeError(_("Hãy chọn “Đạt” hoặc “Cần làm lại”."))
    feedback = (feedback or "").strip()
    if status == PracticeStatus.REDO and not feedback:
        raise PracticeError(_("Hãy viết nhận xét để học viên biết cần làm lại gì."))
    # Conditional on the version the marker saw: work handed in again meanwhile is not marked blind.
    updated = PracticeSubmission.objects.filter(pk=submission.pk, submitted_at=submission.submitted_at).update(
        status=status, feedback=feedback, marked_by=marker, marked_at=timezone.now())
    if not updated:
        raise PracticeError(_("Học viên vừa nộp lại bài; hãy xem bài mới trước khi chấm."))
    submission.refresh_from_db()
    return submission

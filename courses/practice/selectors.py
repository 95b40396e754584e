"""Read queries for practice submissions: the learner's own, the marking queue, the marker's and file access."""

from django.http import Http404

from accounts import access
from lms.precompiled import Precompiled

from ..models import LessonPage, PracticeStatus, PracticeSubmission

_RELATED = ("user", "commune", "lesson")


def practice_block_ids(lesson: LessonPage) -> set[str]:
    return {block.id for block in lesson.body if block.block_type == "practice"}


# Read on every lesson view with a practice task: building this query with the ORM cost 25 times its run.
_LEARNER_SUBMISSION = Precompiled(
    lambda block_id, user_id, lesson_id: PracticeSubmission.objects.filter(
        user_id=user_id, lesson_id=lesson_id, block_id=block_id).order_by("pk")[:1],
    texts=("block_id",), numbers=("user_id", "lesson_id"))


def learner_submission(user, lesson_id: int, block_id: str) -> PracticeSubmission | None:
    if not user.is_authenticated:
        return None
    found = _LEARNER_SUBMISSION.rows(block_id=block_id, user_id=user.pk, lesson_id=lesson_id)
    return next(iter(found), None)


def marking_queue(user):
    """Submissions waiting for a mark whose learner's commune (when handed in) is in the user's scope."""
    waiting = (PracticeSubmission.objects.filter(status=PracticeStatus.SUBMITTED).select_related(*_RELATED)
               .order_by("submitted_at", "pk"))
    return access.filter_in_scope(waiting, user, "commune__path")


def _in_scope(user, submission: PracticeSubmission) -> bool:
    if access.has_full_access(user):
        return True
    return submission.commune is not None and access.can_see_locality(user, submission.commune)


def submission_for_marker(user, submission_id: int) -> PracticeSubmission:
    """404 outside the marker's scope, as for an id that does not exist: ids tell nothing."""
    submission = PracticeSubmission.objects.select_related(*_RELATED).filter(pk=submission_id).first()
    if submission is None or not access.is_staff_member(user) or not _in_scope(user, submission):
        raise Http404
    return submission


def submission_file_for(user, submission_id: int) -> PracticeSubmission:
    """The file for its learner, or for staff whose scope covers the learner's commune; 404 for anyone else."""
    submission = (PracticeSubmission.objects.select_related("commune").filter(pk=submission_id)
                  .exclude(file="").first())
    if submission is None:
        raise Http404
    if submission.user_id == user.pk or (access.is_staff_member(user) and _in_scope(user, submission)):
        return submission
    raise Http404

"""Every change to learning records: enrolment, lesson progress, completion.

Views, the admin, tasks, the JSON API and tests all call these functions; nothing else
writes Enrolment, LessonProgress or the completion rows.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import LearnerProfile

from . import selectors
from .exceptions import LessonNotVisible, ModuleLocked, NotEnrolled
from .models import (
    Enrolment,
    EnrolmentSource,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
    ProgramCompletion,
    ProgramPage,
    ProgressEvent,
    ProgressStatus,
)
from .signals import enrolment_changed, program_completed, progress_changed

MAX_SECONDS_PER_EVENT = 3600  # a client cannot claim more than an hour per report


def _learner_commune_id(user) -> int | None:
    return LearnerProfile.objects.filter(user=user).values_list("commune_id", flat=True).first()


def enrol(user, program: ProgramPage, source: str = EnrolmentSource.SELF, by=None) -> Enrolment:
    """Enrol once: a repeated or concurrent call returns the same active enrolment."""
    existing = selectors.active_enrolment(user, program)
    if existing:
        return existing
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(user=user, program=program, source=source, enrolled_by=by,
                                                 commune_id=_learner_commune_id(user))
    except IntegrityError:  # another request enrolled in between: the constraint kept one row
        return selectors.active_enrolment(user, program)
    _announce_enrolments([user.pk], program)
    return enrolment


def _announce_enrolments(user_ids: list[int], program: ProgramPage) -> None:
    if user_ids:
        transaction.on_commit(lambda: enrolment_changed.send(sender=Enrolment, user_ids=user_ids,
                                                             program_id=program.pk))


def unenrol(user, program: ProgramPage) -> bool:
    """Close the active enrolment; the row and all progress stay as history."""
    closed = Enrolment.objects.filter(user=user, program=program, unenrolled_at__isnull=True)
    changed = bool(closed.update(unenrolled_at=timezone.now()))
    if changed:
        _announce_enrolments([user.pk], program)
    return changed


def bulk_enrol(manager, program: ProgramPage, locality, target_group: str | None) -> int:
    """Enrol every learner of `target_group` in `locality` (which must be in the manager's scope)."""
    if not access.can_see_locality(manager, locality, access.MANAGER_ROLES):
        raise PermissionDenied
    profiles = LearnerProfile.objects.filter(commune__path__startswith=locality.path, user__is_active=True)
    if target_group:
        profiles = profiles.filter(target_group=target_group)
    already = Enrolment.objects.filter(program=program, unenrolled_at__isnull=True).values("user_id")
    rows = [Enrolment(user_id=user_id, program=program, commune_id=commune_id, source=EnrolmentSource.BULK,
                      enrolled_by=manager)
            for user_id, commune_id in profiles.exclude(user_id__in=already).values_list("user_id", "commune_id")]
    # ignore_conflicts: a learner who self-enrols during the bulk run keeps exactly one enrolment.
    Enrolment.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    _announce_enrolments([row.user_id for row in rows], program)
    return len(rows)


def _check_can_learn(user, lesson: LessonPage) -> tuple[ModulePage, ProgramPage]:
    module, program = selectors.lesson_ancestors(lesson)
    if not selectors.lesson_visible_to(user, lesson):
        raise LessonNotVisible(_("Bài học này không dành cho địa bàn của bạn."))
    if selectors.active_enrolment(user, program) is None:
        raise NotEnrolled(_("Bạn cần ghi danh chương trình “%(program)s” trước.") % {"program": program.title})
    if selectors.module_is_locked(user, module):
        raise ModuleLocked(_("Hãy hoàn thành chuyên đề “%(module)s” trước.") % {
            "module": module.prerequisite.title})
    return module, program


def _progress_row(user, lesson: LessonPage) -> LessonProgress:
    """The one progress row for (user, lesson), created if missing; safe under concurrency."""
    try:
        with transaction.atomic():
            row, _created = LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    except IntegrityError:
        row = LessonProgress.objects.get(user=user, lesson=lesson)
    return row


def mark_started(user, lesson: LessonPage) -> LessonProgress:
    """Opening a lesson marks it started (idempotent).

    The lesson page calls this after its own access facts showed the learner is enrolled and
    the module unlocked, so the checks are not run twice per page view.
    """
    return _progress_row(user, lesson)


def record_progress(user, lesson: LessonPage, *, event_id: uuid.UUID | None = None, seconds: int = 0,
                    position: float | None = None, completed: bool = False) -> LessonProgress:
    """Apply one progress report. Idempotent by `event_id`; never regresses a completed lesson."""
    module, program = _check_can_learn(user, lesson)
    row = _progress_row(user, lesson)
    with transaction.atomic():
        if event_id is not None and not _claim_event(user, lesson, event_id):
            row.refresh_from_db()
            return row
        _apply(row, seconds, position)
        # A manual lesson sends completed when the learner taps "done"; a media lesson's page
        # sends it when the audio or video reaches its end.
        newly_completed = completed and _mark_completed(row)
        row.refresh_from_db()
        if newly_completed:
            refresh_completion(user, program)
        transaction.on_commit(lambda: progress_changed.send(
            sender=LessonProgress, user_id=user.pk, program_id=program.pk))
    return row


def complete_lesson(user, lesson: LessonPage) -> LessonProgress:
    return record_progress(user, lesson, completed=True)


def _claim_event(user, lesson, event_id) -> bool:
    try:
        with transaction.atomic():
            ProgressEvent.objects.create(user=user, lesson=lesson, event_id=event_id)
        return True
    except IntegrityError:
        return False


def _apply(row: LessonProgress, seconds: int, position: float | None) -> None:
    changes = {"updated_at": timezone.now()}
    seconds = max(0, min(int(seconds or 0), MAX_SECONDS_PER_EVENT))
    if seconds:
        changes["seconds_spent"] = F("seconds_spent") + seconds
    if position is not None and position >= 0:
        changes["position"] = position
    LessonProgress.objects.filter(pk=row.pk).update(**changes)


def _mark_completed(row: LessonProgress) -> bool:
    """Conditional update: only the first completion wins, later ones change nothing."""
    return bool(LessonProgress.objects.filter(pk=row.pk, completed_at__isnull=True).update(
        completed_at=timezone.now(), status=ProgressStatus.COMPLETED))


def refresh_completion(user, program: ProgramPage) -> bool:
    """Recompute module and program completion for one learner; True if the program is complete."""
    modules = list(ModulePage.objects.live().child_of(program))
    figures = selectors.progress_by_child(user, program, len(program.path) + selectors.STEP)
    quiz_ids = [m.quiz_id for m in modules if m.quiz_id] + ([program.final_quiz_id] if program.final_quiz_id else [])
    passed = _passed_quizzes(user, quiz_ids)
    now = timezone.now()
    complete = [m for m in modules if _module_complete(m, figures.get(m.path), passed)]
    ModuleCompletion.objects.bulk_create([ModuleCompletion(user=user, module=m, completed_at=now) for m in complete],
                                         ignore_conflicts=True)
    program_done = bool(modules) and len(complete) == len(modules) and (
        not program.final_quiz_id or program.final_quiz_id in passed)
    if program_done:
        _record_program_completion(user, program, now)
    return program_done


def _module_complete(module: ModulePage, figures, passed: set[int]) -> bool:
    lessons_done = figures is None or figures.done >= figures.total
    return lessons_done and (not module.quiz_id or module.quiz_id in passed)


def _passed_quizzes(user, quiz_ids: list[int]) -> set[int]:
    if not quiz_ids:
        return set()
    from assessments.selectors import passed_quiz_ids

    return passed_quiz_ids(user.pk, quiz_ids)


def _record_program_completion(user, program: ProgramPage, when) -> None:
    try:
        with transaction.atomic():
            ProgramCompletion.objects.create(user=user, program=program, completed_at=when,
                                             commune_id=_learner_commune_id(user))
    except IntegrityError:
        return  # completed before (or by a concurrent request): issue and announce only once
    from .certificates.services import issue_for_completion

    # In the same transaction: the certificate, its audit entry and its PDF task (outbox) commit together.
    issue_for_completion(user.pk, program.pk)
    transaction.on_commit(lambda: program_completed.send(
        sender=ProgramCompletion, user_id=user.pk, program_id=program.pk))


def refresh_after_attempt(user_id: int, quiz_id: int) -> None:
    """Receiver work for assessments' attempt_graded: recompute programs that use this quiz."""
    from accounts.models import User

    user = User.objects.get(pk=user_id)
    program_paths = {selectors.parent_path(m) for m in ModulePage.objects.filter(quiz_id=quiz_id)}
    programs = ProgramPage.objects.filter(path__in=program_paths) | ProgramPage.objects.filter(final_quiz_id=quiz_id)
    for program in programs.distinct():
        if selectors.active_enrolment(user, program):
            refresh_completion(user, program)

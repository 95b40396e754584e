"""Every change to learning records: enrolment, lesson progress, completion.

Views, the admin, tasks, the JSON API and tests all call these functions; nothing else
writes Enrolment, LessonProgress or the completion rows.
"""

import logging
import math
import uuid
from datetime import UTC, datetime

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import LearnerProfile
from lms.precompiled import PrecompiledSQL

from . import selectors
from .exceptions import CompletionRuleNotMet, InvalidProgress, LessonNotVisible, NotInTargetGroup
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

logger = logging.getLogger(__name__)

MAX_SECONDS_PER_EVENT = 3600  # credited per report at most, however long the learner was away
MAX_SECONDS_CLAIMED = 86400  # a report claiming more than a day is malformed: refused, not cut
MAX_POSITION = 86400.0  # seconds into a recording; no lesson's audio or video lasts a day


def _learner_commune_id(user) -> int | None:
    return LearnerProfile.objects.filter(user=user).values_list("commune_id", flat=True).first()


def enrol(user, program: ProgramPage, source: str = EnrolmentSource.SELF, by=None) -> Enrolment:
    """Enrol once: a repeated or concurrent call returns the same active enrolment.

    A learner enrols themselves only in a program of their target group; a manager or a class may
    enrol anyone (their decision)."""
    existing = selectors.active_enrolment(user, program)
    if existing:
        return existing
    if source == EnrolmentSource.SELF and not selectors.group_may_self_enrol(user, program):
        raise NotInTargetGroup(_("Chương trình “%(program)s” dành cho nhóm đối tượng khác.")
                               % {"program": program.title})
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
    refusal = selectors.module_refusal(user, program, module, selectors.active_enrolment(user, program),
                                       selectors.completed_module_ids(user, [module.prerequisite_id]))
    if refusal is not None:
        raise refusal
    return module, program


def _progress_row(user, lesson: LessonPage) -> LessonProgress:
    """The one progress row for (user, lesson), created if missing; safe under concurrency."""
    try:
        with transaction.atomic():
            row, _created = LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    except IntegrityError:
        row = LessonProgress.objects.get(user=user, lesson=lesson)
    return row


# PostgreSQL: the opening's commit does not wait for the disk (synchronous_commit off for this statement's
# transaction only; 0.27 of 0.54 ms on the bench machine). A crash may lose the last fraction of a second of
# openings, which the next opening writes again; nothing else is written this way. SQLite runs its WAL with
# synchronous=NORMAL already (lms/settings/base.py).
_OPENING_VALUES = {
    False: "VALUES (%s, %s, %s, %s, NULL, 0, 0, %s, %s)",
    True: "SELECT %s, %s, %s, %s, NULL, 0, 0, %s, %s FROM (SELECT set_config('synchronous_commit', 'off', true)) s",
}


def _opening_sql(connection) -> str:
    q = connection.ops.quote_name
    table, columns = q(LessonProgress._meta.db_table), [q(f.column) for f in LessonProgress._meta.concrete_fields]
    inserted = ", ".join(q(name) for name in ("user_id", "lesson_id", "status", "started_at", "completed_at",
                                               "seconds_spent", "position", "updated_at", "clock_started_at"))
    return (f"INSERT INTO {table} ({inserted}) {_OPENING_VALUES[connection.vendor == 'postgresql']} "
            f"ON CONFLICT ({q('user_id')}, {q('lesson_id')}) "
            f"DO UPDATE SET {q('clock_started_at')} = excluded.{q('clock_started_at')} "
            f"RETURNING {', '.join(columns)}")


_OPENING = PrecompiledSQL(LessonProgress, _opening_sql)


def mark_started(user, lesson: LessonPage, program_id: int | None = None) -> LessonProgress:
    """The first opening of a lesson marks it started (idempotent), in one statement and no transaction.

    The lesson page calls this after its own access facts showed the learner is enrolled, the module
    unlocked and no row yet, so the checks are not run twice per page view; a lesson opened again writes
    nothing (its page carries its own clock, `opening_token`). Opening starts the clock: the first report
    is credited from now. One INSERT … ON CONFLICT DO UPDATE … RETURNING (PostgreSQL, SQLite ≥ 3.35): a new
    row, or, when another request created it a moment ago, that row with its clock moved, read back whole.
    Only a new row changes what the reports count (the lesson is started), so only then are they told.
    """
    now = timezone.now()
    value = connection.ops.adapt_datetimefield_value(now)
    row = _OPENING.rows([user.pk, lesson.pk, ProgressStatus.IN_PROGRESS, value, value, value])[0]
    if row.started_at >= now and program_id is not None:  # this request created it
        transaction.on_commit(lambda: progress_changed.send(sender=LessonProgress, user_id=user.pk,
                                                            program_id=program_id))
    return row


def record_progress(user, lesson: LessonPage, *, event_id: uuid.UUID | None = None, seconds: int = 0,
                    position: float | None = None, completed: bool = False, now=None,
                    opened_at=None) -> LessonProgress:
    """Apply one progress report. Idempotent by `event_id`; never regresses a completed lesson.

    Time is credited only as far as the clock allows: at most the time elapsed since the learner's
    previous report on this lesson, its first opening or `opened_at` (the opening of the page that sends the
    report, `opened_at_of`), and never more than an hour per report.
    `completed` is accepted only when the lesson's completion rule is met; otherwise nothing changes.
    """
    _check_report(seconds, position)
    module, program = _check_can_learn(user, lesson)
    now = now or timezone.now()
    with transaction.atomic():
        if event_id is not None and not _claim_event(user, lesson, event_id):
            return _progress_row(user, lesson)  # a replay: the state its first delivery left
        # The row lock serialises the reports of one learner on one lesson: each second is credited once.
        row = _locked_progress_row(user, lesson)
        credit = creditable_seconds(row, seconds, now, opened_at)
        if completed and row.completed_at is None:
            _check_completion_rule(lesson, row.seconds_spent + credit,
                                   row.position if position is None else position)
        _apply(row, credit, position, now)
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


def _check_report(seconds, position) -> None:
    """Values a client can send but a lesson cannot have: refused before anything is read or written."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= MAX_SECONDS_CLAIMED:
        raise InvalidProgress(_("Số giây phải là số nguyên từ 0 đến %(max)s.") % {"max": MAX_SECONDS_CLAIMED})
    if position is None:
        return
    if isinstance(position, bool) or not isinstance(position, (int, float)) or not math.isfinite(position) \
            or not 0 <= position <= MAX_POSITION:
        raise InvalidProgress(_("Vị trí nghe/xem phải là số từ 0 đến %(max)s giây.") % {"max": MAX_POSITION})


def creditable_seconds(row: LessonProgress, claimed: int, now, opened_at=None) -> int:
    """The claimed seconds, cut to the whole seconds elapsed since the previous report on this lesson, its
    first opening (`updated_at`, `clock_started_at`) or the opening of the page that sends the report
    (`opened_at`, from `opened_at_of`), whichever is latest, and to an hour."""
    since = max(row.updated_at, row.clock_started_at or row.updated_at, opened_at or row.updated_at)
    elapsed = max(0, int((now - since).total_seconds()))
    return min(claimed, elapsed, MAX_SECONDS_PER_EVENT)


# A lesson opened again writes nothing, so the time of that opening travels with the page instead: signed for
# this learner and lesson, sent back with each report. A report without it (or with a forged one) is credited
# from the previous report or the first opening, as a report that never reopened the page always was.
_OPENING_SIGNER = signing.Signer(salt="courses.lesson-opening")


def opening_token(user, lesson: LessonPage) -> str:
    return _OPENING_SIGNER.sign(f"{user.pk}.{lesson.pk}.{int(timezone.now().timestamp() * 1000)}")


def opened_at_of(token, user, lesson: LessonPage):
    """When the page that carries `token` was opened by this learner on this lesson; None for anything else."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        user_id, lesson_id, milliseconds = _OPENING_SIGNER.unsign(token).split(".")
    except (signing.BadSignature, ValueError):
        return None
    if (user_id, lesson_id) != (str(user.pk), str(lesson.pk)):
        return None
    return datetime.fromtimestamp(int(milliseconds) / 1000, tz=UTC)


def _check_completion_rule(lesson: LessonPage, seconds_spent: int, position: float) -> None:
    if not selectors.completion_rule_met(lesson, seconds_spent, position):
        raise CompletionRuleNotMet(_("Bài “%(lesson)s” hoàn thành khi bạn nghe/xem hết nội dung.")
                                   % {"lesson": lesson.title})


def _claim_event(user, lesson, event_id) -> bool:
    """Record the event once: INSERT … ON CONFLICT DO NOTHING RETURNING, one statement and no savepoint;
    False when this learner already sent it."""
    q = connection.ops.quote_name
    table = q(ProgressEvent._meta.db_table)
    columns = ", ".join(q(name) for name in ("user_id", "lesson_id", "event_id", "received_at"))
    sql = (f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s) "
           f"ON CONFLICT ({q('user_id')}, {q('event_id')}) DO NOTHING RETURNING {q('id')}")
    event = ProgressEvent._meta.get_field("event_id").get_db_prep_value(event_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, lesson.pk, event, connection.ops.adapt_datetimefield_value(timezone.now())])
        return cursor.fetchone() is not None


def _locked_progress_row(user, lesson) -> LessonProgress:
    """The (user, lesson) row, locked until the transaction ends; one query when it exists (the page
    created it on opening), else created first."""
    locked = LessonProgress.objects.select_for_update()
    row = locked.filter(user=user, lesson=lesson).first()
    return row if row is not None else locked.get(pk=_progress_row(user, lesson).pk)


def _apply(row: LessonProgress, credit: int, position: float | None, now) -> None:
    changes = {"updated_at": now}
    if credit:
        changes["seconds_spent"] = F("seconds_spent") + credit
    if position is not None:
        changes["position"] = float(position)
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
    """Recompute the completion of the learner's programs that use this quiz (a module's or the final one)."""
    from accounts.models import User

    user = User.objects.get(pk=user_id)
    program_paths = {selectors.parent_path(m) for m in ModulePage.objects.filter(quiz_id=quiz_id)}
    programs = ProgramPage.objects.filter(path__in=program_paths) | ProgramPage.objects.filter(final_quiz_id=quiz_id)
    for program in programs.distinct():
        if selectors.active_enrolment(user, program):
            refresh_completion(user, program)


@transaction.atomic
def refresh_completion_after_attempt(attempt_id: int) -> None:
    """The outbox task's work after a grade (courses.tasks): module, program and certificate in one
    transaction, so a failed run leaves nothing half-done for the retry."""
    from assessments.models import Attempt

    user_id, quiz_id = Attempt.objects.values_list("user_id", "quiz_id").get(pk=attempt_id)
    refresh_after_attempt(user_id, quiz_id)


def repair_completions(user_ids=None, *, dry_run: bool = False) -> selectors.CompletionDrift:
    """Write the module and program completions the learning records show but no row holds (a follow-up
    that was lost); `dry_run` only reports them. Program completions go through the usual path: the
    certificate is issued and program_completed announced. Called by the daily rebuild."""
    with transaction.atomic():
        drift = selectors.missing_completions(user_ids)
        if dry_run or not drift.found:
            return drift
        now = timezone.now()
        ModuleCompletion.objects.bulk_create([ModuleCompletion(user_id=user_id, module_id=module_id, completed_at=now)
                                              for user_id, module_id in drift.modules],
                                             ignore_conflicts=True, batch_size=1000)
        _repair_program_completions(drift.programs, now)
    logger.warning("completions repaired: %s", drift.summary())
    return drift


def _repair_program_completions(pairs, now) -> None:
    from accounts.models import User

    users = User.objects.in_bulk({user_id for user_id, _program in pairs})
    programs = ProgramPage.objects.in_bulk({program_id for _user, program_id in pairs})
    for user_id, program_id in pairs:  # rare: only completions that were lost
        _record_program_completion(users[user_id], programs[program_id], now)

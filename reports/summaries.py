"""Computing summary rows from the learning records (pure reads; reports.services writes them).

The same functions serve the incremental refresh (a few learners) and the full rebuild (everyone):
what a refresh writes is by construction what a rebuild would write for those learners.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Substr
from django.utils import timezone

from accounts.models import LearnerProfile
from assessments.models import Attempt, AttemptState, GradingMethod
from courses.models import (
    Certificate,
    CertificateStatus,
    Enrolment,
    LessonProgress,
    ProgramCompletion,
    ProgramPage,
    ProgressStatus,
)
from localities.grounds import resolve_path
from localities.models import path_prefixes

from .counters import PeriodCounts

# Fields of LearnerProgramSummary that the computation fills (and the drift check compares).
LEARNER_FIELDS = ("commune_id", "completion_commune_id", "target_group", "enrolled_at", "unenrolled_at",
                  "started_at", "last_activity_at", "lessons_completed", "completed_at", "passed_at",
                  "best_score", "scored_at", "certified_at")


@dataclass
class LearnerFacts:
    user_id: int
    program_id: int
    commune_id: int | None
    completion_commune_id: int | None = None
    target_group: str = ""
    enrolled_at: datetime.datetime | None = None
    unenrolled_at: datetime.datetime | None = None
    started_at: datetime.datetime | None = None
    last_activity_at: datetime.datetime | None = None
    lessons_completed: int = 0
    completed_at: datetime.datetime | None = None
    passed_at: datetime.datetime | None = None
    best_score: Decimal | None = None
    scored_at: datetime.datetime | None = None
    certified_at: datetime.datetime | None = None

    @property
    def key(self) -> tuple[int, int]:
        return self.user_id, self.program_id

    def values(self) -> tuple:
        return tuple(getattr(self, name) for name in LEARNER_FIELDS)


def _limit(queryset, user_ids, program_ids, user_field="user_id", program_field="program_id"):
    if user_ids is not None:
        queryset = queryset.filter(**{f"{user_field}__in": list(user_ids)})
    if program_ids is not None:
        queryset = queryset.filter(**{f"{program_field}__in": list(program_ids)})
    return queryset


def learner_facts(user_ids=None, program_ids=None) -> dict[tuple[int, int], LearnerFacts]:
    """Facts per (learner, program) from the source records; None means "all". Seven queries."""
    facts = _enrolments(user_ids, program_ids)
    if not facts:
        return facts
    programs = list(_limit(ProgramPage.objects.all(), None, program_ids, program_field="pk")
                    .values_list("pk", "path", "final_quiz_id"))
    _add_groups(facts, user_ids)
    _add_progress(facts, user_ids, programs)
    _add_completions(facts, user_ids, program_ids)
    _add_final_quizzes(facts, user_ids, programs)
    _add_certificates(facts, user_ids, program_ids)
    for item in facts.values():
        _last_activity_covers_completion(item)
    return facts


def _last_activity_covers_completion(item) -> None:
    """Completing (a module quiz that completes the program, a pass) is activity: "last activity" is never
    earlier than "completed" or "passed" (issue 15, item 6)."""
    moments = [moment for moment in (item.last_activity_at, item.completed_at, item.passed_at) if moment]
    item.last_activity_at = max(moments) if moments else None


def _enrolments(user_ids, program_ids) -> dict:
    rows = _limit(Enrolment.objects.all(), user_ids, program_ids).order_by(
        "user_id", "program_id", "-enrolled_at", "-pk").values_list(
        "user_id", "program_id", "commune_id", "enrolled_at", "unenrolled_at")
    facts = {}
    for user_id, program_id, commune_id, enrolled_at, unenrolled_at in rows.iterator(chunk_size=20000):
        if (user_id, program_id) not in facts:  # the latest enrolment comes first
            facts[(user_id, program_id)] = LearnerFacts(user_id, program_id, commune_id, commune_id,
                                                        enrolled_at=enrolled_at, unenrolled_at=unenrolled_at)
    return facts


def _add_groups(facts, user_ids) -> None:
    groups = dict(_limit(LearnerProfile.objects.all(), user_ids, None).values_list("user_id", "target_group"))
    for item in facts.values():
        item.target_group = groups.get(item.user_id, "")


def _add_progress(facts, user_ids, programs) -> None:
    """Lessons are Wagtail pages below their program: group progress by the program's path prefix."""
    if not programs:
        return
    by_path = {path: pk for pk, path, _quiz in programs}
    length = len(programs[0][1])  # programs are siblings under the one index page: equal path lengths
    rows = (_limit(LessonProgress.objects.all(), user_ids, None)
            .filter(lesson__path__startswith=programs[0][1][:length - 4])
            .annotate(program_path=Substr("lesson__path", 1, length))
            .values("user_id", "program_path")
            .annotate(first=Min("started_at"), last=Max("updated_at"),
                      done=Count("pk", filter=Q(status=ProgressStatus.COMPLETED)))
            .values_list("user_id", "program_path", "first", "last", "done"))
    for user_id, path, first, last, done in rows.iterator(chunk_size=20000):
        item = facts.get((user_id, by_path.get(path)))
        if item is not None:
            item.started_at, item.last_activity_at, item.lessons_completed = first, last, done


def _add_completions(facts, user_ids, program_ids) -> None:
    rows = _limit(ProgramCompletion.objects.all(), user_ids, program_ids).values_list(
        "user_id", "program_id", "completed_at", "commune_id")
    for user_id, program_id, completed_at, commune_id in rows.iterator(chunk_size=20000):
        item = facts.get((user_id, program_id))
        if item is not None:
            item.completed_at = completed_at
            item.completion_commune_id = commune_id or item.commune_id


def _add_final_quizzes(facts, user_ids, programs) -> None:
    """Passed and best score follow the quiz's grading method, as assessments.selectors does."""
    program_by_quiz = defaultdict(list)
    for pk, _path, quiz_id in programs:
        if quiz_id:
            program_by_quiz[quiz_id].append(pk)
    if not program_by_quiz:
        return
    rows = (_limit(Attempt.objects.filter(quiz_id__in=list(program_by_quiz), state=AttemptState.GRADED),
                   user_ids, None)
            .order_by("user_id", "quiz_id", "submitted_at", "pk")
            .values_list("user_id", "quiz_id", "quiz__grading_method", "submitted_at", "percent", "passed"))
    attempts = defaultdict(list)
    for user_id, quiz_id, method, submitted_at, percent, passed in rows.iterator(chunk_size=20000):
        attempts[(user_id, quiz_id, method)].append((submitted_at, percent, passed))
    for (user_id, quiz_id, method), graded in attempts.items():
        for program_id in program_by_quiz[quiz_id]:
            item = facts.get((user_id, program_id))
            if item is not None:
                _apply_attempts(item, method, graded)


def _apply_attempts(item: LearnerFacts, method: str, graded: list) -> None:
    item.scored_at = graded[-1][0]
    if item.last_activity_at is None or (item.scored_at and item.scored_at > item.last_activity_at):
        item.last_activity_at = item.scored_at
    if method == GradingMethod.LAST:
        item.best_score = graded[-1][1]
        item.passed_at = graded[-1][0] if graded[-1][2] else None
        return
    scores = [percent for _at, percent, _passed in graded if percent is not None]
    item.best_score = max(scores) if scores else None
    item.passed_at = next((at for at, _percent, passed in graded if passed), None)


def _add_certificates(facts, user_ids, program_ids) -> None:
    """Issued and not revoked: a certificate in preparation is not yet issued."""
    rows = _limit(Certificate.objects.filter(status=CertificateStatus.READY, revoked_at__isnull=True),
                  user_ids, program_ids).values_list("user_id", "program_id", "issued_at")
    for user_id, program_id, issued_at in rows.iterator(chunk_size=20000):
        item = facts.get((user_id, program_id))
        if item is not None:
            item.certified_at = issued_at


# Period rows ------------------------------------------------------------------------------

def half_year_start(moment: datetime.datetime) -> datetime.date:
    day = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


def period_counts(rows) -> dict[tuple, PeriodCounts]:
    """Per (commune_id, program_id, target_group, period_start): events counted where and when they happened.

    `rows` are LearnerProgramSummary-like objects (stored rows or LearnerFacts).
    """
    counts = defaultdict(PeriodCounts)

    def add(commune_id, row, moment, name, amount=1):
        if moment is not None and commune_id is not None:
            bucket = counts[(commune_id, row.program_id, row.target_group, half_year_start(moment))]
            setattr(bucket, name, getattr(bucket, name) + amount)

    for row in rows:
        add(row.commune_id, row, row.enrolled_at, "enrolled")
        add(row.commune_id, row, row.started_at, "started")
        add(row.completion_commune_id, row, row.completed_at, "completed")
        add(row.completion_commune_id, row, row.passed_at, "passed")
        add(row.completion_commune_id, row, row.certified_at, "certified")
        if row.best_score is not None:
            add(row.commune_id, row, row.scored_at, "score_sum", Decimal(row.best_score))
            add(row.commune_id, row, row.scored_at, "score_count")
        if row.unenrolled_at is None and row.completed_at is None:
            add(row.commune_id, row, row.last_activity_at or row.enrolled_at, "open_last_seen")
    return dict(counts)


def unit_counts(counts: dict, parent_of: dict[int, int | None]) -> dict[tuple, PeriodCounts]:
    """The commune rows summed into every unit above them (district-level and province-level):
    (unit_id, program_id, target_group, period_start)."""
    result = defaultdict(PeriodCounts)
    for (commune_id, program_id, group, start), value in counts.items():
        for unit_id in ancestors(commune_id, parent_of):
            result[(unit_id, program_id, group, start)].add(value)
    return dict(result)


def ancestors(locality_id: int, parent_of: dict[int, int | None]) -> list[int]:
    """The units above a locality, nearest first (the tree is three levels deep; a cycle in bad data stops)."""
    found = []
    parent = parent_of.get(locality_id)
    while parent is not None and parent not in found and len(found) < 5:
        found.append(parent)
        parent = parent_of.get(parent)
    return found


# Where a registered learner counts "as the units were": for periods ending in [counted_from, counted_to].
BEFORE_ALL, FOREVER = datetime.date(1, 1, 1), datetime.date(9999, 12, 31)
# Units a learner moved by a reform passes through after the commune they had (2023 -> 2024 -> 2025 lists);
# reports.selectors.then_commune_path follows as many in SQL.
STINT_HOPS = 2


def registration_stints(commune_id: int, before_id: int | None,
                        retired: dict[int, tuple[datetime.date, int | None]]) -> list[tuple[int, datetime.date,
                                                                                              datetime.date]]:
    """The commune a learner counts in, as the units were at the end of a period, per span of end dates.

    A learner moved by a reform (`migrate_to_current_map` keeps the commune they had in
    `commune_before_reform`) counts in that commune for periods ending while it existed, then in each unit its
    default successor links pass through while that existed, then in their commune today. Anyone else counts
    in their commune today whatever the period. `retired`: unit id -> (valid_to, successor id) of retired units.
    """
    if before_id is None:
        return [(commune_id, BEFORE_ALL, FOREVER)]
    stints, start, unit = [], BEFORE_ALL, before_id
    for _hop in range(STINT_HOPS + 1):
        if unit is None or unit == commune_id or unit not in retired:
            break
        valid_to, successor = retired[unit]
        stints.append((unit, start, valid_to))
        start, unit = valid_to + datetime.timedelta(days=1), successor
    stints.append((commune_id, start, FOREVER))
    return stints


def registration_counts(profiles, parent_of: dict[int, int | None],
                        retired: dict[int, tuple[datetime.date, int | None]], units=None) -> dict[tuple, int]:
    """Registered learners per (unit_id, target_group, half-year of registration, counted_from, counted_to) for
    every unit above the commune of each of the learner's stints (`registration_stints`); only `units` if
    given (their direct children's learners). `profiles` yields (commune_id, commune_before_reform_id,
    target_group, created_at)."""
    counts = defaultdict(int)
    for commune_id, before_id, group, created_at in profiles:
        start = half_year_start(created_at)
        for stint_commune, counted_from, counted_to in registration_stints(commune_id, before_id, retired):
            above = ancestors(stint_commune, parent_of)
            for unit_id in (above[:1] if units is not None else above):
                if units is None or unit_id in units:
                    counts[(unit_id, group, start, counted_from, counted_to)] += 1
    return dict(counts)


# Today's structure -------------------------------------------------------------------------

def today_paths(units) -> dict[int, str]:
    """Unit id -> its path in today's structure, for every unit whose path today differs from its own.
    `units` yields (pk, path, valid_to, successor path) of every unit."""
    units = list(units)
    moved = {path: successor for _pk, path, valid_to, successor in units if valid_to and successor}
    found = {}
    for pk, path, _valid_to, _successor in units:
        today = resolve_path(path, moved)
        if today != path:
            found[pk] = today
    return found


def today_keys(current_units, paths_today: dict[int, str]) -> dict[str, int]:
    """Path today -> id of the current unit that has it. `current_units` yields (pk, path)."""
    return {paths_today.get(pk, path): pk for pk, path in current_units}


def today_counts(counts: dict, commune_paths: dict[int, str], keys: dict[str, int]) -> dict[tuple, PeriodCounts]:
    """The commune rows regrouped onto today's units: each counts in every current unit whose path today is a
    prefix of the commune's path today. `commune_paths`: commune id -> its path today."""
    result = defaultdict(PeriodCounts)
    for (commune_id, program_id, group, start), value in counts.items():
        path = commune_paths.get(commune_id)
        for prefix in path_prefixes(path) if path else ():
            unit_id = keys.get(prefix)
            if unit_id is not None:
                result[(unit_id, program_id, group, start)].add(value)
    return dict(result)

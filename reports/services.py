"""Every write of reports: summary refresh and rebuild, the drift check, export jobs."""

import datetime
import logging
import posixpath
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import LearnerProfile
from lms.db import advisory_lock, atomic_with_retry
from lms.storage import private_storage
from localities.grounds import minimal_prefixes
from localities.models import Locality, ground_q, path_prefixes
from outbox import services as outbox

from . import summaries
from .counters import PERIOD_FIELDS, PeriodCounts
from .models import (
    ExportJob,
    ExportStatus,
    LearnerProgramSummary,
    PendingRecount,
    PeriodSummary,
    RegistrationSummary,
    TodayPath,
    TodayPeriodSummary,
    UnitPeriodSummary,
)

logger = logging.getLogger(__name__)
BATCH = 5000


# Summaries ----------------------------------------------------------------------------------

PENDING_BATCH = 2000


def refresh_learners(user_ids, program_ids=None) -> None:
    """Recompute the summaries of these learners (in these programs, default all) from the source."""
    user_ids = sorted(set(user_ids))
    if user_ids:
        atomic_with_retry(_recount_learners)(user_ids, program_ids)


def mark_for_recount(user_ids, program_ids=None) -> None:
    """Ask, in the caller's transaction, for these learners to be recounted by the next `recount_pending`."""
    programs = [None] if program_ids is None else sorted(set(program_ids))
    PendingRecount.objects.bulk_create(
        [PendingRecount(user_id=user, program_id=program) for user in sorted(set(user_ids)) for program in programs])


@atomic_with_retry
def recount_pending(limit: int = PENDING_BATCH) -> int:
    """Recount every learner waiting in PendingRecount (up to `limit` rows) in one batch; returns the rows
    taken. Rows another worker is recounting are skipped, not waited for; rows of a failed recount come
    back with the rolled-back transaction."""
    rows = list(PendingRecount.objects.select_for_update(skip_locked=True).order_by("pk")
                .values_list("pk", "user_id", "program_id")[:limit])
    if not rows:
        return 0
    PendingRecount.objects.filter(pk__in=[pk for pk, _user, _program in rows]).delete()
    for user_ids, program_ids in _recount_groups(rows):
        _recount_learners(sorted(user_ids), program_ids)
    return len(rows)


def _recount_groups(rows) -> list[tuple[set, set | None]]:
    """Learners to recount in all their programs, and those to recount in some programs only."""
    everything = {user for _pk, user, program in rows if program is None}
    some = {user for _pk, user, _program in rows} - everything
    programs = {program for _pk, user, program in rows if user in some}
    return [(users, limit) for users, limit in ((everything, None), (some, programs)) if users]


def _recount_learners(user_ids, program_ids) -> None:
    _serialise_recounts()
    facts = summaries.learner_facts(user_ids, program_ids)
    stored = _limit_rows(LearnerProgramSummary.objects.filter(user_id__in=user_ids), program_ids)
    old = list(stored.values_list("user_id", "program_id", "commune_id", "completion_commune_id"))
    pairs = {(c, p) for _u, p, *communes in old for c in communes if c}
    pairs |= {(c, f.program_id) for f in facts.values() for c in (f.commune_id, f.completion_commune_id) if c}
    today = _today_units({c for c, _p in pairs})
    parent_of = _parents({c for c, _p in pairs})
    _write_learner_rows(list(facts.values()))
    gone = [(u, p) for u, p, *_rest in old if (u, p) not in facts]
    _delete_learner_rows(gone)
    _refresh_periods(pairs)
    unit_pairs = {(unit, p) for c, p in pairs for unit in summaries.ancestors(c, parent_of)}
    for level in _levels_above({c for c, _p in pairs}, parent_of):
        _refresh_units({(unit, p) for unit, p in unit_pairs if unit in level})
    _refresh_today(today, {p for _c, p in pairs})


def refresh_registrations(commune_ids) -> None:
    """Recount the registered learners of every unit above these communes from the learner profiles."""
    commune_ids = {pk for pk in commune_ids if pk}
    if commune_ids:
        _recount_registrations(commune_ids)


@atomic_with_retry
def _recount_registrations(commune_ids) -> None:
    # A learner moved by a reform also counts, for earlier periods, in the units their old commune's links
    # pass through (summaries.registration_stints): those are recounted too.
    commune_ids = set(commune_ids) | {successor for _to, successor in retired_links(commune_ids).values()
                                      if successor}
    _serialise_recounts()
    parent_of = _parents(commune_ids)
    for level in _levels_above(commune_ids, parent_of):
        _refresh_registration_units(level)


def retired_links(unit_ids) -> dict[int, tuple[datetime.date, int | None]]:
    """Retired unit id -> (valid_to, default successor id) for these units and the units their default links
    pass through (as far as summaries.registration_stints follows them); one query per hop."""
    found, wanted = {}, set(unit_ids)
    for _hop in range(summaries.STINT_HOPS + 1):
        wanted -= found.keys()
        if not wanted:
            break
        rows = Locality.objects.filter(pk__in=wanted, valid_to__isnull=False).values_list(
            "pk", "valid_to", "successor_id")
        found.update({pk: (valid_to, successor) for pk, valid_to, successor in rows})
        wanted = {successor for _pk, _to, successor in rows if successor}
    return found


def _limit_rows(queryset, program_ids):
    return queryset if program_ids is None else queryset.filter(program_id__in=list(program_ids))


RECOUNT_LOCK = "reports.recount"


def _serialise_recounts() -> None:
    """One recount at a time, whole: learners, their communes and every level above, until it commits. The
    next one then reads everything the earlier wrote, so an older count never overwrites a newer one.

    A single named lock cannot form a cycle. Locking each learner and unit in id order did: a batch is
    recounted in two passes in one transaction (learners in every program, learners in one program), so one
    worker took district A in its first pass and B in its second while another did the opposite, and the two
    deadlocked under load (2026-12-01). Batching already gives one recount every waiting learner,
    so running them one after another costs no throughput. The lock is advisory (lms.db): a row lock on a
    user or a unit would also be waited for by every request whose foreign-key checks hold those rows."""
    advisory_lock(RECOUNT_LOCK, [0])


def _today_q(prefixes, lookup: str) -> Q:
    """Units whose path today (TodayPath, else their own) passes `lookup` ("in", "startswith") for any of
    `prefixes`; each alternative is an indexed read."""
    condition = Q(pk__in=[])
    if lookup == "in":
        return Q(today_path__isnull=True, path__in=list(prefixes)) | Q(today_path__path__in=list(prefixes))
    for prefix in prefixes:
        condition |= Q(today_path__isnull=True, path__startswith=prefix) | Q(today_path__path__startswith=prefix)
    return condition


def _today_units(commune_ids) -> dict[int, tuple[str, str]]:
    """The current units whose regrouped rows these communes count in: id -> (path today, level)."""
    keys = Locality.objects.filter(pk__in=commune_ids).annotate(key=Coalesce("today_path__path", "path"))
    prefixes = {prefix for key in keys.values_list("key", flat=True) for prefix in path_prefixes(key)}
    if not prefixes:
        return {}
    units = Locality.objects.current().filter(_today_q(prefixes, "in")).annotate(
        key=Coalesce("today_path__path", "path")).values_list("pk", "key", "level")
    return {pk: (key, level) for pk, key, level in units}


def _refresh_today(units: dict[int, tuple[str, str]], program_ids) -> None:
    """Recount the regrouped rows of these current units (in these programs) from the commune rows of every
    commune whose path today lies under theirs."""
    if not units or not program_ids:
        return
    by_key = {key: pk for pk, (key, _level) in units.items()}
    tops = minimal_prefixes(by_key)
    # Every unit whose path today lies under a top unit lies in its ground (localities.grounds): indexed
    # path prefixes; a top that sits elsewhere today is found by its path today.
    grounds = [prefix for unit in Locality.objects.filter(pk__in=[by_key[top] for top in tops])
               for prefix in (unit.ground_prefixes() if unit.path in by_key else [])]
    moved_tops = [top for top in tops if top not in set(grounds)]
    condition = ground_q(grounds) | _today_q(moved_tops, "startswith")
    communes = {pk: key for pk, key in Locality.objects.communes().filter(condition).annotate(
        key=Coalesce("today_path__path", "path")).values_list("pk", "key")
        if any(key.startswith(top) for top in tops)}
    rows = PeriodSummary.objects.filter(commune_id__in=list(communes), program_id__in=program_ids).values_list(
        "commune_id", "program_id", "target_group", "period_start", *PERIOD_FIELDS)
    counts = defaultdict(PeriodCounts)
    for commune_id, program_id, group, start, *values in rows.iterator(chunk_size=BATCH):
        for prefix in path_prefixes(communes[commune_id]):
            if prefix in by_key:
                counts[(by_key[prefix], program_id, group, start)].add(PeriodCounts(*values))
    _replace_rows(TodayPeriodSummary, "unit_id", {(u, p) for u in units for p in program_ids}, counts)


def _parents(commune_ids) -> dict[int, int | None]:
    """The parent of each commune and of each unit above it (two reads: a commune's parent and its parent)."""
    parent_of = dict(Locality.objects.filter(pk__in=commune_ids).values_list("pk", "parent_id"))
    above = {pk for pk in parent_of.values() if pk}
    parent_of.update(Locality.objects.filter(pk__in=above).values_list("pk", "parent_id"))
    return parent_of


def _levels_above(commune_ids, parent_of) -> list[set[int]]:
    """The units above these communes grouped by depth, deepest first: a unit is recounted only after
    every unit below it (a province may hold districts and, after a reform, communes directly)."""
    units = {unit for pk in commune_ids for unit in summaries.ancestors(pk, parent_of)}
    by_depth = defaultdict(set)
    for unit in units:
        by_depth[len(summaries.ancestors(unit, parent_of))].add(unit)
    return [by_depth[depth] for depth in sorted(by_depth, reverse=True)]


def _write_learner_rows(facts) -> None:
    rows = [LearnerProgramSummary(user_id=f.user_id, program_id=f.program_id,
                                  **dict(zip(summaries.LEARNER_FIELDS, f.values(), strict=True)))
            for f in facts]
    LearnerProgramSummary.objects.bulk_create(
        rows, batch_size=BATCH, update_conflicts=True, unique_fields=["user", "program"],
        update_fields=[name.removesuffix("_id") for name in summaries.LEARNER_FIELDS])


def _delete_learner_rows(keys) -> None:
    condition = Q()
    for user_id, program_id in keys:
        condition |= Q(user_id=user_id, program_id=program_id)
    if keys:
        LearnerProgramSummary.objects.filter(condition).delete()


def _refresh_periods(pairs) -> None:
    """Recount the period rows of these (commune, program) pairs from the learner rows."""
    if not pairs:
        return
    communes, programs = {c for c, _p in pairs}, {p for _c, p in pairs}
    rows = LearnerProgramSummary.objects.filter(
        Q(commune_id__in=communes) | Q(completion_commune_id__in=communes), program_id__in=programs)
    counts = {key: value for key, value in summaries.period_counts(rows.iterator(chunk_size=BATCH)).items()
              if (key[0], key[1]) in pairs}
    _replace_rows(PeriodSummary, "commune_id", pairs, counts)


def _refresh_units(pairs) -> None:
    """Recount the rollup rows of these (unit, program) pairs from the rows of the level below: the period
    rows of communes directly under each unit and the rollup rows of units under it."""
    if not pairs:
        return
    units, programs = {u for u, _p in pairs}, {p for _u, p in pairs}
    sources = [PeriodSummary.objects.filter(commune__parent_id__in=units, program_id__in=programs)
               .values_list("commune__parent_id", "program_id", "target_group", "period_start",
                            *PERIOD_FIELDS),
               UnitPeriodSummary.objects.filter(unit__parent_id__in=units, program_id__in=programs)
               .values_list("unit__parent_id", "program_id", "target_group", "period_start",
                            *PERIOD_FIELDS)]
    counts = defaultdict(PeriodCounts)
    for rows in sources:
        for unit_id, program_id, group, start, *values in rows:
            if (unit_id, program_id) in pairs:
                counts[(unit_id, program_id, group, start)].add(PeriodCounts(*values))
    _replace_rows(UnitPeriodSummary, "unit_id", pairs, counts)


def _replace_rows(model, unit_field: str, pairs, counts: dict) -> None:
    """Make the stored rows of these (unit, program) pairs equal `counts`: delete the rest, upsert these."""
    units, programs = {u for u, _p in pairs}, {p for _u, p in pairs}
    existing = model.objects.filter(**{f"{unit_field}__in": units}, program_id__in=programs).values_list(
        "pk", unit_field, "program_id", "target_group", "period_start")
    stale = [pk for pk, u, p, g, start in existing if (u, p) in pairs and (u, p, g, start) not in counts]
    model.objects.filter(pk__in=stale).delete()
    _write_counts(model, unit_field, counts)


def _write_counts(model, unit_field: str, counts: dict) -> None:
    rows = [model(**{unit_field: u}, program_id=p, target_group=g, period_start=start,
                  **dict(zip(PERIOD_FIELDS, value.values(), strict=True)))
            for (u, p, g, start), value in counts.items()]
    model.objects.bulk_create(
        rows, batch_size=BATCH, update_conflicts=True,
        unique_fields=[unit_field.removesuffix("_id"), "program", "target_group", "period_start"],
        update_fields=list(PERIOD_FIELDS))


REGISTRATION_KEY = ("unit_id", "target_group", "period_start", "counted_from", "counted_to")


def _refresh_registration_units(units: set[int]) -> None:
    """Recount registrations of these units: learners with a stint in a commune directly under each (their
    commune today, or one they had before a reform), plus the rows of the units under it."""
    lookups = ["commune", "commune_before_reform",
               *("commune_before_reform" + "__successor" * hop for hop in range(1, summaries.STINT_HOPS + 1))]
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{f"{lookup}__parent_id__in": units})
    profiles = list(LearnerProfile.objects.filter(condition).values_list(
        "commune_id", "commune_before_reform_id", "target_group", "created_at"))
    retired = retired_links({before for _c, before, _g, _at in profiles if before})
    communes = {commune for commune, *_rest in profiles} | set(retired)
    parent_of = dict(Locality.objects.filter(pk__in=communes).values_list("pk", "parent_id"))
    counts = defaultdict(int, summaries.registration_counts(profiles, parent_of, retired, units=units))
    below = RegistrationSummary.objects.filter(unit__parent_id__in=units).values_list(
        "unit__parent_id", *REGISTRATION_KEY[1:], "registered")
    for unit_id, *key, registered in below:
        counts[(unit_id, *key)] += registered
    existing = RegistrationSummary.objects.filter(unit_id__in=units).values_list("pk", *REGISTRATION_KEY)
    RegistrationSummary.objects.filter(pk__in=[pk for pk, *key in existing if tuple(key) not in counts]).delete()
    _write_registrations(counts)


def _write_registrations(counts: dict) -> None:
    rows = [RegistrationSummary(**dict(zip(REGISTRATION_KEY, key, strict=True)), registered=n)
            for key, n in counts.items()]
    RegistrationSummary.objects.bulk_create(
        rows, batch_size=BATCH, update_conflicts=True,
        unique_fields=[name.removesuffix("_id") for name in REGISTRATION_KEY], update_fields=["registered"])


@dataclass
class Drift:
    """What differs between the stored summaries and a recomputation from the source records."""

    learner_rows: list = field(default_factory=list)  # (user_id, program_id) keys
    period_rows: list = field(default_factory=list)  # (commune_id, program_id, group, start) keys
    unit_rows: list = field(default_factory=list)  # (unit_id, program_id, group, start) keys
    registration_rows: list = field(default_factory=list)  # REGISTRATION_KEY keys
    today_paths: list = field(default_factory=list)  # locality ids
    today_rows: list = field(default_factory=list)  # (unit_id, program_id, group, start) keys

    @property
    def found(self) -> bool:
        return bool(self.count)

    @property
    def count(self) -> int:
        return (len(self.learner_rows) + len(self.period_rows) + len(self.unit_rows) + len(self.registration_rows)
                + len(self.today_paths) + len(self.today_rows))

    def summary(self) -> str:
        return (f"{len(self.learner_rows)} learner rows, {len(self.period_rows)} period rows, "
                f"{len(self.unit_rows)} unit rows, {len(self.registration_rows)} registration rows, "
                f"{len(self.today_paths)} paths today, {len(self.today_rows)} regrouped rows differ; "
                f"first: {self.learner_rows[:5]} {self.period_rows[:5]} {self.unit_rows[:5]} "
                f"{self.registration_rows[:5]} {self.today_paths[:5]} {self.today_rows[:5]}")


@dataclass
class _Expected:
    """Every summary row as recomputed from the source records."""

    learners: dict
    periods: dict
    units: dict
    registrations: dict
    today_paths: dict
    today: dict


def _stored_counts(model, unit_field: str) -> dict:
    rows = model.objects.values_list(unit_field, "program_id", "target_group", "period_start",
                                     *PERIOD_FIELDS).iterator(chunk_size=BATCH)
    return {tuple(row[:4]): tuple(row[4:]) for row in rows}


def _compute_drift() -> tuple[_Expected, Drift]:
    units = list(Locality.objects.values_list("pk", "path", "parent_id", "valid_to", "successor_id",
                                              "successor__path").iterator(chunk_size=BATCH))
    parent_of = {pk: parent for pk, _path, parent, *_rest in units}
    facts = summaries.learner_facts()
    counts = summaries.period_counts(facts.values())
    retired = {pk: (valid_to, successor) for pk, _path, _parent, valid_to, successor, _spath in units if valid_to}
    profiles = LearnerProfile.objects.values_list("commune_id", "commune_before_reform_id", "target_group",
                                                  "created_at")
    paths_today = summaries.today_paths((pk, path, valid_to, spath) for pk, path, _p, valid_to, _s, spath in units)
    keys = summaries.today_keys(((pk, path) for pk, path, _p, valid_to, *_rest in units if not valid_to), paths_today)
    today = summaries.today_counts(counts, {pk: paths_today.get(pk, path) for pk, path, *_rest in units}, keys)
    expected = _Expected(facts, counts, summaries.unit_counts(counts, parent_of), summaries.registration_counts(
        profiles.iterator(chunk_size=BATCH), parent_of, retired), paths_today, today)
    stored_learners = {(row[0], row[1]): tuple(row[2:]) for row in LearnerProgramSummary.objects.values_list(
        "user_id", "program_id", *summaries.LEARNER_FIELDS).iterator(chunk_size=BATCH)}
    stored_registrations = {tuple(row[:-1]): row[-1] for row in RegistrationSummary.objects.values_list(
        *REGISTRATION_KEY, "registered")}
    drift = Drift(
        learner_rows=_differences({k: f.values() for k, f in facts.items()}, stored_learners),
        period_rows=_differences({k: v.values() for k, v in counts.items()},
                                 _stored_counts(PeriodSummary, "commune_id")),
        unit_rows=_differences({k: v.values() for k, v in expected.units.items()},
                               _stored_counts(UnitPeriodSummary, "unit_id")),
        registration_rows=_differences(expected.registrations, stored_registrations),
        today_paths=_differences(paths_today, dict(TodayPath.objects.values_list("locality_id", "path"))),
        today_rows=_differences({k: v.values() for k, v in today.items()},
                                _stored_counts(TodayPeriodSummary, "unit_id")))
    return expected, drift


def _differences(expected: dict, stored: dict) -> list:
    keys = [key for key, value in expected.items() if stored.get(key) != value]
    return sorted(keys + [key for key in stored if key not in expected], key=str)


def check_summary_drift() -> Drift:
    """Compare without writing; a drift is logged (it means a change bypassed the receivers)."""
    _expected, drift = _compute_drift()
    if drift.found:
        logger.warning("report summaries drifted: %s", drift.summary())
    return drift


def rebuild_summaries() -> Drift:
    """Recompute everything from the source records and write only what differs; returns the drift found."""
    with transaction.atomic():
        _serialise_recounts()  # a recount running meanwhile would otherwise be overwritten by older figures
        expected, drift = _compute_drift()
        facts = expected.learners
        _write_learner_rows([facts[key] for key in drift.learner_rows if key in facts])
        _delete_learner_rows([key for key in drift.learner_rows if key not in facts])
        _write_today_paths(expected.today_paths, drift.today_paths)
        for model, unit_field, computed, keys in (
                (PeriodSummary, "commune_id", expected.periods, drift.period_rows),
                (UnitPeriodSummary, "unit_id", expected.units, drift.unit_rows),
                (TodayPeriodSummary, "unit_id", expected.today, drift.today_rows)):
            _write_counts(model, unit_field, {key: computed[key] for key in keys if key in computed})
            _delete_keys(model, (unit_field, "program_id", "target_group", "period_start"),
                         [key for key in keys if key not in computed])
        registrations = expected.registrations
        _write_registrations({key: registrations[key] for key in drift.registration_rows if key in registrations})
        _delete_keys(RegistrationSummary, REGISTRATION_KEY,
                     [key for key in drift.registration_rows if key not in registrations])
    if drift.found:
        logger.warning("report summaries rebuilt, drift repaired: %s", drift.summary())
    return drift


def _write_today_paths(expected: dict[int, str], differing: list[int]) -> None:
    TodayPath.objects.filter(locality_id__in=[pk for pk in differing if pk not in expected]).delete()
    TodayPath.objects.bulk_create(
        [TodayPath(locality_id=pk, path=expected[pk]) for pk in differing if pk in expected], batch_size=BATCH,
        update_conflicts=True, unique_fields=["locality"], update_fields=["path"])


def _delete_keys(model, fields: tuple[str, ...], keys) -> None:
    """Delete the rows with these keys (values of `fields`), 500 to a statement."""
    for chunk_start in range(0, len(keys), 500):
        condition = Q()
        for key in keys[chunk_start:chunk_start + 500]:
            condition |= Q(**dict(zip(fields, key, strict=True)))
        model.objects.filter(condition).delete()


# Export jobs ---------------------------------------------------------------------------------
# The task goes through the outbox: the job and its task commit together, a broker outage delays the
# export and never loses it. A run claims the job with a fresh token; a message redelivered because its
# worker died finds the job "running" and takes it over; a job that stopped moving is sent again by
# `recover_stuck_exports`, and after MAX_EXPORT_ATTEMPTS runs it is marked failed (the user may retry).

EXPORT_TASK = "reports.run_export"
MAX_EXPORT_ATTEMPTS = 3
EXPORTS_FOLDER = "exports"


class ExportSuperseded(Exception):
    """A later run claimed the job: this one stops and leaves no file behind."""


def start_export(user, locality, params: dict, file_format: str) -> ExportJob:
    """Record the job and its task in one transaction; the task is published once both commit."""
    with transaction.atomic():
        job = ExportJob.objects.create(requested_by=user, locality=locality, params=params,
                                       file_format=file_format, heartbeat_at=timezone.now())
        outbox.enqueue(EXPORT_TASK, job.pk)
    return job


def retry_export(user, job_id: int) -> bool:
    """The requester starts a failed (or stuck) job again; False when there is nothing to retry."""
    now = timezone.now()
    with transaction.atomic():
        again = (ExportJob.objects.filter(pk=job_id, requested_by=user)
                 .filter(Q(status=ExportStatus.FAILED) | _stale(now))
                 .update(status=ExportStatus.PENDING, attempts=0, claim=None, progress=0, error="",
                         heartbeat_at=now, finished_at=None))
        if again:
            outbox.enqueue(EXPORT_TASK, job_id)
    return bool(again)


def run_export(job_id: int) -> None:
    """Write the file, recording progress; a failure is recorded on the job (the page shows it)."""
    from . import exports

    claim = _claim_export(job_id)
    if claim is None:
        return  # done, failed, or given up on
    mine = ExportJob.objects.filter(pk=job_id, claim=claim)
    job = ExportJob.objects.select_related("requested_by", "locality").get(pk=job_id)
    try:
        data, name = exports.learner_export(job, lambda percent: _record_progress(mine, percent))
        job.file.save(name, ContentFile(data), save=False)
    except ExportSuperseded:
        return
    except Exception as error:  # noqa: BLE001 - any failure must reach the page, not vanish in a worker log
        logger.exception("export %s failed", job_id)
        mine.update(status=ExportStatus.FAILED, error=str(error)[:255], finished_at=timezone.now())
        return
    now = timezone.now()
    if not mine.update(status=ExportStatus.DONE, progress=100, file=job.file.name, finished_at=now,
                       heartbeat_at=now):
        _delete_export_file(job.file.storage, job.file.name)  # a later run took over: keep only its file


def _claim_export(job_id: int):
    """Take the job for this run. "Running" is taken over too: a task message comes back only when the
    run that had it did not finish (its worker died); the superseded run, if alive, stops at its next
    progress report."""
    claim, now = uuid.uuid4(), timezone.now()
    claimed = (ExportJob.objects
               .filter(pk=job_id, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING],
                       attempts__lt=MAX_EXPORT_ATTEMPTS)
               .update(status=ExportStatus.RUNNING, attempts=F("attempts") + 1, claim=claim, progress=0,
                       heartbeat_at=now, error=""))
    if claimed:
        return claim
    _give_up(ExportJob.objects.filter(pk=job_id), now)
    return None


def _record_progress(mine, percent: int) -> None:
    if not mine.update(progress=min(99, max(0, int(percent))), heartbeat_at=timezone.now()):
        raise ExportSuperseded


def _stale(now) -> Q:
    cutoff = now - datetime.timedelta(minutes=settings.EXPORT_STALE_MINUTES)
    unfinished = Q(status__in=[ExportStatus.PENDING, ExportStatus.RUNNING])
    return unfinished & (Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))


def _give_up(jobs, now) -> int:
    """Jobs out of attempts and not moving: failed, with a message the page shows."""
    return jobs.filter(_stale(now), attempts__gte=MAX_EXPORT_ATTEMPTS).update(
        status=ExportStatus.FAILED, finished_at=now,
        error=_("Xuất tệp bị gián đoạn %(count)s lần (máy xử lý ngừng giữa chừng).") % {
            "count": MAX_EXPORT_ATTEMPTS})


def recover_stuck_exports(now=None) -> int:
    """Periodic: send again every unfinished job that stopped moving (worker died, task message lost);
    give up on those out of attempts. Returns the number sent again."""
    now = now or timezone.now()
    with transaction.atomic():
        _give_up(ExportJob.objects.all(), now)
        ids = list(ExportJob.objects.filter(_stale(now)).values_list("pk", flat=True))
        # Touched, so the next sweep waits for this delivery before sending another one.
        ExportJob.objects.filter(pk__in=ids).update(heartbeat_at=now)
        outbox.enqueue_many(EXPORT_TASK, [(pk,) for pk in ids])
    return len(ids)


def cleanup_expired_exports(now=None) -> int:
    """Delete export files and jobs older than EXPORT_TTL_HOURS (they hold personal data), and any file
    in the exports folder that no job holds any more (a run that died between writing and recording)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.EXPORT_TTL_HOURS)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff).only("pk", "file"))
    storage = private_storage()
    for job in old:
        if job.file:
            _delete_export_file(storage, job.file.name)
    ExportJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    _delete_orphan_exports(storage, cutoff)
    return len(old)


def _delete_export_file(storage, name: str) -> None:
    """The file and its token folder (which holds nothing else)."""
    storage.delete(name)
    folder = posixpath.dirname(name)
    if folder != EXPORTS_FOLDER and storage.exists(folder) and storage.listdir(folder) == ([], []):
        storage.delete(folder)


def _delete_orphan_exports(storage, cutoff) -> None:
    if not storage.exists(EXPORTS_FOLDER):
        return
    held = set(ExportJob.objects.exclude(file="").values_list("file", flat=True))
    for folder in storage.listdir(EXPORTS_FOLDER)[0]:
        path = f"{EXPORTS_FOLDER}/{folder}"
        for name in storage.listdir(path)[1]:
            full = f"{path}/{name}"
            if full not in held and storage.get_modified_time(full) < cutoff:
                _delete_export_file(storage, full)  # its folder too, once empty

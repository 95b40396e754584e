"""Every write of reports: summary refresh and rebuild, the drift check, export jobs."""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from localities.models import Locality

from . import summaries
from .models import DistrictPeriodSummary, ExportJob, ExportStatus, LearnerProgramSummary, PeriodSummary

logger = logging.getLogger(__name__)
BATCH = 5000


# Summaries ----------------------------------------------------------------------------------

def refresh_learners(user_ids, program_ids=None) -> None:
    """Recompute the summaries of these learners (in these programs, default all) from the source."""
    user_ids = list(user_ids)
    if not user_ids:
        return
    facts = summaries.learner_facts(user_ids, program_ids)
    stored = _limit_rows(LearnerProgramSummary.objects.filter(user_id__in=user_ids), program_ids)
    with transaction.atomic():
        old = list(stored.values_list("user_id", "program_id", "commune_id", "completion_commune_id"))
        pairs = {(c, p) for _u, p, *communes in old for c in communes if c}
        pairs |= {(c, f.program_id) for f in facts.values() for c in (f.commune_id, f.completion_commune_id) if c}
        parent_of = _lock_communes({c for c, _p in pairs})
        _write_learner_rows(list(facts.values()))
        gone = [(u, p) for u, p, *_rest in old if (u, p) not in facts]
        _delete_learner_rows(gone)
        _refresh_periods(pairs)
        _refresh_districts({(parent_of[c], p) for c, p in pairs if parent_of.get(c)})


def _limit_rows(queryset, program_ids):
    return queryset if program_ids is None else queryset.filter(program_id__in=list(program_ids))


def _lock_communes(commune_ids) -> dict[int, int | None]:
    """Serialise refreshes touching the same communes or districts, so each recount (commune rows, then
    the district rollup) reads the other's committed rows. Returns each commune's parent unit."""
    parent_of = dict(Locality.objects.filter(pk__in=commune_ids).values_list("pk", "parent_id"))
    units = set(parent_of) | {pk for pk in parent_of.values() if pk}
    list(Locality.objects.select_for_update().filter(pk__in=sorted(units)).order_by("pk")
         .values_list("pk", flat=True))
    return parent_of


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
    existing = PeriodSummary.objects.filter(commune_id__in=communes, program_id__in=programs)
    stale = [pk for pk, c, p, g, start in existing.values_list("pk", "commune_id", "program_id", "target_group",
                                                                 "period_start")
             if (c, p) in pairs and (c, p, g, start) not in counts]
    PeriodSummary.objects.filter(pk__in=stale).delete()
    _write_period_rows(counts)


def _refresh_districts(pairs) -> None:
    """Recount the rollup rows of these (district, program) pairs from their communes' period rows."""
    if not pairs:
        return
    districts, programs = {d for d, _p in pairs}, {p for _d, p in pairs}
    rows = PeriodSummary.objects.filter(commune__parent_id__in=districts, program_id__in=programs).values_list(
        "commune_id", "commune__parent_id", "program_id", "target_group", "period_start", *summaries.PERIOD_FIELDS)
    parent_of, commune_counts = {}, {}
    for commune_id, parent_id, program_id, group, start, *values in rows:
        parent_of[commune_id] = parent_id
        commune_counts[(commune_id, program_id, group, start)] = summaries.PeriodCounts(*values)
    counts = {key: value for key, value in summaries.district_counts(commune_counts, parent_of).items()
              if (key[0], key[1]) in pairs}
    existing = DistrictPeriodSummary.objects.filter(district_id__in=districts, program_id__in=programs)
    stale = [pk for pk, d, p, g, start in existing.values_list("pk", "district_id", "program_id", "target_group",
                                                                 "period_start")
             if (d, p) in pairs and (d, p, g, start) not in counts]
    DistrictPeriodSummary.objects.filter(pk__in=stale).delete()
    _write_district_rows(counts)


def _write_district_rows(counts) -> None:
    rows = [DistrictPeriodSummary(district_id=d, program_id=p, target_group=g, period_start=start,
                                  **dict(zip(summaries.PERIOD_FIELDS, value.values(), strict=True)))
            for (d, p, g, start), value in counts.items()]
    DistrictPeriodSummary.objects.bulk_create(
        rows, batch_size=BATCH, update_conflicts=True,
        unique_fields=["district", "program", "target_group", "period_start"],
        update_fields=list(summaries.PERIOD_FIELDS))


def _write_period_rows(counts) -> None:
    rows = [PeriodSummary(commune_id=c, program_id=p, target_group=g, period_start=start,
                          **dict(zip(summaries.PERIOD_FIELDS, value.values(), strict=True)))
            for (c, p, g, start), value in counts.items()]
    PeriodSummary.objects.bulk_create(
        rows, batch_size=BATCH, update_conflicts=True,
        unique_fields=["commune", "program", "target_group", "period_start"],
        update_fields=list(summaries.PERIOD_FIELDS))


@dataclass
class Drift:
    """What differs between the stored summaries and a recomputation from the source records."""

    learner_rows: list = field(default_factory=list)  # (user_id, program_id) keys
    period_rows: list = field(default_factory=list)  # (commune_id, program_id, group, start) keys
    district_rows: list = field(default_factory=list)  # (district_id, program_id, group, start) keys

    @property
    def found(self) -> bool:
        return bool(self.learner_rows or self.period_rows or self.district_rows)

    @property
    def count(self) -> int:
        return len(self.learner_rows) + len(self.period_rows) + len(self.district_rows)

    def summary(self) -> str:
        return (f"{len(self.learner_rows)} learner rows, {len(self.period_rows)} period rows, "
                f"{len(self.district_rows)} district rows differ; "
                f"first: {self.learner_rows[:5]} {self.period_rows[:5]} {self.district_rows[:5]}")


def _stored_counts(model, unit_field: str) -> dict:
    rows = model.objects.values_list(unit_field, "program_id", "target_group", "period_start",
                                     *summaries.PERIOD_FIELDS).iterator(chunk_size=BATCH)
    return {tuple(row[:4]): tuple(row[4:]) for row in rows}


def _compute_drift():
    facts = summaries.learner_facts()
    counts = summaries.period_counts(facts.values())
    districts = summaries.district_counts(counts, dict(Locality.objects.values_list("pk", "parent_id")))
    stored_learners = {(row[0], row[1]): tuple(row[2:]) for row in LearnerProgramSummary.objects.values_list(
        "user_id", "program_id", *summaries.LEARNER_FIELDS).iterator(chunk_size=BATCH)}
    drift = Drift(
        learner_rows=_differences({k: f.values() for k, f in facts.items()}, stored_learners),
        period_rows=_differences({k: v.values() for k, v in counts.items()},
                                 _stored_counts(PeriodSummary, "commune_id")),
        district_rows=_differences({k: v.values() for k, v in districts.items()},
                                   _stored_counts(DistrictPeriodSummary, "district_id")))
    return facts, counts, districts, drift


def _differences(expected: dict, stored: dict) -> list:
    keys = [key for key, value in expected.items() if stored.get(key) != value]
    return sorted(keys + [key for key in stored if key not in expected], key=str)


def check_summary_drift() -> Drift:
    """Compare without writing; a drift is logged (it means a change bypassed the receivers)."""
    *_computed, drift = _compute_drift()
    if drift.found:
        logger.warning("report summaries drifted: %s", drift.summary())
    return drift


def rebuild_summaries() -> Drift:
    """Recompute everything from the source records and write only what differs; returns the drift found."""
    with transaction.atomic():
        facts, counts, districts, drift = _compute_drift()
        _write_learner_rows([facts[key] for key in drift.learner_rows if key in facts])
        _delete_learner_rows([key for key in drift.learner_rows if key not in facts])
        _write_period_rows({key: counts[key] for key in drift.period_rows if key in counts})
        _delete_counts(PeriodSummary, "commune_id", [key for key in drift.period_rows if key not in counts])
        _write_district_rows({key: districts[key] for key in drift.district_rows if key in districts})
        _delete_counts(DistrictPeriodSummary, "district_id",
                       [key for key in drift.district_rows if key not in districts])
    if drift.found:
        logger.warning("report summaries rebuilt, drift repaired: %s", drift.summary())
    return drift


def _delete_counts(model, unit_field: str, keys) -> None:
    for chunk_start in range(0, len(keys), 500):
        condition = Q()
        for unit, program, group, start in keys[chunk_start:chunk_start + 500]:
            condition |= Q(**{unit_field: unit}, program_id=program, target_group=group, period_start=start)
        model.objects.filter(condition).delete()


# Export jobs ---------------------------------------------------------------------------------

def start_export(user, locality, params: dict, file_format: str) -> ExportJob:
    """Record the job; the task is sent once the row is committed."""
    from .tasks import run_export

    job = ExportJob.objects.create(requested_by=user, locality=locality, params=params, file_format=file_format)
    transaction.on_commit(lambda: run_export.delay(job.pk))
    return job


def run_export(job_id: int) -> None:
    """Write the file, recording progress; a failure is recorded on the job (the page shows it)."""
    from . import exports

    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.PENDING).update(status=ExportStatus.RUNNING)
    if not claimed:
        return  # done already, or running elsewhere (a re-delivered task)
    job = ExportJob.objects.select_related("requested_by", "locality").get(pk=job_id)
    try:
        data, name = exports.learner_export(job, lambda percent: _record_progress(job_id, percent))
        job.file.save(name, ContentFile(data), save=False)
    except Exception as error:  # noqa: BLE001 - any failure must reach the page, not vanish in a worker log
        logger.exception("export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(status=ExportStatus.FAILED, error=str(error)[:255],
                                                   finished_at=timezone.now())
        return
    ExportJob.objects.filter(pk=job_id).update(status=ExportStatus.DONE, progress=100, file=job.file.name,
                                               finished_at=timezone.now())


def _record_progress(job_id: int, percent: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(progress=min(99, max(0, int(percent))))


def cleanup_expired_exports(max_age=None) -> int:
    """Delete export files and jobs older than a day: they hold personal data."""
    cutoff = timezone.now() - (max_age or datetime.timedelta(days=1))
    old = list(ExportJob.objects.filter(created_at__lt=cutoff))
    for job in old:
        if job.file:
            job.file.delete(save=False)
    ExportJob.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)

"""Summary rows that keep the statistics fast, and export jobs.

The summaries are derived data: `reports.services.rebuild_summaries` recomputes them from the learning
records (the source of truth) and `check_summary_drift` reports any difference. The receivers in
`reports.receivers` keep them current between rebuilds, after every change commits.
"""

import datetime
from dataclasses import fields
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.storage import PrivateName, private_storage

from . import counters

# Enrolled and not completed: the rows that can count as "inactive".
OPEN = Q(completed_at__isnull=True, unenrolled_at__isnull=True)


class LearnerProgramSummary(models.Model):
    """One row per learner and program they ever enrolled in; the latest enrolment counts."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey("courses.ProgramPage", on_delete=models.CASCADE, related_name="+")
    # The commune recorded on the enrolment: the learner is counted where they were then.
    commune = models.ForeignKey("localities.Locality", null=True, on_delete=models.PROTECT, related_name="+")
    # The commune recorded on the completion (a learner may have moved since enrolling).
    completion_commune = models.ForeignKey("localities.Locality", null=True, on_delete=models.PROTECT,
                                           related_name="+")
    target_group = models.CharField(max_length=1, blank=True)
    enrolled_at = models.DateTimeField()
    unenrolled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    lessons_completed = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)
    best_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    certified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "program"], name="learner_summary_one_per_program"),
        ]
        indexes = [
            # Serves the commune drill-down (learners of one commune) and the per-commune refresh.
            models.Index(fields=["commune", "program"], name="learner_summary_commune_idx"),
            models.Index(fields=["completion_commune", "program"], name="learner_summary_compl_idx"),
            # Serve the live part of "inactive (30 days)": open rows last seen since the cutoff's half-year.
            # Nationally by date; under one unit per commune and date, partial (completed and unenrolled
            # rows, most of the table in time, are never read by it). The full date index also gives
            # PostgreSQL the statistics of the expression: with only partial indexes it misjudged the
            # row counts and chose the national plan for a province (13 ms instead of 1).
            models.Index(Coalesce("last_activity_at", "enrolled_at"), name="learner_summary_seen_idx"),
            models.Index(F("commune"), Coalesce("last_activity_at", "enrolled_at"), condition=OPEN,
                         name="learner_summary_open_unit_idx"),
        ]


class PeriodCounts(models.Model):
    """The counts of one unit × program × target group × half-year, shared by the commune rows and the two
    rollups: one column per counter of `reports.counters.PeriodCounts` (added below the class)."""

    program = models.ForeignKey("courses.ProgramPage", on_delete=models.CASCADE, related_name="+")
    target_group = models.CharField(max_length=1, blank=True)
    period_start = models.DateField()  # 1 January or 1 July

    class Meta:
        abstract = True


def _add_counter_columns(model) -> None:
    """One column per counter, in their declared order: the score sum a decimal, the rest counts."""
    for counter in fields(counters.PeriodCounts):
        if counter.type is Decimal:
            column = models.DecimalField(max_digits=12, decimal_places=2, default=0)
        else:
            column = models.PositiveIntegerField(default=0)
        model.add_to_class(counter.name, column)


# Before the concrete models below: each copies the abstract model's fields when it is declared.
_add_counter_columns(PeriodCounts)


class PeriodSummary(PeriodCounts):
    """Per commune × program × target group × half-year: how many events of each kind fell in it.

    Counts are additive over half-years, so a year, a half-year or all time is one SUM. Each event
    counts in the commune recorded with it (enrolment or completion) and in the half-year of its date.
    """

    commune = models.ForeignKey("localities.Locality", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commune", "program", "target_group", "period_start"],
                                    name="period_summary_one_per_key"),
        ]
        indexes = [
            # Serves the report views: a period range across all communes (joined to their paths).
            models.Index(fields=["period_start", "program"], name="period_summary_period_idx"),
        ]


class UnitPeriodSummary(PeriodCounts):
    """The period rows of every commune below a district-level or province-level unit, summed: the rollup
    that the national view (province rows) and a province view (district rows) read.

    Recounted level by level with the commune rows, under the same locks; the rebuild derives it from the
    recomputed commune rows, so the drift check covers it.
    """

    unit = models.ForeignKey("localities.Locality", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            # Also serves the report views: the rows of a few units (unit_id IN ...).
            models.UniqueConstraint(fields=["unit", "program", "target_group", "period_start"],
                                    name="unit_summary_one_per_key"),
        ]


class TodayPath(models.Model):
    """The path a unit of any era has in today's structure, where it differs from its own: a retired unit's
    ground lies in the current unit its successor links lead to (`localities.grounds.resolve_path`, the
    deepest retired ancestor-or-self moving first), a current commune of a merged district sits under that
    district's successor. The regrouped views group records by this path in SQL (no path here: the unit's
    own); the rebuild recomputes it (run it after loading a map) and the drift check compares it."""

    locality = models.OneToOneField("localities.Locality", on_delete=models.CASCADE, related_name="today_path")
    # Serves "every unit whose ground lies under this one today": path LIKE 'x%' (db_index adds the
    # pattern index on PostgreSQL).
    path = models.CharField(max_length=120, db_index=True)


class TodayPeriodSummary(PeriodCounts):
    """The period rows of the communes of every era regrouped onto today's units: each commune's rows count
    in every current unit whose path today (`TodayPath`, else its own) is a prefix of the commune's path
    today. The regrouped views read the rows of their child units, as the views "as then" read
    `UnitPeriodSummary`; recounted with the commune rows, rebuilt and checked with them."""

    unit = models.ForeignKey("localities.Locality", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            # Also serves the regrouped views: the rows of a few units (unit_id IN ...).
            models.UniqueConstraint(fields=["unit", "program", "target_group", "period_start"],
                                    name="today_summary_one_per_key"),
        ]


class RegistrationSummary(models.Model):
    """Registered learners per district-level or province-level unit × target group × half-year of
    registration × span of period end dates in which they count there.

    A learner counts in their commune today, except that one moved by a reform counts, for periods ending
    before it, in the commune they had then (`reports.summaries.registration_stints`): "as the units were at
    the time" reads the rows whose span holds the period's end, "regrouped onto today's units" the open ones.
    "Registered by the end of the period" is then one SUM over the half-years up to it. Recounted when a
    learner profile is saved or deleted; the rebuild recomputes it from the profiles.
    """

    unit = models.ForeignKey("localities.Locality", on_delete=models.PROTECT, related_name="+")
    target_group = models.CharField(max_length=1, blank=True)
    period_start = models.DateField()
    counted_from = models.DateField(default=datetime.date(1, 1, 1))
    counted_to = models.DateField(default=datetime.date(9999, 12, 31))
    registered = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "target_group", "period_start", "counted_from", "counted_to"],
                                    name="registration_summary_one_per_key"),
        ]


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang xuất")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"


class ExportJob(models.Model):
    """A large export written by a Celery task; only its requester may download the file.

    The file lies in private storage under an unguessable name and is deleted after EXPORT_TTL_HOURS.
    Each run claims the job with a fresh `claim` token: a run whose worker died is superseded by the next
    claim, and only the run holding the latest claim may record a result. `heartbeat_at` moves with the
    progress, so a job that stopped moving is known to have lost its worker (or its task message).
    """

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    locality = models.ForeignKey("localities.Locality", null=True, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(default=dict)
    file_format = models.CharField(max_length=4, choices=ExportFormat.choices, default=ExportFormat.XLSX)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    file = models.FileField(upload_to=PrivateName("exports"), storage=private_storage, blank=True, max_length=255)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # runs since the job was (re)started
    claim = models.UUIDField(null=True, blank=True)  # the run that may record the result
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Serves cleanup_expired_exports: old jobs first.
            models.Index(fields=["created_at"], name="export_job_created_idx"),
            # Serves recover_stuck_exports: unfinished jobs whose heartbeat stopped.
            models.Index(fields=["heartbeat_at"], condition=Q(status__in=["pending", "running"]),
                         name="export_job_unfinished_idx"),
        ]

    def expires_at(self):
        return self.created_at + datetime.timedelta(hours=settings.EXPORT_TTL_HOURS)

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at()

    def is_stale(self, now=None) -> bool:
        """Unfinished and not moving: its worker or its task message was lost; the user may retry."""
        if self.status not in (ExportStatus.PENDING, ExportStatus.RUNNING):
            return False
        moved = self.heartbeat_at or self.created_at
        return (now or timezone.now()) - moved > datetime.timedelta(minutes=settings.EXPORT_STALE_MINUTES)


class PendingRecount(models.Model):
    """A learner (in a program; empty: all their programs) whose summary rows need a recount.

    Written in the transaction of the change, beside the outbox message that asks for the recount. A recount
    task takes every pending row at once, so when the workers fall behind, one task recounts the backlog of
    many messages together and the later messages find nothing left to do. Plain integers, no foreign keys:
    inserting a row must not lock the learner (see lms.db).
    """

    user_id = models.IntegerField()
    program_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

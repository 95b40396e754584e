"""Report reads: figures per child unit of a locality, a commune's learners, export jobs.

Every figure comes from the summary tables (one grouped query each) except "registered learners",
a grouped count over the learner-profile index. The national and province views read the district
rollup (`DistrictPeriodSummary`), lower levels and the regrouped view the commune rows. The query count
is fixed whatever the data size.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils import timezone

from accounts import access
from accounts.models import MANAGER_ROLES, LearnerProfile
from courses.models import ModuleCompletion, ModulePage, ProgramPage
from localities.models import Level, Locality

from .models import DistrictPeriodSummary, ExportJob, LearnerProgramSummary, PeriodSummary
from .summaries import half_year_start

INACTIVE_DAYS = 30


class Structure:
    AT_THE_TIME = "then"  # units as they were when each event happened
    TODAY = "today"  # regrouped onto today's units through successor links


@dataclass(frozen=True)
class Filters:
    program_id: int | None = None
    module_id: int | None = None
    target_group: str | None = None
    start: datetime.date | None = None  # inclusive
    end: datetime.date | None = None  # inclusive
    structure: str = Structure.AT_THE_TIME

    @property
    def half_year_aligned(self) -> bool:
        """Periods made of whole half-years are read from the half-year rows."""
        starts_ok = self.start is None or (self.start.day == 1 and self.start.month in (1, 7))
        ends_ok = self.end is None or (self.end.month, self.end.day) in ((6, 30), (12, 31))
        return starts_ok and ends_ok

    @property
    def year(self) -> int | None:
        if self.start and self.end and self.start.year == self.end.year:
            return self.start.year
        return None


@dataclass
class Figures:
    registered: int = 0
    enrolled: int = 0
    started: int = 0
    completed: int = 0
    passed: int = 0
    certified: int = 0
    score_sum: Decimal = Decimal("0")
    score_count: int = 0
    inactive: int = 0
    module_completed: int = 0
    classes: int = 0
    participants: int = 0
    person_times: int = 0

    @property
    def completion_rate(self) -> Decimal | None:
        if not self.enrolled:
            return None
        return (Decimal(self.completed) * 100 / self.enrolled).quantize(Decimal("0.1"))

    @property
    def average_score(self) -> Decimal | None:
        if not self.score_count:
            return None
        return (Decimal(self.score_sum) / self.score_count).quantize(Decimal("0.1"))

    def add(self, other: "Figures") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Row:
    locality: Locality
    figures: Figures = field(default_factory=Figures)
    drillable: bool = True


@dataclass
class Report:
    parent: Locality | None
    filters: Filters
    rows: list[Row]
    totals: Figures
    trend: list[tuple[datetime.date, int, int]]  # (half-year start, enrolled, completed)
    breadcrumbs: list[Locality]

    @property
    def child_level(self) -> str:
        return self.rows[0].locality.level if self.rows else ""


# Access ---------------------------------------------------------------------------------------

def start_locality(user) -> Locality | None:
    """Where a manager's report opens: None (all provinces) for full access, else their widest unit."""
    if access.has_full_access(user):
        return None
    scopes = sorted(access.scope_localities(user, MANAGER_ROLES), key=lambda loc: len(loc.path))
    if not scopes:
        raise PermissionDenied
    return scopes[0]


def require_report_locality(user, locality_id: int | None) -> Locality | None:
    """The unit a report is about: 404 if unknown, 403 if outside the manager's scope."""
    if not access.is_manager(user):
        raise PermissionDenied
    if locality_id is None:
        return start_locality(user)
    return access.require_locality(user, locality_id, MANAGER_ROLES)


# The report -----------------------------------------------------------------------------------

def locality_report(user, parent: Locality | None, filters: Filters) -> Report:
    """One row per child unit of `parent` (provinces when None); for a commune, one row for itself."""
    units = _Units(parent, filters)
    rows = {units.child_key(unit): Row(unit) for unit in units.children}
    if parent is not None and parent.level == Level.COMMUNE:
        rows = {parent.path: Row(parent, drillable=False)}
    _fill(rows, units, user, parent, filters)
    totals = Figures()
    for row in rows.values():
        totals.add(row.figures)
    return Report(parent, filters, list(rows.values()), totals, _trend(parent, filters, units),
                  _breadcrumbs(user, parent))


def _fill(rows, units, user, parent, filters) -> None:
    for key, values in _period_figures(parent, filters, units).items():
        _put(rows, key, values)
    for key, count in units.fold(_scoped_profiles(parent, filters, units)
                                 .values_list("commune__path").annotate(n=Count("pk")), units.key).items():
        _put(rows, key, {"registered": count})
    for key, values in _inactive(filters, units).items():
        _put(rows, key, values)
    if filters.module_id:
        for key, count in units.fold(_module_completions(parent, filters, units), units.key).items():
            _put(rows, key, {"module_completed": count})
    if parent is not None:
        _add_classes(rows, user, parent, filters)


def _put(rows, key, values: dict) -> None:
    row = rows.get(key)
    if row is not None:
        for name, value in values.items():
            setattr(row.figures, name, getattr(row.figures, name) + (value or 0))


class _Units:
    """The child units of a report and how a commune's path maps onto them (as then, or as today)."""

    def __init__(self, parent: Locality | None, filters: Filters):
        self.parent, self.filters = parent, filters
        self.prefix = parent.path if parent else ""
        children = Locality.objects.filter(parent=parent) if parent else Locality.objects.provinces()
        if parent is not None and parent.level == Level.COMMUNE:
            children = Locality.objects.none()
        if filters.structure == Structure.TODAY:
            children = children.filter(valid_to__isnull=True)
        elif filters.start:
            children = children.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=filters.start))
        if filters.structure == Structure.AT_THE_TIME and filters.end:
            children = children.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=filters.end))
        self.today = filters.structure == Structure.TODAY
        self.moved = _successor_paths() if self.today else {}
        if self.today and parent is not None and parent.level != Level.COMMUNE:
            # Current units of a merged unit now sit under its successor (Yên Dũng's communes in the city).
            children = children | Locality.objects.filter(
                self._moved_in_q("parent__path"), valid_to__isnull=True).exclude(parent=parent)
        self.children = list(children.order_by("code"))
        self.length = len(self.child_key(self.children[0])) if self.children else len(self.prefix)
        # The district rollup answers when every child unit is a province or a district (as then).
        self.rollup = not self.today and (parent is None or (
            parent.level == Level.PROVINCE and all(unit.level == Level.DISTRICT for unit in self.children)))

    def summary_rows(self):
        """The period rows to sum for this report, with the lookup of their unit's path."""
        if self.rollup:
            rows = DistrictPeriodSummary.objects.all()
            if self.parent is not None:  # the rollup rows of a province are those of its districts
                rows = rows.filter(district_id__in=Locality.objects.filter(parent=self.parent).values("pk"))
            return rows, "district__path"
        return PeriodSummary.objects.filter(self.path_q("commune__path")), "commune__path"

    @cached_property
    def _district_paths(self) -> dict[int, str]:
        """Rollup units (the parents of communes) → their paths: grouping by id spares a join per row."""
        return dict(Locality.objects.exclude(level=Level.COMMUNE).values_list("pk", "path"))

    def child_key(self, unit: Locality) -> str:
        return _current_path(unit.path, self.moved) if self.today else unit.path

    def _moved_in_q(self, lookup: str) -> Q:
        """Retired units outside the parent whose successor lies inside it."""
        condition = Q(pk__in=[])
        for old_path in self.moved:
            if _current_path(old_path, self.moved).startswith(self.prefix) and not old_path.startswith(self.prefix):
                condition |= Q(**{lookup: old_path})
        return condition

    def key(self, commune_path: str) -> str | None:
        path = _current_path(commune_path, self.moved) if self.today else commune_path
        return path[:self.length] if path and path.startswith(self.prefix) else None

    def path_q(self, lookup: str) -> Q:
        """Rows whose commune lies under the parent, or (regrouped) was merged into a unit under it."""
        if not self.prefix and not self.today:
            return Q()  # everything: no filter at all
        # An id list from the small unit table lets PostgreSQL use the commune indexes of the big
        # tables (a LIKE on a joined path cannot use the path index under a non-C collation).
        units = Locality.objects.filter(Q(path__startswith=self.prefix) | self._moved_in_q("path__startswith"))
        return Q(**{f"{lookup.removesuffix('__path')}_id__in": units.values("pk")})

    def grouped(self, queryset, lookup: str, **sums) -> dict:
        """Sum `sums` per child unit: in SQL by path prefix (as then), or per commune folded in Python."""
        if self.rollup and lookup == "district__path":
            return self._fold(queryset.values("district_id").annotate(**sums).order_by(), "district_id",
                              lambda pk: self.key(self._district_paths.get(pk, "")))
        if not self.today:
            return {row.pop("unit"): row for row in queryset.annotate(unit=Substr(lookup, 1, self.length))
                    .values("unit").annotate(**sums).order_by()}
        return self._fold(queryset.annotate(unit=F(lookup)).values("unit").annotate(**sums).order_by(), "unit",
                          self.key)

    @staticmethod
    def _fold(rows, name: str, key_function) -> dict:
        result = {}
        for row in rows:
            key = key_function(row.pop(name))
            if key is not None:
                target = result.setdefault(key, dict.fromkeys(row, 0))
                for figure, value in row.items():
                    target[figure] += value or 0
        return result

    @staticmethod
    def fold(pairs, key_function) -> dict:
        result = {}
        for path, count in pairs:
            key = key_function(path)
            if key is not None:
                result[key] = result.get(key, 0) + count
        return result


def _successor_paths() -> dict[str, str]:
    """Path of every retired unit → path of its successor (one query; merged units are few)."""
    rows = Locality.objects.filter(valid_to__isnull=False, successor__isnull=False).values_list(
        "path", "successor__path")
    return dict(rows)


def _current_path(path: str, moved: dict[str, str], depth: int = 0) -> str:
    """Where `path` lies today: the widest retired ancestor-or-self is replaced by its successor."""
    if depth > 10:  # a successor cycle in bad data must not hang the page
        return path
    for old, new in sorted(moved.items(), key=lambda item: len(item[0])):
        if path.startswith(old):
            rest = path[len(old):]
            return _current_path(new if not rest else new + rest, moved, depth + 1)
    return path


_PERIOD_SUMS = ("enrolled", "started", "completed", "passed", "certified", "score_sum", "score_count")


def _period_figures(parent, filters, units) -> dict:
    if filters.half_year_aligned:
        rows, lookup = units.summary_rows()
        rows = _filter_common(rows, filters)
        if filters.start:
            rows = rows.filter(period_start__gte=filters.start)
        if filters.end:
            rows = rows.filter(period_start__lte=filters.end)
        return units.grouped(rows, lookup, **{name: Sum(name) for name in _PERIOD_SUMS})
    return _custom_period_figures(filters, units)


def _in_period(name: str, filters: Filters) -> Q:
    condition = Q(**{f"{name}__isnull": False})
    if filters.start:
        condition &= Q(**{f"{name}__date__gte": filters.start})
    if filters.end:
        condition &= Q(**{f"{name}__date__lte": filters.end})
    return condition


def _custom_period_figures(filters, units) -> dict:
    """Dates that cut a half-year: counted from the learner rows (two grouped queries)."""
    rows = _filter_common(LearnerProgramSummary.objects.all(), filters)
    by_enrolment = units.grouped(
        rows.filter(units.path_q("commune__path")), "commune__path",
        enrolled=Count("pk", filter=_in_period("enrolled_at", filters)),
        started=Count("pk", filter=_in_period("started_at", filters)),
        score_sum=Sum("best_score", filter=_in_period("scored_at", filters) & Q(best_score__isnull=False)),
        score_count=Count("pk", filter=_in_period("scored_at", filters) & Q(best_score__isnull=False)))
    by_completion = units.grouped(
        rows.filter(units.path_q("completion_commune__path")), "completion_commune__path",
        completed=Count("pk", filter=_in_period("completed_at", filters)),
        passed=Count("pk", filter=_in_period("passed_at", filters)),
        certified=Count("pk", filter=_in_period("certified_at", filters)))
    for key, values in by_completion.items():
        by_enrolment.setdefault(key, {}).update(values)
    return by_enrolment


def _filter_common(queryset, filters: Filters):
    if filters.program_id:
        queryset = queryset.filter(program_id=filters.program_id)
    if filters.target_group:
        queryset = queryset.filter(target_group=filters.target_group)
    return queryset


def _scoped_profiles(parent, filters, units):
    """Registered learners: counted in their commune today, if registered by the end of the period."""
    profiles = LearnerProfile.objects.filter(units.path_q("commune__path"))
    if filters.target_group:
        profiles = profiles.filter(target_group=filters.target_group)
    if filters.end:
        profiles = profiles.filter(created_at__date__lte=filters.end)
    return profiles.order_by()


def _inactive(filters, units) -> dict:
    """Enrolled, not completed, and no learning activity for 30 days (as of today, whatever the period).

    Open rows last seen in half-years before the cutoff's come summed from the period rows; the few
    last seen between the start of the cutoff's half-year and the cutoff are counted live.
    """
    cutoff = timezone.now() - datetime.timedelta(days=INACTIVE_DAYS)
    since = timezone.make_aware(datetime.datetime.combine(half_year_start(cutoff), datetime.time.min))
    rows, lookup = units.summary_rows()
    result = units.grouped(_filter_common(rows, filters).filter(period_start__lt=since.date()), lookup,
                           inactive=Sum("open_last_seen"))
    recent = _filter_common(LearnerProgramSummary.objects.filter(units.path_q("commune__path")), filters)
    recent = recent.filter(unenrolled_at__isnull=True, completed_at__isnull=True).annotate(
        last_seen=Coalesce("last_activity_at", "enrolled_at")).filter(last_seen__gte=since, last_seen__lt=cutoff)
    for key, count in units.fold(recent.values_list("commune__path").annotate(n=Count("pk")).order_by(),
                                 units.key).items():
        target = result.setdefault(key, {"inactive": 0})
        target["inactive"] = (target["inactive"] or 0) + count
    return result


def _module_completions(parent, filters, units):
    """Module completions in the period, counted where the learner was enrolled in its program."""
    module = ModulePage.objects.filter(pk=filters.module_id).values_list("path", flat=True).first()
    if module is None:
        return []
    summaries = LearnerProgramSummary.objects.filter(
        units.path_q("commune__path"), program__path=module[:-4],
        user_id__in=ModuleCompletion.objects.filter(module_id=filters.module_id).values("user_id"))
    if filters.target_group:
        summaries = summaries.filter(target_group=filters.target_group)
    completions = ModuleCompletion.objects.filter(module_id=filters.module_id, user_id__in=summaries.values("user_id"))
    completions = completions.filter(_in_period("completed_at", filters))
    counted = dict(completions.values_list("user_id").annotate(n=Count("pk")).order_by())
    paths = summaries.values_list("user_id", "commune__path")
    return [(path, counted[user_id]) for user_id, path in paths if user_id in counted]


def _add_classes(rows, user, parent, filters) -> None:
    """Training classes per child unit (courses.classes); counted in the commune a participant had then."""
    from courses.classes.selectors import class_figures

    if parent.level == Level.COMMUNE:
        return
    for item in class_figures(user, filters.year, filters.program_id, filters.target_group, parent):
        row = next((r for r in rows.values() if r.locality.pk == item.locality_id), None)
        if row is not None:
            row.figures.classes += item.classes
            row.figures.participants += item.participants
            row.figures.person_times += item.person_times_trained


def _trend(parent, filters, units) -> list[tuple[datetime.date, int, int]]:
    """Enrolments and completions per half-year over the whole history (the chart of progress over time)."""
    rows, _lookup = units.summary_rows()
    grouped = (_filter_common(rows, filters).values("period_start")
               .annotate(e=Sum("enrolled"), c=Sum("completed")).order_by("period_start"))
    return [(row["period_start"], row["e"] or 0, row["c"] or 0) for row in grouped]


def _breadcrumbs(user, parent) -> list[Locality]:
    """From the manager's start unit down to `parent` (ancestors above their scope are not links)."""
    if parent is None:
        return []
    prefixes = [parent.path[:i + 1] for i, char in enumerate(parent.path) if char == "."]
    chain = list(Locality.objects.filter(path__in=prefixes).order_by("path"))
    return [unit for unit in chain if access.can_see_locality(user, unit, MANAGER_ROLES)]


# A commune's learners ------------------------------------------------------------------------

def commune_learners(commune: Locality, filters: Filters, limit: int = 1000):
    """Learner rows counted in this commune (enrolled or completed there), with their progress."""
    condition = Q(commune=commune) | Q(completion_commune=commune)
    if filters.structure == Structure.TODAY:
        moved = _successor_paths()
        old = [path for path in moved if _current_path(path, moved) == commune.path]
        for path in old:
            condition |= Q(commune__path=path) | Q(completion_commune__path=path)
    rows = _filter_common(LearnerProgramSummary.objects.filter(condition), filters)
    return list(rows.select_related("user", "program", "commune", "completion_commune")
                .order_by("user__full_name", "user_id", "program__title")[:limit])


def learner_rows_for_export(user, parent: Locality | None, filters: Filters):
    """Every learner row under `parent` in the manager's scope, for the (large) learner export."""
    rows = LearnerProgramSummary.objects.all()
    if parent is not None:
        rows = rows.filter(commune__path__startswith=parent.path)
    rows = access.filter_in_scope(rows, user, "commune__path", MANAGER_ROLES)
    rows = _filter_common(rows, filters)
    return rows.order_by("commune__path", "user__full_name", "user_id", "program_id").values_list(
        "commune__parent__code", "commune__parent__name", "commune__code", "commune__name",
        "user__full_name", "user__phone", "target_group", "program__title", "enrolled_at", "started_at",
        "lessons_completed", "completed_at", "passed_at", "best_score", "certified_at", "last_activity_at")


# Choices for the filter form ----------------------------------------------------------------

def program_choices() -> list[tuple[int, str]]:
    return list(ProgramPage.objects.order_by("path").values_list("pk", "title"))


def module_choices() -> list[tuple[int, str]]:
    return list(ModulePage.objects.order_by("path").values_list("pk", "title"))


def require_export_job(user, job_id: int) -> ExportJob:
    """Only the requester sees a job (404 for anyone else, so ids leak nothing)."""
    job = ExportJob.objects.select_related("locality").filter(pk=job_id, requested_by=user).first()
    if job is None:
        raise Http404
    return job

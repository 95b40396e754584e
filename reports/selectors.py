"""Report reads: figures per child unit of a locality, a commune's learners, export jobs.

Every figure comes from the summary tables. Views whose child units are provinces or districts (the
national and province views) read the unit rollup (`UnitPeriodSummary`, `RegistrationSummary`) keyed by
those very units; lower levels and the regrouped view read the commune rows and count registered
learners over the learner-profile index. One grouped read of the period rows serves the period figures,
the stored part of "inactive" and the trend; the query count is fixed whatever the data size.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, Q, Sum, When
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils import timezone

from accounts import access
from accounts.models import MANAGER_ROLES, LearnerProfile
from courses.models import ModuleCompletion, ModulePage, ProgramPage
from localities.grounds import resolve_path
from localities.models import Level, Locality, ground_q, path_prefixes
from localities.selectors import ground_filter

from .charts import percent_text, score_text
from .counters import PERIOD_FIELDS, PERIOD_SUMS, counters
from .models import (
    OPEN,
    ExportJob,
    LearnerProgramSummary,
    PeriodSummary,
    RegistrationSummary,
    TodayPath,
    TodayPeriodSummary,
    UnitPeriodSummary,
)
from .summaries import FOREVER, STINT_HOPS, half_year_start

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
    def end_aligned(self) -> bool:
        """The period ends with a half-year (or never): "by the end" is a sum of whole half-years."""
        return self.end is None or (self.end.month, self.end.day) in ((6, 30), (12, 31))

    @property
    def half_year_aligned(self) -> bool:
        """Periods made of whole half-years are read from the half-year rows."""
        starts_ok = self.start is None or (self.start.day == 1 and self.start.month in (1, 7))
        return starts_ok and self.end_aligned

    def period_q(self, lookup: str) -> Q:
        """`lookup` (a date field, or a date-time's `__date`) within the period, both ends included."""
        condition = Q()
        if self.start:
            condition &= Q(**{f"{lookup}__gte": self.start})
        if self.end:
            condition &= Q(**{f"{lookup}__lte": self.end})
        return condition

    @property
    def year(self) -> int | None:
        if self.start and self.end and self.start.year == self.end.year:
            return self.start.year
        return None


# A report's counters, in this order (a row's cells, astuple): registered learners, the period sums of the
# summary rows, then the figures counted elsewhere (inactive: the stored open_last_seen plus a live count).
FIGURE_COUNTERS = ("registered", *PERIOD_SUMS, "inactive", "module_completed", "classes", "participants",
                   "person_times")


class Figures(counters("FigureCounts", FIGURE_COUNTERS)):
    """The figures of one row of a report (or its totals), with the rates shown beside them."""

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

    @property
    def completion_rate_text(self) -> str:
        return percent_text(self.completion_rate)

    @property
    def average_score_text(self) -> str:
        return score_text(self.average_score)


@dataclass
class Row:
    locality: Locality
    figures: Figures = field(default_factory=Figures)
    drillable: bool = True
    own: bool = False  # the report's unit itself: the classes it organised


OWN_ROW = "own"


@dataclass
class Report:
    parent: Locality | None
    filters: Filters
    rows: list[Row]
    totals: Figures
    trend: list[tuple[datetime.date, int, int]]  # (half-year start, enrolled, completed)
    breadcrumbs: list[Locality]
    quiz_results: list = field(default_factory=list)  # reports.quizzes.QuizResult per module quiz

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
    access.require_manager(user)
    if locality_id is None:
        return start_locality(user)
    return access.require_locality(user, locality_id, MANAGER_ROLES)


# The report -----------------------------------------------------------------------------------

def locality_report(user, parent: Locality | None, filters: Filters) -> Report:
    """One row per child unit of `parent` (provinces when None); for a commune, one row for itself."""
    units = _Units(parent, filters)
    rows = {units.child_key(unit): Row(unit) for unit in units.children}
    if parent is not None and parent.level == Level.COMMUNE:
        rows = {units.prefix: Row(parent, drillable=False)}
    trend = _fill(rows, units, user, parent, filters)
    totals = Figures()
    for row in rows.values():
        totals.add(row.figures)
    from .quizzes import module_quiz_results

    return Report(parent, filters, list(rows.values()), totals, trend, _breadcrumbs(user, parent),
                  module_quiz_results(units, filters))


def _fill(rows, units, user, parent, filters) -> list:
    """Fill the rows; returns the trend (enrolments and completions per half-year)."""
    # One cutoff for both halves of "inactive": the stored half-years before its half-year, the rest live.
    cutoff = timezone.now() - datetime.timedelta(days=INACTIVE_DAYS)
    period, inactive, trend = _summary_figures(filters, units, cutoff)
    if not filters.half_year_aligned:
        period = _custom_period_figures(filters, units)
    for figures in (period, inactive, _registered(filters, units), _live_inactive(filters, units, cutoff)):
        for key, values in figures.items():
            _put(rows, key, values)
    if filters.module_id:
        for key, count in units.fold(_module_completions(parent, filters, units), units.key).items():
            _put(rows, key, {"module_completed": count})
    _add_classes(rows, units, filters)
    return trend


def _put(rows, key, values: dict) -> None:
    row = rows.get(key)
    if row is not None:
        for name, value in values.items():
            setattr(row.figures, name, getattr(row.figures, name) + (value or 0))


class _Units:
    """The child units of a report and how a commune's path maps onto them (as then, or as today).

    As then, a current unit that took over the ground of units of its own level (the new Bắc Ninh: old Bắc
    Giang and old Bắc Ninh) lists their children too, for the periods they existed in: a 2023 report of the
    new province shows the districts of 2023. Regrouped, every unit is keyed by its path today (`TodayPath`,
    else its own): a commune's records count in the current units whose path today is a prefix of the
    commune's path today.
    """

    def __init__(self, parent: Locality | None, filters: Filters):
        self.parent, self.filters = parent, filters
        self.today = filters.structure == Structure.TODAY
        self.prefix = _today_path(parent) if parent and self.today else (parent.path if parent else "")
        self.prefixes = [self.prefix] if parent else []
        self.children, self._keys = self._children()
        lengths = {len(key) for key in self._keys.values()} or {len(self.prefix)}
        # Children whose paths have one length (and one parent) are grouped in SQL by that prefix of the
        # commune path; otherwise per commune, matched on its path's prefixes in Python.
        self.length = lengths.pop() if len(lengths) == 1 and len(self.prefixes) <= 1 else None
        self._key_set = set(self._keys.values())
        # The rollups answer when every child is a province or a district (as then: UnitPeriodSummary), or
        # for every regrouped view with children (TodayPeriodSummary): their rows are keyed by the children.
        self.rollup = bool(self.children) and (self.today or all(
            unit.level != Level.COMMUNE for unit in self.children))
        self.units_above_communes = bool(self.children) and all(
            unit.level != Level.COMMUNE for unit in self.children)

    def _children(self) -> tuple[list[Locality], dict[int, str]]:
        parent, filters = self.parent, self.filters
        if parent is not None and parent.level == Level.COMMUNE:
            return [], {}
        if self.today:
            return self._children_today()
        if parent is None:
            children = Locality.objects.provinces()
        else:
            parents = [parent, *_same_level_predecessors(parent)]
            self.prefixes = [unit.path for unit in parents]
            children = Locality.objects.filter(parent__in=parents)
        if filters.start:
            children = children.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=filters.start))
        if filters.end:
            children = children.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=filters.end))
        children = list(children.order_by("code", "path"))
        return children, {unit.pk: unit.path for unit in children}

    def _children_today(self) -> tuple[list[Locality], dict[int, str]]:
        """Current units one level below the parent in today's structure: its current children and the
        current units of a merged unit that now sit under it (Yên Dũng's communes in the city)."""
        current = Locality.objects.current()
        if self.parent is None:
            children = list(current.provinces().order_by("code", "path"))
            return children, {unit.pk: unit.path for unit in children}
        keyed = current.annotate(key=Coalesce("today_path__path", "path"))
        if self.prefix != self.parent.path:  # the parent itself sits elsewhere today: find all by path today
            found = list(keyed.filter(Q(parent=self.parent) | Q(today_path__path__startswith=self.prefix)))
        else:
            # A current child of a parent in place is in place (its path today is its own); units that moved
            # in hang under retired units of the parent's ground (localities.grounds), read only if any.
            found = list(current.filter(parent=self.parent).annotate(key=F("path")))
            moved = [path for path in self.parent.ground_prefixes() if not path.startswith(self.parent.path)]
            if moved:
                found += keyed.filter(parent_id__in=Locality.objects.filter(path__in=moved).values("pk"))
        depth = self.prefix.count(".") + 1
        children = sorted((unit for unit in found if unit.key.count(".") == depth),
                          key=lambda unit: (unit.code, unit.path))
        return children, {unit.pk: unit.key for unit in children}

    def summary_rows(self):
        """The period rows to sum for this report, with the lookup that names their unit."""
        if self.rollup:
            model = TodayPeriodSummary if self.today else UnitPeriodSummary
            return model.objects.filter(unit_id__in=[unit.pk for unit in self.children]), "unit_id"
        return PeriodSummary.objects.filter(self.path_q("commune__path")), "commune__path"

    def child_key(self, unit: Locality) -> str:
        return self._keys[unit.pk]

    def key(self, path: str) -> str | None:
        """The child unit (its key) a commune's path (today's, in a regrouped view) counts in, None if none."""
        if not path:
            return None
        if self.length is not None:
            return path[:self.length] if path.startswith(self.prefix) else None
        return next((prefix for prefix in path_prefixes(path) if prefix in self._key_set), None)

    def path_expr(self, lookup: str):
        """The path a row's unit counts by: its own as then, its path today regrouped."""
        if not self.today:
            return F(lookup)
        return Coalesce(F(f"{lookup.removesuffix('__path')}__today_path__path"), F(lookup))

    def under_q(self, lookup: str) -> Q:
        """`lookup` (a path) under the parent or, as then, under one of its same-level predecessors."""
        condition = Q(pk__in=[])
        for prefix in self.prefixes:
            condition |= Q(**{f"{lookup}__startswith": prefix})
        return condition

    def ground_q(self, lookup: str) -> Q:
        """Regrouped: `lookup` (a path) in the parent's ground, on the joined path (PostgreSQL then walks the
        ground's units by the path index and each one's rows by the commune indexes); key() drops what
        lies elsewhere today. A parent that sits elsewhere today falls back to path_q."""
        if not self.prefix:
            return Q()
        if self.prefix != self.parent.path:
            return self.path_q(lookup)
        return ground_q(self.parent.ground_prefixes(), lookup)

    def path_q(self, lookup: str) -> Q:
        """Rows whose commune lies under the parent (as then), or lies there today (regrouped)."""
        if not self.prefix:
            return Q()  # everything: no filter at all
        # An id list from the small unit table lets PostgreSQL use the commune indexes of the big
        # tables (a LIKE on a joined path cannot use the path index under a non-C collation).
        if self.today and self.prefix == self.parent.path:
            # Every unit whose path today lies under the parent's lies in its ground (localities.grounds): a
            # few indexed prefixes; the rest of the ground (a neighbour's share of a split) is dropped by key().
            units = Locality.objects.filter(ground_q(self.parent.ground_prefixes()))
        elif self.today:  # the parent itself sits elsewhere today (a commune of a merged district)
            units = Locality.objects.filter(Q(today_path__isnull=True, path__startswith=self.prefix)
                                            | Q(today_path__path__startswith=self.prefix))
        else:
            units = Locality.objects.filter(self.under_q("path"))
        return Q(**{f"{lookup.removesuffix('__path')}_id__in": units.values("pk")})

    def grouped(self, queryset, lookup: str, *, by: tuple[str, ...] = (), **sums) -> dict:
        """Sum `sums` per child unit (and per the `by` fields: keys become (unit, *by) tuples): rollup rows
        by their unit id; commune rows in SQL by path prefix (as then), or per commune folded in Python."""
        if lookup == "unit_id":
            rows = queryset.values(lookup, *by).annotate(**sums).order_by()
            return self._fold(rows, lookup, by, self._keys.get)
        path = self.path_expr(lookup) if lookup.endswith("__path") else F(lookup)
        if self.length is not None:
            rows = queryset.annotate(unit=Substr(path, 1, self.length)).values("unit", *by).annotate(**sums)
            return self._fold(rows.order_by(), "unit", by, self.key)
        return self._fold(queryset.annotate(unit=path).values("unit", *by).annotate(**sums).order_by(), "unit",
                          by, self.key)

    @staticmethod
    def _fold(rows, name: str, by: tuple[str, ...], key_function) -> dict:
        result = {}
        for row in rows:
            key = key_function(row.pop(name))
            if key is None:
                continue
            if by:
                key = (key, *(row.pop(extra) for extra in by))
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


def _today_path(unit: Locality) -> str:
    """The unit's path in today's structure (its own unless a merged ancestor moved it)."""
    return TodayPath.objects.filter(locality=unit).values_list("path", flat=True).first() or unit.path


def _same_level_predecessors(parent: Locality) -> list[Locality]:
    """Retired units of the parent's level whose ground lies in it today (no query on a map without reforms)."""
    prefixes = parent.ground_prefixes()
    if not parent.is_current or prefixes == [parent.path]:
        return []
    return list(Locality.objects.filter(path__in=prefixes, level=parent.level).exclude(pk=parent.pk))


class Successors:
    """Where the ground of each retired unit lies today, through the successor links.

    A nationwide merger retires thousands of units (2025: about two communes in three), so a path is
    resolved by looking up its own few ancestor paths, never by scanning the retired ones, and each
    path once per report.
    """

    def __init__(self, moved: dict[str, str]):
        self.moved = moved  # path of a retired unit -> path of its successor
        self._current: dict[str, str] = {}

    @classmethod
    def load(cls) -> "Successors":
        rows = Locality.objects.filter(valid_to__isnull=False, successor__isnull=False).values_list(
            "path", "successor__path")
        return cls(dict(rows))

    def current(self, path: str) -> str:
        """The deepest retired ancestor-or-self is replaced by its successor, again until none is retired.

        Deepest first: a retired commune's own link is the most precise news of it. (Widest first lost it:
        a commune merged into a neighbour inside a district that itself merged then pointed at no unit,
        and its learners dropped out of the regrouped view.)"""
        found = self._current.get(path)
        if found is None:
            found = self._current[path] = resolve_path(path, self.moved)
        return found

    def merged_into(self, path: str) -> list[str]:
        """Retired units whose ground lies today where that of `path` does (its own path may have moved too:
        a commune of a merged district)."""
        here = self.current(path)
        return [old for old in self.moved if self.current(old) == here]


def _summary_figures(filters, units, cutoff: datetime.datetime) -> tuple[dict, dict, list]:
    """One grouped read of the period rows (per child unit × half-year) serves three things: the figures
    of a half-year-aligned period, the stored part of "inactive (30 days)" and the trend chart."""
    rows, lookup = units.summary_rows()
    since = half_year_start(cutoff)
    if units.rollup:
        return _rollup_figures(_filter_common(rows, filters), units, filters, since)
    sums = {name: Sum(name) for name in PERIOD_FIELDS}
    grouped = units.grouped(_filter_common(rows, filters), lookup, by=("period_start",), **sums)
    period, inactive, trend = {}, {}, {}
    for (key, start), values in grouped.items():
        if (filters.start is None or start >= filters.start) and (filters.end is None or start <= filters.end):
            target = period.setdefault(key, dict.fromkeys(PERIOD_SUMS, 0))
            for name in PERIOD_SUMS:
                target[name] += values[name]
        if start < since:
            inactive.setdefault(key, {"inactive": 0})["inactive"] += values["open_last_seen"]
        enrolled, completed = trend.get(start, (0, 0))
        trend[start] = (enrolled + values["enrolled"], completed + values["completed"])
    return period, inactive, [(start, *counts) for start, counts in sorted(trend.items())]


def _rollup_figures(rows, units, filters, since) -> tuple[dict, dict, list]:
    """The same from rollup rows (keyed by the child units themselves): one row per child with the period's
    sums and the stored part of "inactive" summed in SQL, and the trend per half-year across them, rather
    than a row per child and half-year folded here (a province of today has a hundred communes)."""
    in_period = filters.period_q("period_start")
    sums = {name: Sum(name, filter=in_period) for name in PERIOD_SUMS}
    per_unit = units.grouped(rows, "unit_id", **sums, inactive=Sum("open_last_seen", filter=Q(period_start__lt=since)))
    period = {key: {name: values[name] for name in PERIOD_SUMS} for key, values in per_unit.items()}
    inactive = {key: {"inactive": values["inactive"]} for key, values in per_unit.items()}
    trend = rows.values("period_start").annotate(enrolled=Sum("enrolled"), completed=Sum("completed"))
    return period, inactive, list(trend.order_by("period_start").values_list("period_start", "enrolled", "completed"))


def _in_period(name: str, filters: Filters) -> Q:
    return Q(**{f"{name}__isnull": False}) & filters.period_q(f"{name}__date")


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


def _registered(filters, units) -> dict:
    """Registered by the end of the period: regrouped, in their commune today; as then, in the commune they
    had at the end of the period (the one before a reform moved them, `summaries.registration_stints`)."""
    end = FOREVER if units.today else filters.end or FOREVER  # regrouped: in their commune today
    # The rollup is keyed by the units each commune really sits in: regrouped, it answers nationally (a
    # current province holds its current communes), below that a commune of a merged district may sit
    # elsewhere today.
    if units.units_above_communes and filters.end_aligned and not (units.today and units.parent):
        rows = RegistrationSummary.objects.filter(unit_id__in=[unit.pk for unit in units.children])
        if filters.target_group:
            rows = rows.filter(target_group=filters.target_group)
        if filters.end:
            rows = rows.filter(period_start__lte=filters.end)
        rows = rows.filter(counted_from__lte=end, counted_to__gte=end)
        return units.grouped(rows, "unit_id", registered=Sum("registered"))
    profiles = LearnerProfile.objects.all()
    if filters.target_group:
        profiles = profiles.filter(target_group=filters.target_group)
    if filters.end:
        profiles = profiles.filter(created_at__date__lte=filters.end)
    if units.today:
        return units.grouped(profiles.filter(units.ground_q("commune__path")).order_by(), "commune__path",
                             registered=Count("pk"))
    if not units.prefix:  # nationally every learner counts somewhere: no filter
        under = Q()
    else:
        under = Q(pk__in=[])
        for lookup in _STINT_LOOKUPS:
            under |= units.path_q(f"{lookup}__path")
    profiles = profiles.filter(under).annotate(then_path=then_commune_path(end))
    return units.grouped(profiles.order_by(), "then_path", registered=Count("pk"))


_STINT_LOOKUPS = ("commune", "commune_before_reform",
                  *("commune_before_reform" + "__successor" * hop for hop in range(1, STINT_HOPS + 1)))


def then_commune_path(end: datetime.date) -> Case:
    """The path of the commune a learner counts in, as the units were on `end`: the SQL twin of
    `summaries.registration_stints` (the commune before the reform while it existed, then each unit its
    default links pass through while that existed, then the commune today)."""
    whens = [When(commune_before_reform__isnull=True, then=F("commune__path"))]
    for lookup in _STINT_LOOKUPS[1:]:
        whens.append(When(**{f"{lookup}__valid_to__gte": end}, then=F(f"{lookup}__path")))
    return Case(*whens, default=F("commune__path"))


def _live_inactive(filters, units, cutoff: datetime.datetime) -> dict:
    """Enrolled, not completed, and no learning activity for 30 days (as of today, whatever the period).

    Open rows last seen in half-years before the cutoff's come summed from the period rows
    (`_summary_figures`); the few last seen between the start of the cutoff's half-year and the cutoff are
    counted here, live.
    """
    since = timezone.make_aware(datetime.datetime.combine(half_year_start(cutoff), datetime.time.min))
    # Under a unit, as then, the path is read on the join the grouping needs anyway: PostgreSQL then walks
    # the unit's communes by the path index and each commune's open rows by learner_summary_open_unit_idx.
    if units.prefix and units.today:
        under = units.ground_q("commune__path")
    else:
        under = units.under_q("commune__path") if units.prefix else units.path_q("commune__path")
    recent = _filter_common(LearnerProgramSummary.objects.filter(under, OPEN), filters)
    recent = recent.annotate(last_seen=Coalesce("last_activity_at", "enrolled_at")).filter(
        last_seen__gte=since, last_seen__lt=cutoff)
    return units.grouped(recent.order_by(), "commune__path", inactive=Count("pk"))


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
    paths = summaries.annotate(unit_path=units.path_expr("commune__path")).values_list("user_id", "unit_path")
    return [(path, counted[user_id]) for user_id, path in paths if user_id in counted]


def _add_classes(rows, units, filters) -> None:
    """Training classes (reports.classes): each class in the unit that organised it, a class organised by the
    report's unit itself in a row of its own (so the totals add up); people where they belong."""
    from .classes import class_figures

    per_unit, own = class_figures(units, filters)
    for key, values in per_unit.items():
        _put(rows, key, values)
    if own and units.parent is not None and units.parent.level != Level.COMMUNE:
        rows[OWN_ROW] = Row(units.parent, Figures(classes=own), drillable=False, own=True)


def _breadcrumbs(user, parent) -> list[Locality]:
    """From the manager's start unit down to `parent` (ancestors above their scope are not links)."""
    if parent is None:
        return []
    above = path_prefixes(parent.path)[:-1]
    chain = list(Locality.objects.filter(path__in=above).order_by("path")) if above else []  # a province: none
    return [unit for unit in [*chain, parent] if access.can_see_locality(user, unit, MANAGER_ROLES)]


# A commune's learners ------------------------------------------------------------------------

def commune_learners(commune: Locality, filters: Filters, limit: int = 1000):
    """Learner rows counted in this commune (enrolled or completed there), with their progress."""
    condition = Q(commune=commune) | Q(completion_commune=commune)
    if filters.structure == Structure.TODAY:
        old = Successors.load().merged_into(commune.path)
        condition |= Q(commune__path__in=old) | Q(completion_commune__path__in=old)
    rows = _filter_common(LearnerProgramSummary.objects.filter(condition), filters)
    return list(rows.select_related("user", "program", "commune", "completion_commune")
                .order_by("user__full_name", "user_id", "program__title")[:limit])


EXPORT_LEARNER_FIELDS = ("user_id", "commune__parent__code", "commune__parent__name", "commune__code", "commune__name",
                         "user__full_name", "user__phone", "target_group", "created_at")
EXPORT_ROW_FIELDS = ("user_id", "program__title", "enrolled_at", "started_at", "lessons_completed", "completed_at",
                     "passed_at", "best_score", "certified_at", "last_activity_at")


def learners_for_export(user, parent: Locality | None, filters: Filters):
    """Every registered learner on the ground of `parent` (its units of every era: the new Bắc Ninh's export
    holds the learners of old Bắc Giang and old Bắc Ninh) in the manager's scope, and every learner who
    enrolled there, whether or not they enrolled in anything (the statistics' "registered" count them all);
    registered by the end of the period. Values of EXPORT_LEARNER_FIELDS, by commune and name."""
    profiles = access.filter_in_scope(LearnerProfile.objects.all(), user, "commune__path", MANAGER_ROLES)
    enrolled = export_enrolments(user, parent, Filters())
    if parent is not None:
        profiles = profiles.filter(ground_filter(parent, "commune__path"))
    learners = LearnerProfile.objects.filter(Q(pk__in=profiles.values("pk"))
                                             | Q(user_id__in=enrolled.values("user_id")))
    if filters.target_group:
        learners = learners.filter(target_group=filters.target_group)
    if filters.end:
        learners = learners.filter(created_at__date__lte=filters.end)
    return learners.order_by("commune__path", "user__full_name", "user_id").values_list(*EXPORT_LEARNER_FIELDS)


def export_enrolments(user, parent: Locality | None, filters: Filters):
    """The learner × program rows on the ground of `parent` in the manager's scope (an enrolment elsewhere
    is not theirs to see)."""
    rows = LearnerProgramSummary.objects.all()
    if parent is not None:
        rows = rows.filter(ground_filter(parent, "commune__path"))
    return _filter_common(access.filter_in_scope(rows, user, "commune__path", MANAGER_ROLES), filters)


def enrolments_of(rows, user_ids: list[int]) -> dict[int, list[tuple]]:
    """The export rows of these learners (values of EXPORT_ROW_FIELDS without the user id), one query."""
    found: dict[int, list[tuple]] = {}
    for row in rows.filter(user_id__in=user_ids).order_by("user_id", "program__path").values_list(*EXPORT_ROW_FIELDS):
        found.setdefault(row[0], []).append(row[1:])
    return found


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

"""Figures on press works: releases and rebroadcasts per producing unit, kind, topic and year.

A broadcast is counted in the year of its date. The first broadcast of a work (earliest date, then id) is
its new release ("works produced"); every later one is a rebroadcast. Works are produced by units of any
level and era; a report is about one unit (the parent, default the manager's widest unit; all provinces for
full access) and has a row per unit one level below it, as the units were when the works were filed: a
commune's works count in its district's row under the province of 2023, and under the new Bắc Ninh the
works of the old Bắc Giang units count in those units' rows. A manager sees only the works of their scope
(accounts.access).
"""

import datetime
from dataclasses import dataclass, field
from itertools import chain

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import access
from accounts.models import MANAGER_ROLES, User
from content.models import Broadcast, WorkKind, WorkTopic
from content.selectors import with_first_release_flag
from lms.spreadsheets import XLSX, Layout, to_bytes
from localities.models import Locality, ground_q

from .selectors import start_locality


@dataclass(frozen=True)
class PressRow:
    unit_id: int
    unit_code: str
    unit_name: str
    drillable: bool  # works of units below this one are counted in it
    kind: str
    topic: str
    year: int
    works_new: int
    broadcasts: int

    @property
    def rebroadcasts(self) -> int:
        return self.broadcasts - self.works_new

    @property
    def kind_label(self) -> str:
        return str(WorkKind(self.kind).label)

    @property
    def topic_label(self) -> str:
        return str(WorkTopic(self.topic).label)


@dataclass
class PressReport:
    year_from: int | None
    year_to: int | None
    rows: list[PressRow] = field(default_factory=list)
    parent: Locality | None = None

    @property
    def works_new(self) -> int:
        return sum(row.works_new for row in self.rows)

    @property
    def broadcasts(self) -> int:
        return sum(row.broadcasts for row in self.rows)

    @property
    def rebroadcasts(self) -> int:
        return self.broadcasts - self.works_new


# The unit, its parent and its grandparent: the row unit is one of them (the map is at most three deep).
_CHAIN = ("work__unit", "work__unit__parent", "work__unit__parent__parent")
_UNIT_FIELDS = ("path", "pk", "code", "name")


def press_report(user: User, year_from: int | None = None, year_to: int | None = None,
                 parent: Locality | None = None) -> PressReport:
    """One grouped query (plus the cached scope lookup), whatever the number of works. `parent` must be in
    the user's scope (views: reports.selectors.require_report_locality); default the user's widest unit."""
    parent = parent or start_locality(user)
    # The first-release flag looks at all broadcasts of the work, so a year filter never turns
    # a 2024 rebroadcast of a 2023 work into a "new" one.
    broadcasts = access.filter_in_scope(with_first_release_flag(Broadcast.objects.all()), user,
                                        "work__unit__path", MANAGER_ROLES)
    prefixes = _report_ground(parent)
    if parent is not None:
        broadcasts = broadcasts.filter(ground_q(prefixes, "work__unit__path"))
    if year_from:
        broadcasts = broadcasts.filter(date__year__gte=year_from)
    if year_to:
        broadcasts = broadcasts.filter(date__year__lte=year_to)
    chain = [f"{unit}__{name}" for unit in _CHAIN for name in _UNIT_FIELDS]
    grouped = (broadcasts.annotate(year=ExtractYear("date"))
               .values(*chain, "work__kind", "work__topic", "year")
               .annotate(total=Count("pk"), new=Count("pk", filter=Q(is_first=True))).order_by())
    sums: dict[tuple, list] = {}
    deeper: set[str] = set()  # row units with works of units below them: the report drills into them
    for item in grouped:
        units = [tuple(item[f"{unit}__{name}"] for name in _UNIT_FIELDS) for unit in _CHAIN]
        row_unit = _row_unit(units, prefixes)
        if row_unit != units[0]:
            deeper.add(row_unit[0])
        figures = sums.setdefault((*row_unit, item["year"], item["work__kind"], item["work__topic"]), [0, 0])
        figures[0] += item["new"]
        figures[1] += item["total"]
    rows = [PressRow(unit_id, code, name, path in deeper, kind, topic, year, new, total)
            for (path, unit_id, code, name, year, kind, topic), (new, total) in sorted(sums.items())]
    return PressReport(year_from, year_to, rows, parent)


def _report_ground(parent: Locality | None) -> list[str]:
    """A current unit: its ground, with the units of earlier eras now on it (the new Bắc Ninh: old Bắc Giang
    and old Bắc Ninh); a retired unit: its own subtree as it was (not the ground of its successors)."""
    if parent is None:
        return [""]
    return parent.ground_prefixes() if parent.is_current else [parent.path]


def _row_unit(units: list[tuple], prefixes: list[str]) -> tuple:
    """Among the work's unit and its ancestors (path, id, code, name), the one right below the report's
    ground; the work's own unit when it is the ground's unit itself."""
    path = units[0][0]
    ground = max((prefix for prefix in prefixes if path.startswith(prefix)), key=len)
    for unit in reversed(units):  # widest first
        if unit[0] is not None and unit[0].startswith(ground) and unit[0] != ground:
            return unit
    return units[0]


XLSX_HEADERS = [
    gettext_lazy("Mã đơn vị"), gettext_lazy("Đơn vị sản xuất"), gettext_lazy("Năm"), gettext_lazy("Loại sản phẩm"),
    gettext_lazy("Chủ đề"), gettext_lazy("Tác phẩm sản xuất mới"), gettext_lazy("Lượt phát sóng"),
    gettext_lazy("Lượt phát lại"),
]


def period_label(report: PressReport) -> str:
    if report.year_from and report.year_to:
        return _("Từ năm %(start)s đến năm %(end)s") % {"start": report.year_from, "end": report.year_to}
    if report.year_from:
        return _("Từ năm %(start)s") % {"start": report.year_from}
    if report.year_to:
        return _("Đến năm %(end)s") % {"end": report.year_to}
    return _("Tất cả các năm")


def press_report_xlsx(report: PressReport, organiser: str, produced_at: datetime.datetime) -> bytes:
    """A sheet managers can paste into the official forms: heading lines, one row per group, totals."""
    heading = [[organiser], [_("Báo cáo tác phẩm báo chí, sản phẩm truyền thông")], [period_label(report)],
               [_("Lập lúc %(time)s") % {"time": produced_at.strftime("%H:%M %d/%m/%Y")}], [],
               [str(header) for header in XLSX_HEADERS]]
    body = ([row.unit_code, row.unit_name, row.year, row.kind_label, row.topic_label, row.works_new,
             row.broadcasts, row.rebroadcasts] for row in report.rows)
    totals = ["", _("Tổng cộng"), "", "", "", report.works_new, report.broadcasts, report.rebroadcasts]
    # Codes stay text so that leading zeros of official codes survive.
    return to_bytes(XLSX, chain(heading, body, [totals]), Layout(sheet_name="tac-pham", text_columns=(0,)))

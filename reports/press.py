"""Figures on press works: releases and rebroadcasts per producing district, kind, topic and year.

A broadcast is counted in the year of its date. The first broadcast of a work (earliest date, then id) is
its new release ("works produced"); every later one is a rebroadcast. A district manager sees only the
works of their district (accounts.access scope).
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


@dataclass(frozen=True)
class PressRow:
    district_code: str
    district_name: str
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

    @property
    def works_new(self) -> int:
        return sum(row.works_new for row in self.rows)

    @property
    def broadcasts(self) -> int:
        return sum(row.broadcasts for row in self.rows)

    @property
    def rebroadcasts(self) -> int:
        return self.broadcasts - self.works_new


def press_report(user: User, year_from: int | None = None, year_to: int | None = None) -> PressReport:
    """One grouped query (plus the cached scope lookup), whatever the number of works."""
    # The first-release flag looks at all broadcasts of the work, so a year filter never turns
    # a 2024 rebroadcast of a 2023 work into a "new" one.
    broadcasts = access.filter_in_scope(with_first_release_flag(Broadcast.objects.all()), user,
                                        "work__district__path", MANAGER_ROLES)
    if year_from:
        broadcasts = broadcasts.filter(date__year__gte=year_from)
    if year_to:
        broadcasts = broadcasts.filter(date__year__lte=year_to)
    grouped = (broadcasts.annotate(year=ExtractYear("date"))
               .values("work__district__code", "work__district__name", "work__kind", "work__topic", "year")
               .annotate(total=Count("pk"), new=Count("pk", filter=Q(is_first=True)))
               .order_by("work__district__code", "year", "work__kind", "work__topic"))
    rows = [PressRow(item["work__district__code"], item["work__district__name"], item["work__kind"],
                     item["work__topic"], item["year"], item["new"], item["total"]) for item in grouped]
    return PressReport(year_from, year_to, rows)


XLSX_HEADERS = [
    gettext_lazy("Mã huyện"), gettext_lazy("Huyện"), gettext_lazy("Năm"), gettext_lazy("Loại sản phẩm"),
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
    body = ([row.district_code, row.district_name, row.year, row.kind_label, row.topic_label, row.works_new,
             row.broadcasts, row.rebroadcasts] for row in report.rows)
    totals = ["", _("Tổng cộng"), "", "", "", report.works_new, report.broadcasts, report.rebroadcasts]
    # Codes stay text so that leading zeros of official codes survive.
    return to_bytes(XLSX, chain(heading, body, [totals]), Layout(sheet_name="tac-pham", text_columns=(0,)))

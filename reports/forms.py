"""The report filter: program, module, target group, period, unit structure."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TargetGroup
from localities.services import CURRENT_MAP_DATE

from .selectors import Filters, Structure, module_choices, program_choices


class PeriodKind:
    YEAR = "year"
    HALF = "half"
    CUSTOM = "custom"
    ALL = "all"


class ReportFilterForm(forms.Form):
    program = forms.TypedChoiceField(label=_("Chương trình"), required=False, coerce=int, empty_value=None)
    module = forms.TypedChoiceField(label=_("Chuyên đề"), required=False, coerce=int, empty_value=None)
    group = forms.ChoiceField(label=_("Nhóm đối tượng"), required=False,
                              choices=[("", _("Tất cả"))] + list(TargetGroup.choices))
    period = forms.ChoiceField(label=_("Kỳ báo cáo"), required=False, choices=[
        (PeriodKind.YEAR, _("Cả năm")), (PeriodKind.HALF, _("6 tháng")),
        (PeriodKind.CUSTOM, _("Từ ngày – đến ngày")), (PeriodKind.ALL, _("Toàn bộ thời gian"))])
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=_("6 tháng"), required=False, coerce=int, empty_value=1,
                                  choices=[(1, _("6 tháng đầu năm")), (2, _("6 tháng cuối năm"))])
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    structure = forms.ChoiceField(label=_("Đơn vị hành chính"), required=False, choices=[
        (Structure.AT_THE_TIME, _("Như tại thời điểm phát sinh")),
        (Structure.TODAY, _("Quy về đơn vị hiện nay"))])

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["program"].choices = [("", _("Tất cả"))] + program_choices()
        self.fields["module"].choices = [("", _("Tất cả"))] + module_choices()
        self.initial.setdefault("structure", default_structure(_period({})[1]))

    def clean(self):
        data = super().clean()
        if data.get("period") == PeriodKind.CUSTOM:
            start, end = data.get("date_from"), data.get("date_to")
            if not start or not end:
                raise forms.ValidationError(_("Hãy chọn cả ngày bắt đầu và ngày kết thúc."))
            if start > end:
                raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        if not data.get("structure"):
            # The structure the period calls for; shown selected on the page and named in the export.
            data["structure"] = default_structure(_period(data)[1])
            self.data = self.data.copy()
            self.data["structure"] = data["structure"]
        return data

    def filters(self) -> Filters:
        """The filters to apply; an invalid form falls back to this year's figures (errors are shown)."""
        data = self.cleaned_data if self.is_valid() else {}
        start, end = _period(data)
        return Filters(program_id=data.get("program"), module_id=data.get("module"),
                       target_group=data.get("group") or None, start=start, end=end,
                       structure=data.get("structure") or default_structure(end))


def default_structure(end: datetime.date | None) -> str:
    """Regrouped onto today's units for a period that reaches into today's map (ends on or after 1/7/2025,
    or has no end); as the units were at the time for a period wholly before it."""
    if end is None or end >= CURRENT_MAP_DATE:
        return Structure.TODAY
    return Structure.AT_THE_TIME


def _period(data) -> tuple[datetime.date | None, datetime.date | None]:
    kind = data.get("period") or PeriodKind.YEAR
    year = data.get("year") or timezone.localdate().year
    if kind == PeriodKind.ALL:
        return None, None
    if kind == PeriodKind.CUSTOM:
        return data["date_from"], data["date_to"]
    if kind == PeriodKind.HALF:
        half = data.get("half") or 1
        return (datetime.date(year, 1, 1), datetime.date(year, 6, 30)) if half == 1 else (
            datetime.date(year, 7, 1), datetime.date(year, 12, 31))
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def period_label(filters: Filters) -> str:
    """The period as the report forms name it: "Năm 2026", "6 tháng cuối 2026" (as in the trend chart and
    table), else "Từ 01/03/2026 đến 15/05/2026"."""
    from django.utils.formats import date_format

    from .charts import half_year_label

    start, end = filters.start, filters.end
    if start is None and end is None:
        return str(_("Toàn bộ thời gian"))
    if start and end and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(_("Năm %(year)s")) % {"year": start.year}
    if start and end and start.year == end.year and (start.month, start.day, end.month, end.day) in (
            (1, 1, 6, 30), (7, 1, 12, 31)):
        return half_year_label(start)
    return str(_("Từ %(start)s đến %(end)s")) % {
        "start": date_format(start, "d/m/Y") if start else "…",
        "end": date_format(end, "d/m/Y") if end else "…"}

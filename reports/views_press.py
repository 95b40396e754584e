"""Admin views of the press-work report: a scoped table and its XLSX export."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from accounts import access
from content.models import OrganiserSettings
from lms.access_views import forbidden_as_403

from . import press
from .selectors import require_report_locality

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeriodForm(forms.Form):
    year_from = forms.IntegerField(label=_("Từ năm"), required=False, min_value=2000, max_value=2100)
    year_to = forms.IntegerField(label=_("Đến năm"), required=False, min_value=2000, max_value=2100)

    def period(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


def _report(request):
    """The report of `?unit=` (404 unknown, 403 outside the manager's scope), default their widest unit."""
    access.require_manager(request.user)
    form = PeriodForm(request.GET or None)
    unit = request.GET.get("unit", "")
    parent = require_report_locality(request.user, int(unit) if unit.isdigit() else None)
    return form, press.press_report(request.user, parent=parent, **form.period())


def organiser_name(request) -> str:
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return OrganiserSettings._meta.get_field("organiser_name").default
    return OrganiserSettings.for_site(site).organiser_name


@forbidden_as_403
def press_report(request):
    form, report = _report(request)
    period = request.GET.copy()
    period.pop("unit", None)
    return render(request, "reports/press_report.html", {
        "form": form, "report": report, "period": press.period_label(report),
        "querystring": request.GET.urlencode(), "period_querystring": period.urlencode()})


@forbidden_as_403
def press_report_export(request):
    _form, report = _report(request)
    data = press.press_report_xlsx(report, organiser_name(request), timezone.localtime())
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="bao-cao-tac-pham.xlsx"'
    return response

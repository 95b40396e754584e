"""Class figures for every staff member of a unit (issue 15): trainers, who do not see the statistics, read
the classes organised in their scope and the people trained there. Every unit is reached through
`classes.require_class_report_unit` (404 unknown, 403 outside the user's staff scope)."""

from django.shortcuts import render

from lms.access_views import forbidden_as_403

from .classes import class_report, require_class_report_unit
from .forms import ReportFilterForm, period_label


class ClassFilterForm(ReportFilterForm):
    """The statistics' filter without the module: a class is not counted by module."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        del self.fields["module"]


@forbidden_as_403
def class_statistics(request, locality_id=None):
    parent = require_class_report_unit(request.user, locality_id)
    form = ClassFilterForm(request.GET or None)
    report = class_report(request.user, parent, form.filters())
    return render(request, "reports/class_statistics.html", {
        "form": form, "report": report, "period": period_label(report.filters),
        "querystring": request.GET.urlencode()})

"""Statistics pages (Wagtail admin and a light phone version), exports, export jobs.

Every view reaches data through `selectors.require_report_locality` (404 unknown, 403 outside the
manager's scope) or `selectors.require_export_job` (only the requester's jobs).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from lms.access_views import forbidden_as_403
from lms.storage import private_file_view, serve_private

from . import charts, exports, selectors, services
from .forms import ReportFilterForm, period_label
from .models import ExportFormat, ExportStatus
from .views_press import XLSX_TYPE, organiser_name

TEMPLATES = {"admin": "reports/statistics_admin.html", "site": "reports/statistics_site.html"}
JOB_TEMPLATES = {"admin": "reports/export_job_admin.html", "site": "reports/export_job_site.html"}


def _namespace(request) -> str:
    return request.resolver_match.namespace


def _report(request, locality_id):
    parent = selectors.require_report_locality(request.user, locality_id)
    form = ReportFilterForm(request.GET or None)
    return form, selectors.locality_report(request.user, parent, form.filters())


@forbidden_as_403
def statistics(request, locality_id=None, layout="site"):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    form, report = _report(request, locality_id)
    learners = None
    if report.parent is not None and report.parent.level == "commune":
        learners = selectors.commune_learners(report.parent, report.filters)
    return render(request, TEMPLATES[layout], {
        "form": form, "report": report, "learners": learners, "period": period_label(report.filters),
        "rate_bars": charts.rate_bars(report), "trend_rows": charts.trend_rows(report),
        "querystring": request.GET.urlencode(),
        "ns": _namespace(request), "filtered_module": report.filters.module_id, **_urls(request, report)})


def _urls(request, report) -> dict:
    ns, parent = _namespace(request), report.parent
    if parent is None:
        return {"export_url": reverse(f"{ns}:export"), "learner_export_url": reverse(f"{ns}:learner_export")}
    return {"export_url": reverse(f"{ns}:unit_export", args=[parent.pk]),
            "learner_export_url": reverse(f"{ns}:unit_learner_export", args=[parent.pk])}


def _filters_text(form) -> str:
    if not form.is_valid():
        return ""
    labels = []
    for name in ("program", "module", "group", "structure"):
        value = form.cleaned_data.get(name)
        if value:
            labels.append(f"{form.fields[name].label}: {dict(form.fields[name].choices).get(value, value)}")
    return "; ".join(str(label) for label in labels)


@forbidden_as_403
def export_view(request, locality_id=None, layout="site"):
    if not request.user.is_authenticated:
        raise PermissionDenied
    form, report = _report(request, locality_id)
    file_format = request.GET.get("format", ExportFormat.XLSX)
    build = exports.view_csv if file_format == ExportFormat.CSV else exports.view_xlsx
    data = build(report, organiser_name(request), period_label(report.filters), _filters_text(form),
                 timezone.now())
    content_type = "text/csv; charset=utf-8" if file_format == ExportFormat.CSV else XLSX_TYPE
    response = HttpResponse(data, content_type=content_type)
    code = report.parent.code if report.parent else "all"
    extension = "csv" if file_format == ExportFormat.CSV else "xlsx"
    response["Content-Disposition"] = f'attachment; filename="bao-cao-hoc-vien-{code}.{extension}"'
    return response


@require_POST
@forbidden_as_403
def start_learner_export(request, locality_id=None, layout="site"):
    if not request.user.is_authenticated:
        raise PermissionDenied
    parent = selectors.require_report_locality(request.user, locality_id)
    form = ReportFilterForm(request.POST)
    form.is_valid()  # invalid filters fall back to the defaults, as on the page
    file_format = ExportFormat.CSV if request.POST.get("format") == ExportFormat.CSV else ExportFormat.XLSX
    params = {key: value for key, value in request.POST.items() if key in form.fields}
    job = services.start_export(request.user, parent, params, file_format)
    return redirect(f"{_namespace(request)}:job", job_id=job.pk)


def _job_context(request, job, **extra) -> dict:
    return {"job": job, "ns": _namespace(request), "done": job.status == ExportStatus.DONE,
            "can_retry": _can_retry(job), **extra}


def _can_retry(job) -> bool:
    return job.status == ExportStatus.FAILED or job.is_stale()


@forbidden_as_403
def job_page(request, job_id, layout="site"):
    if not request.user.is_authenticated:
        raise PermissionDenied
    job = selectors.require_export_job(request.user, job_id)
    return render(request, JOB_TEMPLATES[layout], _job_context(request, job))


@forbidden_as_403
def job_status(request, job_id, layout="site"):
    if not request.user.is_authenticated:
        raise PermissionDenied
    job = selectors.require_export_job(request.user, job_id)
    done = job.status == ExportStatus.DONE and not job.is_expired()
    download = reverse(f"{_namespace(request)}:download", args=[job.pk]) if done else ""
    return JsonResponse({"status": job.status, "label": str(job.get_status_display()), "progress": job.progress,
                         "download": download, "error": job.error and _("Xuất tệp không thành công."),
                         "can_retry": _can_retry(job)})


@require_POST
@forbidden_as_403
def job_retry(request, job_id, layout="site"):
    if not request.user.is_authenticated:
        raise PermissionDenied
    job = selectors.require_export_job(request.user, job_id)
    if not services.retry_export(request.user, job.pk):
        messages.info(request, _("Lần xuất này đang chạy hoặc đã xong, không cần thử lại."))
    return redirect(f"{_namespace(request)}:job", job_id=job.pk)


@forbidden_as_403
@private_file_view
def job_download(request, job_id, layout="site"):
    job = selectors.require_export_job(request.user, job_id)  # 404 for anyone but the requester
    # The requester's scope may have been withdrawn since: check it again before handing out the file.
    if job.locality is not None and not access.can_see_locality(request.user, job.locality, access.MANAGER_ROLES):
        raise PermissionDenied
    if job.locality is None and not access.has_full_access(request.user):
        raise PermissionDenied
    if job.is_expired():  # deleted by the hourly cleanup, if not already
        return render(request, JOB_TEMPLATES[layout], _job_context(request, job, expired=True), status=410)
    if job.status != ExportStatus.DONE or not job.file:
        return redirect(f"{_namespace(request)}:job", job_id=job.pk)
    return serve_private(job.file)

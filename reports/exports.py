"""XLSX and CSV files laid out for copying into the official report form (Circular 10/2022/TT-BLĐTBXH).

A view export: title, organiser, reporting period, unit; one row per unit with its official code and
name; totals; the time it was produced. A learner export: one row per learner and program (large,
written by a Celery task with progress).
"""

from itertools import chain

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import TargetGroup
from lms.spreadsheets import CSV, XLSX, Layout, bold, title, to_bytes

from .selectors import Figures, Report

PROGRESS_EVERY = 5000


def _figure_headers() -> list[str]:
    return [_("Học viên đăng ký"), _("Ghi danh"), _("Bắt đầu học"), _("Hoàn thành"), _("Đạt bài kiểm tra cuối"),
            _("Đã cấp chứng nhận"), _("Tỉ lệ hoàn thành (%)"), _("Điểm cao nhất trung bình (%)"),
            _("Không hoạt động 30 ngày"), _("Lớp tập huấn"), _("Học viên dự lớp"), _("Lượt người được tập huấn")]


def _figure_values(figures: Figures) -> list:
    rate, score = figures.completion_rate, figures.average_score
    return [figures.registered, figures.enrolled, figures.started, figures.completed, figures.passed,
            figures.certified, float(rate) if rate is not None else "", float(score) if score is not None else "",
            figures.inactive, figures.classes, figures.participants, figures.person_times]


def view_header_lines(report: Report, organiser: str, period: str, filters_text: str) -> list[list[str]]:
    area = report.parent.name if report.parent else _("Toàn quốc")
    return [
        [_("BÁO CÁO KẾT QUẢ BỒI DƯỠNG CÁN BỘ THÔNG TIN VÀ TRUYỀN THÔNG CƠ SỞ")],
        [_("Đơn vị tổ chức: %(name)s") % {"name": organiser}],
        [_("Kỳ báo cáo: %(period)s") % {"period": period}],
        [_("Địa bàn: %(area)s") % {"area": area}],
        [_("Lọc: %(filters)s") % {"filters": filters_text}] if filters_text else [""],
        [],
    ]


def view_table(report: Report) -> tuple[list[str], list[list], list]:
    headers = [_("STT"), _("Mã đơn vị"), _("Tên đơn vị")] + _figure_headers()
    body = [[number, row.locality.code, row.locality.name] + _figure_values(row.figures)
            for number, row in enumerate(report.rows, start=1)]
    totals = ["", "", _("Tổng cộng")] + _figure_values(report.totals)
    return headers, body, totals


def _produced_line(produced_at) -> list[str]:
    return [_("Lập lúc: %(time)s") % {"time": date_format(timezone.localtime(produced_at), "d/m/Y H:i")}]


def _view_lines(report: Report, organiser: str, period: str, filters_text: str, produced_at):
    top = view_header_lines(report, organiser, period, filters_text)
    headers, body, totals = view_table(report)
    return [title(top[0]), *top[1:], bold(headers), *body, bold(totals), [], _produced_line(produced_at)]


def view_xlsx(report: Report, organiser: str, period: str, filters_text: str, produced_at) -> bytes:
    # Official codes (column B) are text, so leading zeros survive editing; unit names (C) get a wide column.
    layout = Layout(sheet_name=_("Báo cáo"), text_columns=(1,), widths={2: 28})
    return to_bytes(XLSX, _view_lines(report, organiser, period, filters_text, produced_at), layout)


def view_csv(report: Report, organiser: str, period: str, filters_text: str, produced_at) -> bytes:
    return to_bytes(CSV, _view_lines(report, organiser, period, filters_text, produced_at))


# The learner export (a Celery task) ------------------------------------------------------------

def learner_headers() -> list[str]:
    return [_("Mã huyện"), _("Huyện"), _("Mã xã"), _("Xã"), _("Họ và tên"), _("Số điện thoại"), _("Nhóm"),
            _("Ngày đăng ký"), _("Chương trình"), _("Ghi danh"), _("Bắt đầu học"), _("Số bài đã học xong"),
            _("Hoàn thành"), _("Đạt bài kiểm tra cuối"), _("Điểm cao nhất (%)"), _("Cấp chứng nhận"),
            _("Hoạt động gần nhất")]


EMPTY_ENROLMENT = (None,) * 9  # a registered learner who enrolled in nothing: one line, program columns empty


def _learner_lines(learner, enrolments: list[tuple], groups: dict):
    """A learner's lines, one per enrolment (at least one). Moments are written as "dd/mm/yyyy HH:MM" in
    local time by lms.spreadsheets; "last activity" is never earlier than "completed" (reports.summaries)."""
    _user_id, *place, name, phone, group, registered_at = learner
    head = [*place, name, phone, str(groups.get(group, group)), registered_at]
    for program, enrolled, started, lessons, completed, passed, score, certified, last in enrolments or [
            EMPTY_ENROLMENT]:
        if last is not None and completed is not None and last < completed:  # rows not yet recounted
            last = completed
        yield [*head, program, enrolled, started, lessons, completed, passed, score, certified, last]


def _export_lines(learners, enrolment_rows, groups):
    """Learners in chunks: one query for the enrolments of each chunk."""
    chunk = []
    for learner in learners.iterator(chunk_size=PROGRESS_EVERY):
        chunk.append(learner)
        if len(chunk) == CHUNK:
            yield from _chunk_lines(chunk, enrolment_rows, groups)
            chunk = []
    if chunk:
        yield from _chunk_lines(chunk, enrolment_rows, groups)


def _chunk_lines(chunk, enrolment_rows, groups):
    from .selectors import enrolments_of

    enrolments = enrolments_of(enrolment_rows, [learner[0] for learner in chunk])
    for learner in chunk:
        yield from _learner_lines(learner, enrolments.get(learner[0], []), groups)


CHUNK = 2000


def learner_export(job, progress) -> tuple[bytes, str]:
    """Write every learner of the job's unit (in the requester's scope) with their enrolments;
    `progress(percent)` as it goes."""
    from .forms import ReportFilterForm
    from .selectors import export_enrolments, learners_for_export

    filters = ReportFilterForm(job.params).filters()
    learners = learners_for_export(job.requested_by, job.locality, filters)
    enrolment_rows = export_enrolments(job.requested_by, job.locality, filters)
    total = learners.count() or 1
    groups = dict(TargetGroup.choices)
    lines = _ticking(_export_lines(learners, enrolment_rows, groups), total, progress)
    if job.file_format == XLSX:
        # XlsxWriter in constant-memory mode: 100,000 learners fit in seconds where openpyxl took over a
        # minute (see docs/reports.md).
        area = job.locality.name if job.locality else _("Toàn quốc")
        heading = [[_("DANH SÁCH HỌC VIÊN – %(area)s") % {"area": area}], _produced_line(timezone.now()),
                   bold(learner_headers())]
        data = to_bytes(XLSX, chain(heading, lines), Layout(sheet_name=_("Học viên")))
    else:
        data = to_bytes(CSV, chain([learner_headers()], lines))
    return data, f"hoc-vien-{job.pk}.{job.file_format}"


def _ticking(lines, total: int, progress):
    """Progress by learner lines (a learner with several programs counts once per line: close enough)."""
    for done, line in enumerate(lines, start=1):
        yield line
        if done % PROGRESS_EVERY == 0:
            progress(min(done * 100 // total, 100))

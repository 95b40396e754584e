"""XLSX and CSV files laid out for copying into the official report form (Circular 10/2022/TT-BLĐTBXH).

A view export: title, organiser, reporting period, unit; one row per unit with its official code and
name; totals; the time it was produced. A learner export: one row per learner and program (large,
written by a Celery task with progress).
"""

import csv
import io

import xlsxwriter
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import TargetGroup

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


def view_xlsx(report: Report, organiser: str, period: str, filters_text: str, produced_at) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Báo cáo")
    for line in view_header_lines(report, organiser, period, filters_text):
        sheet.append(line)
    sheet["A1"].font = Font(bold=True, size=13)
    headers, body, totals = view_table(report)
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    header_row = sheet.max_row
    for line in body:
        sheet.append(line)
    for row in sheet.iter_rows(min_row=header_row + 1, min_col=2, max_col=2):
        row[0].number_format = "@"  # official codes keep their leading zeros
    sheet.append(totals)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.append([])
    sheet.append(_produced_line(produced_at))
    sheet.column_dimensions["C"].width = 28
    return _save(workbook)


def view_csv(report: Report, organiser: str, period: str, filters_text: str, produced_at) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(view_header_lines(report, organiser, period, filters_text))
    headers, body, totals = view_table(report)
    writer.writerow(headers)
    writer.writerows(body)
    writer.writerow(totals)
    writer.writerow([])
    writer.writerow(_produced_line(produced_at))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read Vietnamese correctly


def _save(workbook) -> bytes:
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# The learner export (a Celery task) ------------------------------------------------------------

def learner_headers() -> list[str]:
    return [_("Mã huyện"), _("Huyện"), _("Mã xã"), _("Xã"), _("Họ và tên"), _("Số điện thoại"), _("Nhóm"),
            _("Chương trình"), _("Ghi danh"), _("Bắt đầu học"), _("Số bài đã học xong"), _("Hoàn thành"),
            _("Đạt bài kiểm tra cuối"), _("Điểm cao nhất (%)"), _("Cấp chứng nhận"), _("Hoạt động gần nhất")]


# The columns of learner_rows_for_export that hold moments: written as local date-times.
_MOMENT_COLUMNS = (8, 9, 11, 12, 14, 15)
_GROUP_COLUMN = 6


def _learner_line(row, groups: dict, zone) -> list:
    """One export line: moments in local time without tzinfo (Excel has none), empty cells for nothing."""
    line = ["" if value is None else value for value in row]
    line[_GROUP_COLUMN] = str(groups.get(row[_GROUP_COLUMN], row[_GROUP_COLUMN]))
    for column in _MOMENT_COLUMNS:
        if row[column] is not None:
            line[column] = row[column].astimezone(zone).replace(tzinfo=None)
    return line


def learner_export(job, progress) -> tuple[bytes, str]:
    """Write every learner row of the job's unit (in the requester's scope); `progress(percent)` as it goes."""
    from .forms import ReportFilterForm
    from .selectors import learner_rows_for_export

    filters = ReportFilterForm(job.params).filters()
    rows = learner_rows_for_export(job.requested_by, job.locality, filters)
    total = rows.count() or 1
    groups, zone = dict(TargetGroup.choices), timezone.get_current_timezone()
    lines = (_learner_line(row, groups, zone) for row in rows.iterator(chunk_size=PROGRESS_EVERY))
    writer = _xlsx_rows if job.file_format == "xlsx" else _csv_rows
    data = writer(job, lines, total, progress)
    return data, f"hoc-vien-{job.pk}.{job.file_format}"


def _tick(done: int, total: int, progress) -> None:
    if done % PROGRESS_EVERY == 0:
        progress(done * 100 // total)


def _xlsx_rows(job, lines, total, progress) -> bytes:
    """XlsxWriter in constant-memory mode: rows stream to a temporary file, 100,000 learners fit in seconds
    where openpyxl took over a minute (see docs/reports.md)."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "default_date_format": "dd/mm/yyyy hh:mm"})
    sheet = workbook.add_worksheet(_("Học viên"))
    area = job.locality.name if job.locality else _("Toàn quốc")
    sheet.write_row(0, 0, [_("DANH SÁCH HỌC VIÊN – %(area)s") % {"area": area}])
    sheet.write_row(1, 0, _produced_line(timezone.now()))
    sheet.write_row(2, 0, learner_headers(), workbook.add_format({"bold": True}))
    for done, line in enumerate(lines, start=1):
        sheet.write_row(2 + done, 0, line)
        _tick(done, total, progress)
    workbook.close()
    return output.getvalue()


def _csv_rows(job, lines, total, progress) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(learner_headers())
    for done, line in enumerate(lines, start=1):
        writer.writerow(line)
        _tick(done, total, progress)
    return buffer.getvalue().encode("utf-8-sig")

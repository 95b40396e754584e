"""Exports: the XLSX/CSV layout for the official form, and the export job's progress and failures."""

import csv
import datetime
import io
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from courses import services
from reports import exports
from reports import services as report_services
from reports.models import ExportJob, ExportStatus, LearnerProgramSummary

from . import test_stats_fixtures as fx
from .test_stats_fixtures import finish, learner_in

course, run = fx.course, fx.run  # fixtures


@pytest.fixture
def figures(run, course, district, other_commune):
    c1, c2 = district.children.order_by("code")[:2]
    finish(run, learner_in(c1, 1), course)
    run(services.enrol, learner_in(c2, 2), course["program"])
    run(services.enrol, learner_in(other_commune, 3), course["program"])
    return c1, c2


def rows_after_header(sheet, header_text="STT"):
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(values) if row and row[0] == header_text)
    return values[:start], values[start], values[start + 1:]


@pytest.mark.django_db
def test_xlsx_is_laid_out_for_the_official_form(client, figures, province_manager, district):
    client.force_login(province_manager)
    response = client.get(reverse("reports:unit_export", args=[district.pk]) + "?format=xlsx&period=all")
    assert response.status_code == 200 and "bao-cao-hoc-vien-219.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    top, header, rest = rows_after_header(sheet)
    assert top[0][0].startswith("BÁO CÁO KẾT QUẢ BỒI DƯỠNG")
    assert any(str(row[0]).startswith("Đơn vị tổ chức:") for row in top)
    assert any(str(row[0]) == "Kỳ báo cáo: Toàn bộ thời gian" for row in top)
    assert any(str(row[0]) == f"Địa bàn: {district.name}" for row in top)
    assert list(header[:7]) == ["STT", "Mã đơn vị", "Tên đơn vị", "Học viên đăng ký", "Ghi danh", "Bắt đầu học",
                                "Hoàn thành"]
    communes = list(district.children.order_by("code"))
    body = rest[:len(communes)]
    assert [row[1] for row in body] == [c.code for c in communes]  # official codes, leading zeros kept
    assert [row[2] for row in body] == [c.name for c in communes]
    first, second = body[0], body[1]
    assert (first[3], first[4], first[6]) == (1, 1, 1) and (second[3], second[4], second[6]) == (1, 1, 0)
    totals = rest[len(communes)]
    assert totals[2] == "Tổng cộng" and (totals[3], totals[4], totals[6], totals[9]) == (2, 2, 1, 50.0)
    assert str(rest[-1][0]).startswith("Lập lúc:")


@pytest.mark.django_db
def test_csv_has_the_same_layout(client, figures, province_manager, province):
    client.force_login(province_manager)
    response = client.get(reverse("reports:unit_export", args=[province.pk]) + "?format=csv&period=all")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header_at = next(i for i, row in enumerate(lines) if row and row[0] == "STT")
    body = lines[header_at + 1:header_at + 11]
    assert [row[1] for row in body][:2] == ["213", "215"] and len(body) == 10
    by_code = {row[1]: row for row in body}
    assert by_code["219"][4] == "2" and by_code["220"][4] == "1"
    assert lines[header_at + 11][2] == "Tổng cộng" and lines[header_at + 11][4] == "3"


@pytest.mark.django_db
def test_export_job_records_progress_and_finishes(figures, province_manager, province, monkeypatch, run):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    seen = []
    original = report_services._record_progress
    monkeypatch.setattr(report_services, "_record_progress", lambda job_id, p: (seen.append(p), original(job_id, p)))
    job = run(report_services.start_export, province_manager, province, {"period": "all"}, "xlsx")
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.progress == 100 and job.finished_at
    assert seen == sorted(seen) and seen[-1] == 100 and len(seen) == 3
    sheet = load_workbook(job.file.open("rb")).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == "Mã huyện" and len(rows) == 3 + 3
    first = rows[3]
    assert isinstance(first[2], str) and first[2].isdigit()  # the commune's official code stays text
    enrolled = first[rows[2].index("Ghi danh")]  # local time, as the manager's calendar shows it
    assert isinstance(enrolled, datetime.datetime) and enrolled.tzinfo is None
    stored = LearnerProgramSummary.objects.filter(commune__code=first[2]).order_by("enrolled_at")
    assert any(abs(timezone.localtime(row.enrolled_at).replace(tzinfo=None) - enrolled) < datetime.timedelta(seconds=1)
               for row in stored)
    assert ExportJob.objects.filter(pk=job.pk, progress=100).exists()


@pytest.mark.django_db
def test_failed_export_is_recorded_and_shown(client, figures, province_manager, province, monkeypatch, run):
    def broken(job, progress):
        progress(40)
        raise OSError("disk full")

    monkeypatch.setattr(exports, "learner_export", broken)
    client.force_login(province_manager)
    run(client.post, reverse("reports:unit_learner_export", args=[province.pk]), {"format": "xlsx"})
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and job.error == "disk full" and not job.file
    status = client.get(reverse("reports:job_status", args=[job.pk])).json()
    assert status["status"] == "failed" and status["download"] == ""
    page = client.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert "Xuất tệp không thành công" in page
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 302  # back to the job page
    report_services.run_export(job.pk)  # a re-delivered task does not run a finished job again
    assert ExportJob.objects.get().status == ExportStatus.FAILED


@pytest.mark.django_db
def test_job_page_polls_and_links_when_done(client, figures, province_manager, province, run):
    client.force_login(province_manager)
    response = run(client.post, reverse("reports:unit_learner_export", args=[province.pk]), {"format": "csv"})
    job = ExportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert reverse("reports:job_status", args=[job.pk]) in page and reverse("reports:download", args=[job.pk]) in page
    assert client.get(reverse("reports:job_status", args=[job.pk])).json()["progress"] == 100


@pytest.mark.django_db
def test_old_exports_are_cleaned_up(figures, province_manager, province, run):
    job = run(report_services.start_export, province_manager, province, {}, "csv")
    job.refresh_from_db()
    path = job.file.path
    ExportJob.objects.update(created_at=job.created_at - datetime.timedelta(days=2))
    assert report_services.cleanup_expired_exports() == 1
    assert not ExportJob.objects.exists()
    assert not os.path.exists(path)

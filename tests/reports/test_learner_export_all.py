"""Issue 15, item 6: the learner export lists every registered learner in scope (as the statistics count
them), with their enrolments; moments read dd/mm/yyyy HH:MM in local time; last activity never earlier
than completion."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from courses import services
from reports import selectors
from reports import services as report_services
from reports.models import ExportJob, LearnerProgramSummary
from reports.selectors import Filters, Structure

from . import test_stats_fixtures as fx
from .test_stats_fixtures import finish, learner_in

course, run = fx.course, fx.run  # fixtures


def _export(client, run, manager, district, file_format):
    client.force_login(manager)
    run(client.post, reverse("reports:unit_learner_export", args=[district.pk]), {"format": file_format})
    job = ExportJob.objects.filter(file_format=file_format).latest("pk")
    with job.file.open("rb") as handle:
        return job, handle.read()


@pytest.fixture
def world(run, course, district, commune, other_commune):
    finisher, registered = learner_in(commune, 1), learner_in(commune, 2)
    finisher.full_name, registered.full_name = "Anh Hoàn Thành", "Bình Chưa Ghi Danh"
    finisher.save()
    registered.save()
    finish(run, finisher, course)
    outsider = learner_in(other_commune, 3)
    run(services.enrol, outsider, course["program"])
    return {"finisher": finisher, "registered": registered, "outsider": outsider}


@pytest.mark.django_db
def test_every_registered_learner_in_scope_is_exported_with_local_dates(client, run, world, district,
                                                                        district_manager):
    job, data = _export(client, run, district_manager, district, "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    names = [row[header.index("Họ và tên")] for row in body]
    assert names == ["Anh Hoàn Thành", "Bình Chưa Ghi Danh"]  # the registered-only learner too; no outsider
    statistics = selectors.locality_report(district_manager, district, Filters(structure=Structure.AT_THE_TIME))
    assert statistics.totals.registered == len(set(names))
    finished = body[0]
    program_column = header.index("Chương trình")
    assert finished[program_column] and not body[1][program_column]
    completed = finished[header.index("Hoàn thành")]
    expected = timezone.localtime(LearnerProgramSummary.objects.get(user=world["finisher"]).completed_at)
    assert completed == expected.strftime("%d/%m/%Y %H:%M")
    datetime.datetime.strptime(finished[header.index("Ngày đăng ký")], "%d/%m/%Y %H:%M")
    last = datetime.datetime.strptime(finished[header.index("Hoạt động gần nhất")], "%d/%m/%Y %H:%M")
    assert last >= datetime.datetime.strptime(completed, "%d/%m/%Y %H:%M")


@pytest.mark.django_db
def test_last_activity_is_never_earlier_than_completion_in_the_summary(run, world):
    row = LearnerProgramSummary.objects.get(user=world["finisher"])
    # Move the lesson activity back a week: the completion stays the latest activity.
    from courses.models import LessonProgress

    LessonProgress.objects.filter(user=world["finisher"]).update(
        updated_at=row.completed_at - datetime.timedelta(days=7))
    report_services.rebuild_summaries()
    row.refresh_from_db()
    assert row.last_activity_at >= row.completed_at


@pytest.mark.django_db
def test_the_xlsx_export_has_real_dates_and_the_registered_learner(client, run, world, district, district_manager):
    _job, data = _export(client, run, district_manager, district, "xlsx")
    lines = [list(line) for line in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    header_index = next(i for i, line in enumerate(lines) if line[0] == "Mã huyện")
    header, body = lines[header_index], lines[header_index + 1:]
    assert [line[header.index("Họ và tên")] for line in body] == ["Anh Hoàn Thành", "Bình Chưa Ghi Danh"]
    assert isinstance(body[0][header.index("Hoàn thành")], datetime.datetime)


@pytest.mark.django_db
def test_an_outsider_manager_exports_none_of_them(client, run, world, other_district, outsider_manager):
    _job, data = _export(client, run, outsider_manager, other_district, "csv")
    names = [row[4] for row in list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]]
    assert "Anh Hoàn Thành" not in names and "Bình Chưa Ghi Danh" not in names
    assert world["outsider"].full_name in names

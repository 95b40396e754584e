"""Issue 15, item 5: training classes counted once at the organiser, people where they belong, totals add up;
the figures live in the statistics (reports.classes), with its export, and the query count stays fixed."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from courses.classes import services as class_services
from reports import selectors
from reports.selectors import OWN_ROW, Filters, Structure
from tests.conftest import make_learner, make_staff

from ..courses.class_builders import make_class

YEAR_2026 = Filters(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31), structure=Structure.AT_THE_TIME)


def _attend_all(trainer, training_class):
    for session in training_class.sessions.all():
        class_services.save_attendance(trainer, session, set(training_class.participants.values_list("pk", flat=True)))


@pytest.fixture
def classes(home_page, province, district, other_district, commune, other_commune):
    """A province class with one participant from each district (both trained), a district class of Lục Ngạn
    with nobody in it, and a 2025 class that falls outside the period."""
    province_trainer = make_staff("gv-tinh", Role.TRAINER, province)
    district_trainer = make_staff("gv-huyen", Role.TRAINER, district)
    province_class = make_class(home_page, province_trainer, province, title="Lớp của tỉnh")
    here, there = make_learner(commune, phone="0931000001"), make_learner(other_commune, phone="0931000002")
    class_services.add_participants(province_trainer, province_class, [here.pk, there.pk])
    _attend_all(province_trainer, province_class)
    empty = make_class(home_page, district_trainer, district, program=province_class.program, title="Lớp trống",
                       start=datetime.date(2026, 9, 7), end=datetime.date(2026, 9, 8))
    old = make_class(home_page, district_trainer, district, program=province_class.program, title="Lớp năm trước",
                     start=datetime.date(2025, 3, 3), end=datetime.date(2025, 3, 4), funding_year=2025)
    return {"province": province_class, "empty": empty, "old": old}


def _rows(report):
    return {("own" if row.own else row.locality.code): row.figures for row in report.rows}


@pytest.mark.django_db
def test_a_province_class_counts_once_at_the_province_and_its_people_in_their_districts(
        classes, province_manager, province, district, other_district):
    report = selectors.locality_report(province_manager, province, YEAR_2026)
    rows = _rows(report)
    assert (rows["own"].classes, rows["own"].participants, rows["own"].person_times) == (1, 0, 0)
    assert (rows[district.code].classes, rows[district.code].participants, rows[district.code].person_times) == (
        1, 1, 1)  # the empty class of Lục Ngạn counts; the province class does not count here
    assert (rows[other_district.code].classes, rows[other_district.code].participants) == (0, 1)
    totals = report.totals
    assert (totals.classes, totals.participants, totals.person_times) == (2, 2, 2)
    assert totals.classes == sum(figures.classes for figures in rows.values())
    # The 2025 class counts in 2025 only.
    report_2025 = selectors.locality_report(province_manager, province, Filters(
        start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31), structure=Structure.AT_THE_TIME))
    assert report_2025.totals.classes == 1 and report_2025.totals.participants == 0


@pytest.mark.django_db
def test_a_district_sees_its_own_classes_in_its_own_row_and_its_people_in_their_communes(
        classes, district_manager, district, commune):
    report = selectors.locality_report(district_manager, district, YEAR_2026)
    rows = _rows(report)
    assert rows["own"].classes == 1  # the empty class: organised by the district itself
    assert rows[commune.code].participants == 1 and rows[commune.code].classes == 0
    assert (report.totals.classes, report.totals.participants, report.totals.person_times) == (1, 1, 1)


@pytest.mark.django_db
def test_the_statistics_page_and_export_show_the_class_figures(client, classes, province_manager, province):
    client.force_login(province_manager)
    page = client.get(reverse("reports_admin:unit", args=[province.pk]), {"year": 2026, "structure": "then"})
    html = page.content.decode()
    assert page.status_code == 200 and f"{province.name} tổ chức" in html
    data = client.get(reverse("reports_admin:unit_export", args=[province.pk]),
                      {"year": 2026, "structure": "then", "format": "xlsx"}).content
    lines = [list(line) for line in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    header = next(line for line in lines if line and line[0] == "STT")
    total = next(line for line in lines if line and line[2] == "Tổng cộng")
    columns = [header.index(name) for name in ("Lớp tập huấn", "Học viên dự lớp", "Lượt người được tập huấn")]
    assert [total[column] for column in columns] == [2, 2, 2]
    own = next(line for line in lines if line and line[2] == province.name)
    assert own[columns[0]] == 1


@pytest.mark.django_db
def test_the_old_class_report_address_leads_to_the_statistics(client, province_manager):
    client.force_login(province_manager)
    response = client.get(reverse("courses:class_report"))
    assert response.status_code == 302 and response["Location"] == reverse("reports_admin:statistics")


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_classes(client, home_page, province_manager, province, district, commune):
    client.force_login(province_manager)
    url = reverse("reports_admin:unit", args=[province.pk])
    trainer = make_staff("gv", Role.TRAINER, district)
    first = make_class(home_page, trainer, district)
    class_services.add_participants(trainer, first, [make_learner(commune, phone="0931000010").pk])
    client.get(url)  # warm the caches (content types, site settings)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for index in range(3):
        more = make_class(home_page, trainer, district, program=first.program, title=f"Lớp {index}",
                          start=datetime.date(2026, 4, 6 + index * 7), end=datetime.date(2026, 4, 6 + index * 7))
        class_services.add_participants(trainer, more, [make_learner(commune, phone=f"093100002{index}").pk])
        _attend_all(trainer, more)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_own_row_key_cannot_clash_with_a_path():
    assert "." not in OWN_ROW

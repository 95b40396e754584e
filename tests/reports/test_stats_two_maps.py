"""Reports across the 2025 reform: "as the units were at the time" gives after the new map exactly what it gave
before (same rows, same numbers, same learners, same official-form export); "regrouped onto today's units" is
the default for current periods."""

import datetime
import io
from dataclasses import astuple

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import LearnerProfile, Role, TargetGroup
from courses import services
from localities.models import Level, Locality
from reports import selectors
from reports import services as report_services
from reports.forms import ReportFilterForm
from reports.selectors import Filters, Structure

from ..conftest import make_learner, make_staff
from . import test_stats_fixtures as fx
from .test_stats_fixtures import finish, learner_in

course, run = fx.course, fx.run  # fixtures

PERIODS = [
    {"period": "year", "year": "2023"},
    {"period": "year", "year": "2024"},
    {"period": "half", "year": "2024", "half": "2"},
    {"period": "custom", "date_from": "2023-03-01", "date_to": "2024-04-30"},  # cuts half-years: live counts
    {"period": "year", "year": "2023", "structure": "then"},
]


def commune(code) -> Locality:
    return Locality.objects.get(level=Level.COMMUNE, code=code, valid_to__isnull=True)


def back_to(learner, moment: datetime.datetime, registered: datetime.datetime) -> None:
    """Move the learner's records (and registration) back to `moment`; the rebuild that follows counts them."""
    from assessments.models import Attempt
    from courses.models import Certificate, Enrolment, LessonProgress, ProgramCompletion

    delta = timezone.now() - moment
    for model, names in ((Enrolment, ["enrolled_at"]), (LessonProgress, ["started_at", "updated_at", "completed_at"]),
                         (ProgramCompletion, ["completed_at"]), (Certificate, ["issued_at"]),
                         (Attempt, ["started_at", "submitted_at", "graded_at"])):
        for row in model.objects.filter(user=learner):
            model.objects.filter(pk=row.pk).update(
                **{name: getattr(row, name) - delta for name in names if getattr(row, name)})
    LearnerProfile.objects.filter(user=learner).update(created_at=registered)


def at(year, month, day=15):
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


@pytest.fixture
def history_2023(run, course, units):
    """Learners of Sơn Động (and one of Lục Ngạn) learning in 2023–2024, on the 2023 map only."""
    an_chau, tay_yen_tu, van_son, merged = (commune(code) for code in ("07615", "07616", "07621", "07624"))
    luc_ngan = Locality.objects.get(level=Level.DISTRICT, code="219").children.order_by("code").first()
    done = learner_in(an_chau, 1)
    finish(run, done, course)
    back_to(done, at(2023, 5), at(2023, 2))
    idle = learner_in(tay_yen_tu, 2, TargetGroup.B)
    run(services.enrol, idle, course["program"])
    run(services.complete_lesson, idle, course["lessons"][0])
    back_to(idle, at(2023, 10), at(2023, 9))
    late = learner_in(merged, 3)  # its commune is merged into Vân Sơn in 2025
    finish(run, late, course, passed=False)
    back_to(late, at(2024, 8), at(2023, 11))
    back_to(learner_in(van_son, 4), at(2023, 4), at(2023, 4))  # registered, never enrolled
    elsewhere = learner_in(luc_ngan, 5)
    finish(run, elsewhere, course)
    back_to(elsewhere, at(2024, 3), at(2024, 1))
    back_to(learner_in(merged, 6), at(2024, 12), at(2024, 12))  # registered late in 2024
    report_services.rebuild_summaries()
    return {"province": Locality.objects.get(level=Level.PROVINCE, code="24", valid_from__isnull=True),
            "district": Locality.objects.get(level=Level.DISTRICT, code="220"), "communes": [an_chau, merged]}


def snapshot(client, units) -> dict:
    """Rows, totals, the commune's learners and the official-form XLSX of every unit and period."""
    seen = {}
    for unit in units:
        for params in PERIODS:
            page = client.get(reverse("reports:unit", args=[unit.pk]), params)
            assert page.status_code == 200
            report = page.context["report"]
            assert report.filters.structure == "then"
            rows = [(row.locality.path, row.locality.code, row.locality.name, astuple(row.figures))
                    for row in report.rows]
            learners = [(row.user_id, row.program_id, row.commune_id, row.completion_commune_id)
                        for row in page.context["learners"] or []]
            export = client.get(reverse("reports:unit_export", args=[unit.pk]), {**params, "format": "xlsx"})
            sheet = load_workbook(io.BytesIO(export.content)).active
            cells = [row for row in sheet.iter_rows(values_only=True) if not str(row[0]).startswith("Lập lúc")]
            seen[(unit.path, str(params))] = (rows, astuple(report.totals), learners, cells)
    return seen


def load_new_map_and_move_learners():
    call_command("load_default_map", stdout=io.StringIO())
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("migrate_to_current_map", stdout=io.StringIO())


@pytest.mark.django_db
def test_a_2023_report_is_unchanged_by_the_2025_map(client, history_2023, province_manager):
    client.force_login(province_manager)
    units = [history_2023["province"], history_2023["district"], *history_2023["communes"]]
    before = snapshot(client, units)
    sondong_2023 = before[(history_2023["district"].path, str(PERIODS[0]))]
    assert sondong_2023[1][:4] == (4, 2, 2, 1)  # registered, enrolled, started, completed: hand count
    load_new_map_and_move_learners()
    assert LearnerProfile.objects.filter(commune__valid_from=datetime.date(2025, 7, 1)).count() == 6
    assert snapshot(client, units) == before  # the summaries kept current by the receivers
    report_services.rebuild_summaries()
    assert not report_services.check_summary_drift().found
    assert snapshot(client, units) == before  # and rebuilt from the source records


@pytest.mark.django_db
def test_summaries_hold_across_the_reform(run, course, history_2023):
    load_new_map_and_move_learners()
    drift = report_services.check_summary_drift()
    assert drift.today_paths and drift.today_rows  # a new map regroups: the check asks for the rebuild
    report_services.rebuild_summaries()
    assert not report_services.check_summary_drift().found  # a rebuild is stable: the same numbers again
    # Learning goes on: an old enrolment (Tây Yên Tử, 2023) and a new one in today's Vân Sơn.
    idle = LearnerProfile.objects.get(user__phone="0912000002").user
    run(services.complete_lesson, idle, course["lessons"][1])
    newcomer = learner_in(commune("07621"), 7)
    run(services.enrol, newcomer, course["program"])
    assert not report_services.check_summary_drift().found  # the regrouped rows followed, incrementally
    today = selectors.locality_report(None, new_bac_ninh(), Filters(structure=Structure.TODAY))
    figures = {row.locality.code: row.figures for row in today.rows}
    assert (figures["07621"].enrolled, figures["07621"].registered) == (2, 4)
    assert (figures["07616"].enrolled, figures["07616"].started) == (1, 1)
    national = selectors.locality_report(None, None, Filters(structure=Structure.TODAY))
    assert (national.totals.enrolled, national.totals.registered) == (5, 7) == (
        today.totals.enrolled, today.totals.registered)


@pytest.mark.parametrize(("params", "structure"), [
    ({"period": "year", "year": "2026"}, "today"),
    ({"period": "year", "year": "2025"}, "today"),  # ends after 1/7/2025
    ({"period": "custom", "date_from": "2024-01-01", "date_to": "2025-07-01"}, "today"),
    ({"period": "all"}, "today"),
    ({"period": "half", "year": "2025", "half": "1"}, "then"),  # wholly before the two-tier map
    ({"period": "year", "year": "2023"}, "then"),
    ({"period": "year", "year": "2023", "structure": "today"}, "today"),  # a choice wins over the default
    ({"period": "year", "year": "2026", "structure": "then"}, "then"),
])
@pytest.mark.django_db
def test_current_periods_default_to_todays_units(params, structure):
    form = ReportFilterForm(params)
    assert form.filters().structure == structure
    assert form["structure"].value() == structure  # the page shows which one applies


@pytest.mark.django_db
def test_an_unbound_form_defaults_to_todays_units_for_this_year():
    form = ReportFilterForm()
    assert form.filters().structure == "today" and form["structure"].value() == "today"


def new_bac_ninh() -> Locality:
    return Locality.objects.get(level=Level.PROVINCE, code="24", valid_to__isnull=True)


@pytest.mark.django_db
def test_the_new_province_shows_communes_now_and_the_districts_of_2023_then(client, history_2023):
    load_new_map_and_move_learners()
    report_services.rebuild_summaries()
    manager = make_staff("bn-manager", Role.PROVINCE_MANAGER, new_bac_ninh())
    client.force_login(manager)
    url = reverse("reports:unit", args=[new_bac_ninh().pk])
    now = client.get(url, {"period": "year", "year": "2026"}).context["report"]
    assert now.filters.structure == "today" and {row.locality.level for row in now.rows} == {"commune"}
    assert len(now.rows) == 99
    all_time = client.get(url, {"period": "all"}).context["report"]  # today's units: no district row ever
    assert {row.locality.level for row in all_time.rows} == {"commune"}
    assert (all_time.totals.registered, all_time.totals.enrolled, all_time.totals.completed) == (6, 4, 2)
    van_son = next(row for row in all_time.rows if row.locality.code == "07621")
    assert (van_son.figures.registered, van_son.figures.enrolled) == (3, 1)  # Vân Sơn took in 07624
    then = client.get(url, {"period": "year", "year": "2023"}).context["report"]
    assert then.filters.structure == "then"
    assert {row.locality.level for row in then.rows} == {"district"}  # the districts of old Bắc Giang and Bắc Ninh
    sondong = next(row for row in then.rows if row.locality.code == "220")
    assert (sondong.figures.registered, sondong.figures.enrolled, sondong.figures.completed) == (4, 2, 1)
    export = client.get(reverse("reports:unit_export", args=[new_bac_ninh().pk]),
                        {"period": "year", "year": "2026", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    lines = [row for row in sheet.iter_rows(values_only=True)]
    assert any(str(row[0]).endswith("Đơn vị hành chính: Quy về đơn vị hiện nay") for row in lines)
    assert sum(1 for row in lines if isinstance(row[0], int)) == 99  # one line per commune of today


@pytest.mark.django_db
def test_district_rows_only_for_periods_when_districts_existed(history_2023):
    load_new_map_and_move_learners()
    old_bac_giang = history_2023["province"]
    as_then = {year: selectors.locality_report(None, old_bac_giang, Filters(
        start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31))) for year in (2023, 2025, 2026)}
    assert {row.locality.level for row in as_then[2023].rows} == {"district"}
    assert {row.locality.level for row in as_then[2025].rows} == {"district"}  # until 30/6/2025
    assert as_then[2026].rows == []
    national = selectors.locality_report(None, None, Filters(structure=Structure.TODAY))
    assert len(national.rows) == 1 and national.rows[0].locality == new_bac_ninh()


@pytest.mark.django_db
def test_loading_a_map_rebuilds_the_summaries_on_commit(django_capture_on_commit_callbacks):
    from outbox.models import OutboxMessage
    from tests.localities.builders import load_2023, load_2024

    load_2023()
    assert not OutboxMessage.objects.filter(task_name="reports.rebuild_summaries").exists()  # no ground changed
    make_learner(Locality.objects.get(code="07502"))
    with django_capture_on_commit_callbacks(execute=True):
        load_2024()
        queued = OutboxMessage.objects.filter(task_name="reports.rebuild_summaries")
        assert queued.count() == 1
    assert OutboxMessage.objects.get(task_name="reports.rebuild_summaries").sent_at is not None  # it ran

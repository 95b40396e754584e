"""Filters (program, module, target group, period, unit structure) and fixed query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import TargetGroup
from courses import services
from courses.models import Enrolment, ProgramCompletion
from reports import selectors
from reports import services as report_services
from reports.forms import ReportFilterForm
from reports.selectors import Filters

from ..courses.builders import make_course
from . import test_stats_fixtures as fx
from .test_stats_fixtures import at, finish, learner_in

course, run = fx.course, fx.run  # fixtures


def totals(parent, **filters):
    return selectors.locality_report(None, parent, Filters(**filters)).totals


@pytest.fixture
def spread(run, course, home_page, commune):
    """Learner 1 (group A) enrolled 3/2023 and completed 9/2023; learner 2 (group B) enrolled 3/2024."""
    other_program = make_course(home_page, lessons_per_module=1, code="CT2")[0]
    first, second = learner_in(commune, 1), learner_in(commune, 2, TargetGroup.B)
    finish(run, first, course)
    run(services.enrol, second, course["program"])
    run(services.enrol, second, other_program)
    Enrolment.objects.filter(user=first).update(enrolled_at=at(2023, 3))
    ProgramCompletion.objects.filter(user=first).update(completed_at=at(2023, 9))
    Enrolment.objects.filter(user=second).update(enrolled_at=at(2024, 3))
    report_services.rebuild_summaries()
    return other_program


@pytest.mark.django_db
def test_program_and_group_filters(spread, course, district):
    assert totals(district).enrolled == 3  # no period: all time
    this_year = timezone.localdate().year
    assert totals(district, start=datetime.date(this_year, 1, 1), end=datetime.date(this_year, 12, 31)).enrolled == 0
    assert totals(district, program_id=course["program"].pk).enrolled == 2
    assert totals(district, program_id=spread.pk).enrolled == 1
    assert totals(district, target_group=TargetGroup.B).enrolled == 2
    assert totals(district, target_group=TargetGroup.B).registered == 1


@pytest.mark.django_db
def test_period_filters_year_half_and_custom_dates(spread, district):
    year_2023 = totals(district, start=datetime.date(2023, 1, 1), end=datetime.date(2023, 12, 31))
    assert (year_2023.enrolled, year_2023.completed) == (1, 1)
    first_half = totals(district, start=datetime.date(2023, 1, 1), end=datetime.date(2023, 6, 30))
    assert (first_half.enrolled, first_half.completed) == (1, 0)
    second_half = totals(district, start=datetime.date(2023, 7, 1), end=datetime.date(2023, 12, 31))
    assert (second_half.enrolled, second_half.completed) == (0, 1)
    custom = totals(district, start=datetime.date(2023, 3, 1), end=datetime.date(2024, 3, 31))  # cuts half-years
    assert (custom.enrolled, custom.completed) == (3, 1)
    narrow = totals(district, start=datetime.date(2023, 3, 16), end=datetime.date(2023, 9, 14))
    assert (narrow.enrolled, narrow.completed) == (0, 0)


@pytest.mark.django_db
def test_module_filter_counts_module_completions(run, course, district, commune):
    finish(run, learner_in(commune, 1), course)
    run(services.enrol, learner_in(commune, 2), course["program"])
    first_module = course["modules"][0]
    figures = totals(district, module_id=first_module.pk, start=None, end=None)
    assert figures.module_completed == 1


@pytest.mark.django_db
def test_filter_form_periods_and_errors():
    form = ReportFilterForm({"period": "half", "year": "2024", "half": "2"})
    assert (form.filters().start, form.filters().end) == (datetime.date(2024, 7, 1), datetime.date(2024, 12, 31))
    assert form.filters().half_year_aligned
    form = ReportFilterForm({"period": "custom", "date_from": "2024-05-02", "date_to": "2024-05-01"})
    assert not form.is_valid() and "Ngày bắt đầu phải trước ngày kết thúc." in str(form.errors)
    assert ReportFilterForm({"period": "custom"}).is_valid() is False
    all_time = ReportFilterForm({"period": "all", "structure": "today"}).filters()
    assert all_time.start is None and all_time.structure == "today"


@pytest.mark.django_db
def test_filters_reach_the_page_and_export(client, spread, province_manager, district):
    client.force_login(province_manager)
    page = client.get(reverse("reports:unit", args=[district.pk]), {"period": "year", "year": "2023"})
    assert page.context["report"].totals.enrolled == 1
    bad = client.get(reverse("reports:unit", args=[district.pk]), {"period": "custom", "date_from": "2024-05-02"})
    assert bad.status_code == 200 and "Hãy chọn cả ngày bắt đầu và ngày kết thúc." in bad.content.decode()


def _grow(run, course, district, n, start):
    for i, commune in enumerate(district.children.order_by("code")[:n]):
        learner = learner_in(commune, start + i)
        run(services.enrol, learner, course["program"])
        run(services.complete_lesson, learner, course["lessons"][0])


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"period": "all", "structure": "today"},
                                    {"period": "custom", "date_from": "2020-02-03", "date_to": "2030-05-06"}])
def test_query_counts_do_not_grow_with_data(client, run, course, province_manager, province, district,
                                            django_assert_max_num_queries, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(province_manager)
    commune = district.children.order_by("code").first()
    urls = [reverse("reports:statistics"), reverse("reports:unit", args=[district.pk]),
            reverse("reports:unit", args=[commune.pk]), reverse("reports_admin:unit", args=[district.pk]),
            reverse("reports:unit_export", args=[district.pk]) + "?format=xlsx"]
    _grow(run, course, district, 2, 10)
    counts = []
    for size in (2, 12):
        if size == 12:
            _grow(run, course, district, 10, 30)
        current = []
        for url in urls:
            client.get(url, params)  # warm caches (site, settings)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, params).status_code == 200
            current.append(len(captured))
        counts.append(current)
    assert counts[0] == counts[1], counts
    assert max(counts[0]) <= 26  # 25, and the module quiz results' list of module quizzes (issue 15)

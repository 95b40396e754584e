"""Figures equal a hand count: movers count where they were, merged units regroup onto today's."""

import datetime

import pytest

from accounts.models import TargetGroup
from courses import services
from courses.models import Certificate, Enrolment
from localities.models import Locality
from reports import selectors
from reports import services as report_services
from reports.selectors import Filters, Structure

from . import test_stats_fixtures as fx
from .test_stats_fixtures import at, finish, learner_in, map_edited, merge_commune, move, take_final

course, run = fx.course, fx.run  # fixtures

ALL_TIME = Filters()


def rows_by_code(report):
    return {row.locality.code: row.figures for row in report.rows}


@pytest.fixture
def world(run, course, district, other_district, commune, other_commune):
    c1, c2 = district.children.order_by("code")[:2]
    l1, l2 = learner_in(c1, 1), learner_in(c1, 2, TargetGroup.B)
    l3, l4, l5 = learner_in(c1, 3), learner_in(other_commune, 4), learner_in(c1, 5)
    finish(run, l1, course)
    run(services.enrol, l2, course["program"])
    run(services.complete_lesson, l2, course["lessons"][0])
    run(services.enrol, l3, course["program"])  # the mover enrols in c1 ...
    run(services.complete_lesson, l3, course["lessons"][0])
    move(run, l3, c2)  # ... moves to c2, and completes there
    for lesson in course["lessons"][1:]:
        run(services.complete_lesson, l3, lesson)
    take_final(run, l3, course)
    run(services.enrol, l4, course["program"])
    take_final(run, l4, course, correct=False)
    return {"c1": c1, "c2": c2, "learners": (l1, l2, l3, l4, l5)}


@pytest.mark.django_db
def test_province_view_equals_hand_count(world, province, course):
    assert Certificate.objects.filter(status="ready").count() == 2
    report = selectors.locality_report(None, province, ALL_TIME)
    figures = rows_by_code(report)
    lucngan, sondong = figures["219"], figures["220"]
    assert (lucngan.registered, lucngan.enrolled, lucngan.started, lucngan.completed, lucngan.passed,
            lucngan.certified) == (4, 3, 3, 2, 2, 2)
    assert str(lucngan.completion_rate) == "66.7" and str(lucngan.average_score) == "100.0"
    assert (sondong.registered, sondong.enrolled, sondong.started, sondong.completed) == (1, 1, 0, 0)
    assert str(sondong.completion_rate) == "0.0" and str(sondong.average_score) == "0.0"
    assert figures["213"].enrolled == 0 and figures["213"].completion_rate is None
    assert (report.totals.registered, report.totals.enrolled, report.totals.completed) == (5, 4, 2)
    assert str(report.totals.completion_rate) == "50.0"
    assert len(report.rows) == 10


@pytest.mark.django_db
def test_mover_counts_where_each_event_happened(world, district):
    figures = rows_by_code(selectors.locality_report(None, district, ALL_TIME))
    c1, c2 = figures[world["c1"].code], figures[world["c2"].code]
    assert (c1.registered, c1.enrolled, c1.started, c1.completed, c1.passed, c1.certified) == (3, 3, 3, 1, 1, 1)
    assert (c1.score_count, str(c1.average_score)) == (2, "100.0")  # scores count where the learner enrolled
    assert (c2.registered, c2.enrolled, c2.started, c2.completed, c2.passed, c2.certified) == (1, 0, 0, 1, 1, 1)
    l1, l2, l3, _l4, _l5 = world["learners"]
    assert [row.user for row in selectors.commune_learners(world["c1"], ALL_TIME)] == [l1, l2, l3]
    assert [row.user for row in selectors.commune_learners(world["c2"], ALL_TIME)] == [l3]


@pytest.mark.django_db
def test_inactive_learners_are_counted(world, district):
    _l1, l2, *_rest = world["learners"]
    assert rows_by_code(selectors.locality_report(None, district, ALL_TIME))[world["c1"].code].inactive == 0
    from courses.models import LessonProgress

    LessonProgress.objects.filter(user=l2).update(updated_at=at(2020), started_at=at(2020))
    Enrolment.objects.filter(user=l2).update(enrolled_at=at(2020))
    report_services.rebuild_summaries()
    figures = rows_by_code(selectors.locality_report(None, district, ALL_TIME))
    assert figures[world["c1"].code].inactive == 1


@pytest.mark.django_db
def test_merged_commune_then_and_today(run, course, district):
    old = district.children.order_by("code")[1]
    learner = learner_in(old, 7)
    run(services.enrol, learner, course["program"])
    Enrolment.objects.filter(user=learner).update(enrolled_at=at(2024))
    report_services.rebuild_summaries()
    new = merge_commune(old)
    year_2024 = Filters(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31))
    then = rows_by_code(selectors.locality_report(None, district, year_2024))
    assert then[old.code].enrolled == 1 and new.code not in then  # the new unit did not exist in 2024
    today = rows_by_code(selectors.locality_report(
        None, district, Filters(start=year_2024.start, end=year_2024.end, structure=Structure.TODAY)))
    assert old.code not in today and today[new.code].enrolled == 1
    learners = selectors.commune_learners(new, Filters(structure=Structure.TODAY))
    assert [row.user for row in learners] == [learner]


@pytest.mark.django_db
def test_merged_district_regroups_in_the_province_view(run, course, province):
    yen_dung = Locality.objects.get(level="district", code="221")
    city = Locality.objects.get(level="district", code="213")
    learner = learner_in(yen_dung.children.first(), 8)
    run(services.enrol, learner, course["program"])
    yen_dung.valid_to, yen_dung.successor = datetime.date(2024, 12, 31), city
    yen_dung.save()
    map_edited()
    city.refresh_from_db()  # its ground now holds Yên Dũng's (a request reads the unit afresh)
    then = rows_by_code(selectors.locality_report(None, province, Filters()))
    today = rows_by_code(selectors.locality_report(None, province, Filters(structure=Structure.TODAY)))
    assert then["221"].enrolled == 1 and then["213"].enrolled == 0
    assert "221" not in today and today["213"].enrolled == 1 and today["213"].registered == 1
    city_today = selectors.locality_report(None, city, Filters(structure=Structure.TODAY))
    assert city_today.totals.enrolled == 1


@pytest.mark.django_db
def test_commune_merged_inside_a_merged_district_counts_in_its_successor_today(run, course, province):
    """Yên Dũng: commune A merged into commune B of the same district, then the district into the city. The
    learner of A counts in B under the city (following the district first pointed at no unit: lost)."""
    yen_dung = Locality.objects.get(level="district", code="221")
    city = Locality.objects.get(level="district", code="213")
    merged, kept = list(yen_dung.children.order_by("code")[:2])
    learner = learner_in(merged, 9)
    run(services.enrol, learner, course["program"])
    merged.valid_to, merged.successor = datetime.date(2024, 12, 31), kept
    merged.save()
    yen_dung.valid_to, yen_dung.successor = datetime.date(2024, 12, 31), city
    yen_dung.save()
    map_edited()
    city.refresh_from_db()  # its ground now holds Yên Dũng's (a request reads the unit afresh)
    city_today = rows_by_code(selectors.locality_report(None, city, Filters(structure=Structure.TODAY)))
    assert merged.code not in city_today and city_today[kept.code].enrolled == 1
    learners = selectors.commune_learners(kept, Filters(structure=Structure.TODAY))
    assert [row.user for row in learners] == [learner]

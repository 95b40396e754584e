"""The unit rollup (UnitPeriodSummary, RegistrationSummary) and the stored "inactive" counts.

National and province views read the rollup (province and district rows); it must equal the sum of its
communes' rows, be kept
current on commit like the commune rows, and be covered by the drift check and the rebuild.
"""

import datetime

import pytest
from django.utils import timezone

from accounts.models import TargetGroup
from accounts.services import LearnerData, save_learner_profile
from courses import services
from courses.models import Enrolment, LessonProgress
from localities.models import Level, Locality, UnitType
from outbox.models import OutboxMessage
from reports import selectors
from reports import services as report_services
from reports.models import PeriodSummary, RegistrationSummary, UnitPeriodSummary
from reports.receivers import REFRESH_REGISTRATIONS_TASK
from reports.selectors import Filters
from reports.summaries import half_year_start

from ..conftest import make_user
from . import test_stats_figures as figures_module
from . import test_stats_fixtures as fx
from .test_stats_figures import rows_by_code
from .test_stats_fixtures import learner_in, move

course, run, world = fx.course, fx.run, figures_module.world  # fixtures

FIGURES = ("registered", "enrolled", "started", "completed", "passed", "certified", "score_sum", "score_count",
           "inactive")


def _values(figures):
    return tuple(getattr(figures, name) for name in FIGURES)


@pytest.mark.django_db
def test_province_and_national_views_equal_the_communes_summed(world, province, district, other_district):
    assert UnitPeriodSummary.objects.filter(unit=district).exists()
    by_district = rows_by_code(selectors.locality_report(None, province, Filters()))
    for unit in (district, other_district):
        communes = selectors.locality_report(None, unit, Filters())
        assert _values(by_district[unit.code]) == _values(communes.totals)
    national = rows_by_code(selectors.locality_report(None, None, Filters()))
    province_view = selectors.locality_report(None, province, Filters())
    assert _values(national[province.code]) == _values(province_view.totals)
    assert selectors.locality_report(None, None, Filters()).trend == province_view.trend


@pytest.mark.django_db
def test_rollup_follows_each_change_on_commit(run, course, district, other_district):
    here, there = district.children.order_by("code")[0], other_district.children.order_by("code")[0]
    learner = learner_in(here, 1)
    run(services.enrol, learner, course["program"])
    assert UnitPeriodSummary.objects.get(unit=district).enrolled == 1
    move(run, learner, there)
    run(services.complete_lesson, learner, course["lessons"][0])
    run(services.complete_lesson, learner, course["lessons"][1])
    fx.take_final(run, learner, course)
    row = UnitPeriodSummary.objects.get(unit=other_district)
    assert (row.enrolled, row.completed, row.passed, row.certified) == (0, 1, 1, 1)
    assert UnitPeriodSummary.objects.get(unit=district).enrolled == 1  # enrolled where it happened
    run(services.unenrol, learner, course["program"])
    assert not report_services.check_summary_drift().found


@pytest.mark.django_db
def test_unit_drift_is_found_and_repaired(run, course, province, district, commune):
    learner = learner_in(commune, 1)
    run(services.enrol, learner, course["program"])
    group = learner.learner_profile.target_group
    keys = sorted((unit.pk, course["program"].pk, group) for unit in (province, district))
    UnitPeriodSummary.objects.update(enrolled=7)
    stray = UnitPeriodSummary.objects.create(unit=district, program=course["program"], target_group="B",
                                             period_start="2020-01-01", enrolled=3)
    drift = report_services.check_summary_drift()
    assert not drift.learner_rows and not drift.period_rows
    assert sorted(k[:3] for k in drift.unit_rows) == sorted(keys + [(district.pk, course["program"].pk, "B")])
    assert UnitPeriodSummary.objects.filter(pk=stray.pk).exists()  # the check writes nothing
    report_services.rebuild_summaries()
    assert not UnitPeriodSummary.objects.filter(pk=stray.pk).exists()
    assert sorted(UnitPeriodSummary.objects.values_list("unit_id", "enrolled")) == [(province.pk, 1), (district.pk, 1)]
    UnitPeriodSummary.objects.all().delete()
    assert report_services.check_summary_drift().unit_rows
    report_services.rebuild_summaries()
    assert UnitPeriodSummary.objects.filter(enrolled=1).count() == 2
    assert not report_services.check_summary_drift().found


@pytest.mark.django_db
def test_province_is_recounted_after_its_districts_when_it_also_holds_communes(run, course, province, commune):
    """After a reform a province may hold communes directly beside its districts: one refresh touching both
    must recount the district before the province that sums it."""
    direct = Locality.objects.create(level=Level.COMMUNE, code="99002", name="Xã Trực Thuộc",
                                     unit_type=UnitType.XA, parent=province)
    learners = [learner_in(commune, 1), learner_in(direct, 2)]
    for learner in learners:
        run(services.enrol, learner, course["program"])
    UnitPeriodSummary.objects.all().delete()
    report_services.refresh_learners([learner.pk for learner in learners])
    assert sum(UnitPeriodSummary.objects.filter(unit=province).values_list("enrolled", flat=True)) == 2
    assert not report_services.check_summary_drift().found


@pytest.mark.django_db
def test_registrations_follow_profiles_on_commit(django_capture_on_commit_callbacks, province, district,
                                                 other_district):
    here, there = district.children.order_by("code")[0], other_district.children.order_by("code")[0]

    def registered(unit):
        return sum(RegistrationSummary.objects.filter(unit=unit).values_list("registered", flat=True))

    with django_capture_on_commit_callbacks() as callbacks:
        learners = [make_user(f"hv{i}") for i in range(3)]
        for user in learners:
            save_learner_profile(user, LearnerData(user.username, "", here, TargetGroup.A))
    recounts = OutboxMessage.objects.filter(task_name=REFRESH_REGISTRATIONS_TASK)
    assert [message.args for message in recounts] == [[[here.pk]]]  # one recount for the transaction's profiles
    for callback in callbacks:
        callback()
    assert (registered(district), registered(other_district), registered(province)) == (3, 0, 3)
    with django_capture_on_commit_callbacks(execute=True):
        save_learner_profile(learners[0], LearnerData("hv0", "", there, TargetGroup.A))
    assert (registered(district), registered(other_district), registered(province)) == (2, 1, 3)
    with django_capture_on_commit_callbacks(execute=True):
        learners[1].delete()
    assert (registered(district), registered(other_district), registered(province)) == (1, 1, 2)
    assert not report_services.check_summary_drift().registration_rows
    RegistrationSummary.objects.filter(unit=district).update(registered=9)
    assert len(report_services.check_summary_drift().registration_rows) == 1
    report_services.rebuild_summaries()
    assert registered(district) == 1 and not report_services.check_summary_drift().found


def _last_seen(learner, moment):
    Enrolment.objects.filter(user=learner).update(enrolled_at=moment)
    LessonProgress.objects.filter(user=learner).update(started_at=moment, updated_at=moment)


@pytest.mark.django_db
def test_inactive_sums_earlier_half_years_and_counts_the_rest_live(run, course, province, district):
    cutoff = timezone.now() - datetime.timedelta(days=selectors.INACTIVE_DAYS)
    since = timezone.make_aware(datetime.datetime.combine(half_year_start(cutoff), datetime.time.min))
    communes = district.children.order_by("code")[:3]
    learners = [learner_in(communes[i % 3], i) for i in range(4)]
    for learner in learners[:3]:
        run(services.enrol, learner, course["program"])
        run(services.complete_lesson, learner, course["lessons"][0])
    _last_seen(learners[0], since - datetime.timedelta(days=200))  # stored: an earlier half-year
    _last_seen(learners[1], since + (cutoff - since) / 2)  # live: this half-year, before the cutoff
    _last_seen(learners[2], cutoff + datetime.timedelta(days=10))  # active within 30 days
    fx.finish(run, learners[3], course)  # completed: never inactive
    _last_seen(learners[3], since - datetime.timedelta(days=1))
    report_services.rebuild_summaries()
    assert PeriodSummary.objects.filter(open_last_seen__gt=0, period_start__lt=since.date()).count() == 1
    by_commune = rows_by_code(selectors.locality_report(None, district, Filters()))
    assert [by_commune[c.code].inactive for c in communes] == [1, 1, 0]
    assert rows_by_code(selectors.locality_report(None, province, Filters()))[district.code].inactive == 2
    assert rows_by_code(selectors.locality_report(None, None, Filters()))[province.code].inactive == 2
    year = Filters(start=datetime.date(2019, 1, 1), end=datetime.date(2019, 12, 31))  # a figure of today
    assert rows_by_code(selectors.locality_report(None, province, year))[district.code].inactive == 2

"""A 2023-only installation taken to the current map: learner profiles move, records keep their units."""

import dataclasses
import io

import pytest
from django.core.management import call_command

from accounts.models import LearnerProfile
from assessments.models import Attempt
from courses import services
from courses.models import Certificate, Enrolment
from localities.models import Locality
from localities.reform import import_reform
from localities.services import import_units
from reports import selectors
from reports.selectors import Filters, Structure

from ..reports import test_stats_fixtures as fx
from ..reports.test_stats_fixtures import finish, learner_in
from .builders import D2025, REFORM_HEADER, TWO_TIER, table

course, run = fx.course, fx.run  # fixtures

SON_DONG_2025 = ["Tỉnh Bắc Ninh,24,Xã An Châu,07615,Xã,"]
REFORM = [
    "tinh,24,2025-06-30,tinh,24,2025-07-01,1,",
    "huyen,220,2025-06-30,tinh,24,2025-07-01,1,",
    "xa,07615,2025-06-30,xa,07615,2025-07-01,1,",
    "xa,07616,2025-06-30,xa,07615,2025-07-01,1,",
    "xa,07621,2025-06-30,xa,07615,2025-07-01,1,",
]


def figures_at_the_time(unit):
    """Every figure of the report by the units of the time, per row; `registered` left out: it counts
    learners in the commune they belong to today, by design."""
    report = selectors.locality_report(None, unit, Filters(structure=Structure.AT_THE_TIME))
    return {row.locality.path: {name: value for name, value in dataclasses.asdict(row.figures).items()
                                if name != "registered"} for row in report.rows}


def records():
    return (set(Enrolment.objects.values_list("pk", "commune_id")),
            set(Attempt.objects.values_list("pk", "commune_id")),
            set(Certificate.objects.values_list("pk", "commune_id")))


@pytest.mark.django_db
def test_migration_of_a_2023_installation(run, course, province, other_district):
    an_chau, tay_yen_tu = (Locality.objects.get(path=f"24.220.{code}.") for code in ("07615", "07616"))
    passed, started = learner_in(an_chau, 1), learner_in(tay_yen_tu, 2)
    elsewhere = learner_in(Locality.objects.get(path="24.213.07201."), 3)
    finish(run, passed, course)
    run(services.enrol, started, course["program"])
    run(services.enrol, elsewhere, course["program"])
    before = records(), figures_at_the_time(province), figures_at_the_time(other_district)
    learners_before = selectors.commune_learners(an_chau, Filters())

    import_units(table(TWO_TIER, SON_DONG_2025), "units-2025.csv", valid_from=D2025)
    import_reform(table(REFORM_HEADER, REFORM), "reform-2025.csv")
    out = io.StringIO()
    call_command("migrate_to_current_map", stdout=out)

    new_an_chau = Locality.objects.get(path="24~20250701.07615.")
    moved = LearnerProfile.objects.filter(user__in=[passed, started]).order_by("user_id")
    assert [(p.commune, p.commune_before_reform, p.needs_commune_confirmation) for p in moved] == [
        (new_an_chau, an_chau, True), (new_an_chau, tay_yen_tu, True)]
    kept = LearnerProfile.objects.get(user=elsewhere)  # Thọ Xương was not retired by this reform
    assert (kept.commune.path, kept.needs_commune_confirmation) == ("24.213.07201.", False)
    assert "moved to today's commune: 2" in out.getvalue()
    assert (records(), figures_at_the_time(province), figures_at_the_time(other_district)) == before
    assert selectors.commune_learners(an_chau, Filters()) == learners_before
    today = selectors.commune_learners(new_an_chau, Filters(structure=Structure.TODAY))
    assert {row.user for row in today} == {passed, started}

    again = io.StringIO()
    call_command("migrate_to_current_map", stdout=again)
    assert "moved to today's commune: 0" in again.getvalue()

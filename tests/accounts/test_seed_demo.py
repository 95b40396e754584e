"""The demo data (make run) shows both maps: records of 2023–2024 in Bắc Giang's units of the time, records
since 1/7/2025 in the new Tỉnh Bắc Ninh's communes; staff on today's units and on retired districts."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Min

from accounts.models import LearnerProfile, Role, RoleAssignment, User
from accounts.selectors import appointments_on_retired_units
from courses.models import Attendance, Enrolment, LessonProgress, ProgramCompletion, TrainingClass
from courses.selectors import missing_completions
from reports.models import PeriodSummary
from reports.services import check_summary_drift, rebuild_summaries

REFORM_DAY = datetime.date(2025, 7, 1)


def snapshot():
    return (sorted(User.objects.values_list("username", "password")),
            sorted(RoleAssignment.objects.values_list("user__username", "role", "locality_id")),
            sorted(LearnerProfile.objects.values_list("user__username", "commune_id", "created_at")),
            sorted(Enrolment.objects.values_list("user_id", "program_id", "commune_id", "enrolled_at")),
            LessonProgress.objects.count(), ProgramCompletion.objects.count(), TrainingClass.objects.count())


@pytest.fixture
def demo(db, home_page):
    out = io.StringIO()
    call_command("load_default_map", stdout=out)
    call_command("load_curriculum", stdout=out)
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_shows_both_maps(demo):
    _learners_of_2023_2024_have_records_of_their_time_and_were_moved_to_todays_communes()
    _learners_of_today_signed_up_and_learned_after_1_july_2025()
    _staff_are_on_todays_units_and_on_retired_districts()


def _learners_of_2023_2024_have_records_of_their_time_and_were_moved_to_todays_communes():
    old = Enrolment.objects.filter(commune__valid_from__isnull=True)  # Bắc Giang's communes of 2023
    assert old.values("user").distinct().count() == 5
    assert {e.enrolled_at.year for e in old} == {2023, 2024}
    completions = ProgramCompletion.objects.filter(commune__valid_from__isnull=True)
    assert sorted(c.completed_at.year for c in completions) == [2023, 2024, 2024]
    assert LessonProgress.objects.filter(user__in=old.values("user"), completed_at__year=2023).exists()
    moved = LearnerProfile.objects.filter(commune_before_reform__isnull=False)
    assert moved.count() == 5
    assert all(p.needs_commune_confirmation and p.commune.is_current and p.commune_before_reform.valid_from is None
               for p in moved.select_related("commune", "commune_before_reform"))
    training_class = TrainingClass.objects.select_related("organiser").get()
    assert (training_class.start_date.year, training_class.organiser.name) == (2024, "Huyện Sơn Động")
    assert training_class.organiser.valid_to is not None
    assert Attendance.objects.filter(session__training_class=training_class, present=True).count() == 8


def _learners_of_today_signed_up_and_learned_after_1_july_2025():
    new = Enrolment.objects.filter(commune__valid_from=REFORM_DAY)
    assert new.values("user").distinct().count() == 3
    assert new.aggregate(first=Min("enrolled_at"))["first"].date() > REFORM_DAY
    assert LearnerProfile.objects.filter(commune__valid_from=REFORM_DAY, commune_before_reform__isnull=True,
                                         created_at__date__gt=REFORM_DAY).count() == 3
    assert ProgramCompletion.objects.filter(commune__valid_from=REFORM_DAY, completed_at__year=2025).count() == 1


def _staff_are_on_todays_units_and_on_retired_districts():
    tinh = RoleAssignment.objects.select_related("locality").get(user__username="tinh")
    assert (tinh.role, tinh.locality.name, tinh.locality.is_current) == (
        Role.PROVINCE_MANAGER, "Tỉnh Bắc Ninh", True)
    commune_staff = RoleAssignment.objects.filter(user__username__in=["xasondong", "giangvienxa"])
    assert {(a.locality.name, a.locality.level, a.locality.is_current) for a in commune_staff} == {
        ("Xã Sơn Động", "commune", True)}
    retired = {row.assignment.user.username for row in appointments_on_retired_units()}
    assert retired == {"lucngan", "giangvien", "sondong"}


@pytest.mark.django_db
def test_the_summaries_hold_both_eras_and_a_rerun_changes_nothing(demo):
    rebuild_summaries()  # as make setup does after seed_demo
    assert not check_summary_drift().found
    assert not missing_completions().found  # module and program completions match the lessons and quizzes
    periods = set(PeriodSummary.objects.filter(enrolled__gt=0).values_list("period_start", flat=True))
    assert {datetime.date(2023, 1, 1), datetime.date(2024, 7, 1), datetime.date(2025, 7, 1)} <= periods
    before = snapshot()
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)
    assert "already there" in out.getvalue()
    assert snapshot() == before

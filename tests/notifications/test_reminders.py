"""Idle learners get a reminder after N days without activity, at most once a week."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services as course_services
from courses.models import Enrolment, LessonProgress, ProgramCompletion
from notifications import services
from notifications.models import Kind, Notification

from ..conftest import make_learner
from ..courses.builders import make_course


@pytest.fixture
def course(home_page):
    return make_course(home_page)


def _age(user, days):
    then = timezone.now() - timedelta(days=days)
    Enrolment.objects.filter(user=user).update(enrolled_at=then)
    LessonProgress.objects.filter(user=user).update(updated_at=then)


@pytest.mark.django_db
def test_reminder_at_most_once_a_week(settings, learner, course):
    settings.NOTIFICATIONS_REMINDER_DAYS = 5
    program, _first, _second, lessons, _later = course
    course_services.enrol(learner, program)
    course_services.complete_lesson(learner, lessons[0])
    _age(learner, 4)
    assert services.send_reminders() == 0  # active four days ago: not idle yet
    _age(learner, 6)
    assert services.send_reminders() == 1
    now = timezone.now()
    for hours in (1, 24, 24 * 6):
        assert services.send_reminders(now + timedelta(hours=hours)) == 0
    assert services.send_reminders(now + timedelta(days=8)) == 1  # still idle a week later
    assert Notification.objects.filter(user=learner, kind=Kind.REMINDER).count() == 2


@pytest.mark.django_db
def test_no_reminder_for_completed_or_unenrolled(learner, outsider_learner, course, commune):
    program, *_ = course
    course_services.enrol(learner, program)
    course_services.enrol(outsider_learner, program)
    ProgramCompletion.objects.create(user=learner, program=program, completed_at=timezone.now())
    course_services.unenrol(outsider_learner, program)
    idle = make_learner(commune, phone="0987000055", full_name="Người Nghỉ")
    course_services.enrol(idle, program)
    for user in (learner, outsider_learner, idle):
        _age(user, 30)
    assert services.send_reminders() == 1
    assert Notification.objects.get(kind=Kind.REMINDER).user == idle


@pytest.mark.django_db
def test_reminder_run_query_count_is_constant(learner, course, commune, django_assert_max_num_queries):
    program, *_ = course
    course_services.enrol(learner, program)
    _age(learner, 30)
    for index in range(8):
        other = make_learner(commune, phone=f"09870002{index:02d}", full_name=f"Học viên {index}")
        other.email = f"hv{index}@example.vn"
        other.save()
        course_services.enrol(other, program)
        _age(other, 30)
    with django_assert_max_num_queries(10):
        assert services.send_reminders() == 9

"""Builders shared by the statistics tests (this module holds no tests of its own).

A small world with hand-countable figures: a program of two one-lesson modules and a final quiz of one
true/false question (a right answer passes with 100 %, a wrong one fails with 0 %).
"""

import datetime

import pytest
from django.utils import timezone

from accounts.models import TargetGroup
from accounts.services import LearnerData, save_learner_profile
from assessments import services as quiz_services
from assessments.services import PostedAnswer
from courses import services
from courses.models import ProgramPage
from localities.grounds import refresh_grounds
from localities.models import Level, Locality, UnitType
from reports import services as report_services

from ..assessments.builders import make_quiz, make_true_false
from ..conftest import make_learner
from ..courses.builders import make_course


@pytest.fixture
def course(home_page):
    program, first, second, lessons, later = make_course(home_page, lessons_per_module=1, code="CT1")
    question = make_true_false(correct=True)
    quiz = make_quiz([question], title="Kiểm tra cuối chương trình")
    ProgramPage.objects.filter(pk=program.pk).update(final_quiz=quiz)
    program.refresh_from_db()
    return {"program": program, "modules": (first, second), "lessons": lessons + later, "quiz": quiz,
            "question": question}


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run `action` and then its on-commit work (signals, receivers, eager tasks), as a real commit would."""

    def runner(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return runner


def take_final(run, learner, course, correct=True):
    attempt = run(quiz_services.start_attempt, learner, course["quiz"])
    run(quiz_services.save_answers, attempt, [PostedAnswer(course["question"].pk, ["true" if correct else "false"])])
    run(quiz_services.submit_attempt, attempt)
    return attempt


def finish(run, learner, course, passed=True):
    """Enrol, learn every lesson and take the final quiz."""
    run(services.enrol, learner, course["program"])
    for lesson in course["lessons"]:
        run(services.complete_lesson, learner, lesson)
    return take_final(run, learner, course, correct=passed)


def move(run, learner, commune):
    profile = learner.learner_profile
    run(save_learner_profile, learner, LearnerData(learner.full_name, learner.phone, commune,
                                                    profile.target_group))
    learner.refresh_from_db()


def learner_in(commune, n, group=TargetGroup.A):
    return make_learner(commune, phone=f"09120000{n:02d}", full_name=f"Học viên {n:02d}", group=group)


def merge_commune(old: Locality, name="Xã Hợp Nhất", code="99001") -> Locality:
    """Retire `old` on 31/12/2024 into a new commune of the same district (the 1/1/2025 kind of merger)."""
    new = Locality.objects.create(level=Level.COMMUNE, code=code, name=name, unit_type=UnitType.XA,
                                  parent=old.parent, valid_from=datetime.date(2025, 1, 1))
    old.valid_to, old.successor = datetime.date(2024, 12, 31), new
    old.save()
    map_edited()
    return new


def map_edited():
    """What follows a hand edit of the map (docs/places.md): refresh_grounds(), whose map_changed signal has the
    summaries rebuilt when the transaction commits (done here: a test's transaction never commits)."""
    refresh_grounds()
    report_services.rebuild_summaries()


def shift_dates(learner, program, days):
    """Move every record of one learner back in time (the source records), then rebuild from them."""
    from assessments.models import Attempt
    from courses.models import Certificate, Enrolment, LessonProgress, ProgramCompletion

    delta = datetime.timedelta(days=days)
    for model, names in ((Enrolment, ["enrolled_at"]), (LessonProgress, ["started_at", "updated_at", "completed_at"]),
                         (ProgramCompletion, ["completed_at"]), (Certificate, ["issued_at"]),
                         (Attempt, ["started_at", "submitted_at", "graded_at"])):
        for row in model.objects.filter(user=learner):
            for name in names:
                if getattr(row, name):
                    setattr(row, name, getattr(row, name) - delta)
            model.objects.filter(pk=row.pk).update(**{name: getattr(row, name) for name in names})
    report_services.rebuild_summaries()


def at(year, month=3, day=15):
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))

"""Two tabs submit at once: PostgreSQL grades once and announces once."""


import pytest
from django.db import connection

from assessments import services
from assessments.models import Attempt, AttemptState, GradeAudit
from assessments.signals import attempt_graded
from tests.conftest import run_together

from .builders import make_quiz, make_single


@pytest.mark.django_db(transaction=True)
def test_parallel_double_submit_grades_once(learner):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")
    quiz = make_quiz([make_single() for _ in range(5)])
    attempt = services.start_attempt(learner, quiz)
    announced = []

    def receiver(sender, attempt, **kwargs):
        announced.append(attempt.pk)

    attempt_graded.connect(receiver, dispatch_uid="parallel-test")
    try:
        results, errors = run_together(lambda: services.submit_attempt(Attempt(pk=attempt.pk)))
    finally:
        attempt_graded.disconnect(dispatch_uid="parallel-test")
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    assert announced == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED and not GradeAudit.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_parallel_start_respects_the_limit(learner):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")
    quiz = make_quiz([make_single()], attempts_allowed=1)
    started, errors = run_together(lambda: services.start_attempt(learner, quiz).pk)
    outcomes = started + [type(error).__name__ for error in errors]
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1
    only = Attempt.objects.get(user=learner, quiz=quiz).pk
    assert set(outcomes) == {only}

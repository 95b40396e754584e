"""Two tabs submit at once: PostgreSQL grades once and announces once."""

import threading

import pytest
from django.db import connection, connections

from assessments import services
from assessments.models import Attempt, AttemptState, GradeAudit
from assessments.signals import attempt_graded

from .builders import make_quiz, make_single


@pytest.mark.django_db(transaction=True)
def test_parallel_double_submit_grades_once(learner):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")
    quiz = make_quiz([make_single() for _ in range(5)])
    attempt = services.start_attempt(learner, quiz)
    announced, results, errors = [], [], []
    barrier = threading.Barrier(4)

    def receiver(sender, attempt, **kwargs):
        announced.append(attempt.pk)

    def submit():
        try:
            barrier.wait()
            results.append(services.submit_attempt(Attempt(pk=attempt.pk)))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    attempt_graded.connect(receiver, dispatch_uid="parallel-test")
    try:
        threads = [threading.Thread(target=submit) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
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
    barrier = threading.Barrier(4)
    outcomes = []

    def start():
        try:
            barrier.wait()
            outcomes.append(services.start_attempt(learner, quiz).pk)
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1
    only = Attempt.objects.get(user=learner, quiz=quiz).pk
    assert set(outcomes) == {only}

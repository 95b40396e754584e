"""Recounts and learners' requests run side by side on PostgreSQL without deadlocks or lost counts.

A request's foreign-key checks lock the rows its new rows point to (key share, until it commits). A
recount that locked learners and units FOR UPDATE deadlocked with such a request under load (#22).
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from courses import services
from reports import services as report_services
from reports.models import LearnerProgramSummary

from . import test_stats_fixtures as fx
from .test_stats_fixtures import learner_in

course, run = fx.course, fx.run  # fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def _require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("locks taken by foreign-key checks exist on PostgreSQL only")


def _in_thread(target, errors):
    def body():
        try:
            target()
        except Exception as error:  # noqa: BLE001 - the test asserts on it
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


def test_a_recount_does_not_deadlock_with_a_request_holding_its_commune(run, course, commune):
    """The request holds the key-share lock of its commune (as its FK checks do) and commits a row that
    points to the learner while a recount of that learner runs: both finish."""
    _require_postgresql()
    learner = learner_in(commune, 1)
    run(services.enrol, learner, course["program"])
    run(services.unenrol, learner, course["program"])  # the recount reads (and used to lock) the commune
    holding, errors = threading.Event(), []

    def request():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM localities_locality WHERE id = %s FOR KEY SHARE", [commune.pk])
            holding.set()
            time.sleep(0.5)  # the recount runs meanwhile
            services.enrol(learner, course["program"])  # commits a row pointing to the learner

    def recount():
        assert holding.wait(5)
        report_services.refresh_learners([learner.pk])

    threads = [_in_thread(request, errors), _in_thread(recount, errors)]
    for thread in threads:
        thread.join(20)
    assert errors == []


def test_requests_and_recounts_for_a_while_lose_nothing(course, commune, other_commune):
    """Four seconds of enrol / lesson / unenrol requests beside recount loops: no error, no drift."""
    _require_postgresql()
    learners = [learner_in(commune if i % 2 else other_commune, i) for i in range(4)]
    stop, errors = time.monotonic() + 4, []

    def requests(learner):
        while time.monotonic() < stop:
            services.enrol(learner, course["program"])
            services.complete_lesson(learner, course["lessons"][0])
            services.unenrol(learner, course["program"])

    def recounts():
        while time.monotonic() < stop:
            report_services.refresh_learners([learner.pk for learner in learners])

    threads = [_in_thread(lambda learner=learner: requests(learner), errors) for learner in learners[:2]]
    threads += [_in_thread(recounts, errors) for _ in range(2)]
    for thread in threads:
        thread.join(60)
    assert errors == []
    report_services.refresh_learners([learner.pk for learner in learners])  # the last on-commit recounts
    assert LearnerProgramSummary.objects.filter(user__in=learners[:2]).count() == 2
    drift = report_services.check_summary_drift()
    assert not drift.found, drift.summary()



def test_two_workers_recounting_mixed_batches_never_deadlock(course, commune, other_commune):
    """A batch holds learners to recount in every program and learners to recount in one program: two
    recounts in one transaction. When each took its units' locks, one worker held district A and waited for
    district B that the other held while waiting for A (load run, 2026-12-01: 2 deadlocks in 4 minutes)."""
    _require_postgresql()
    here, there = ([learner_in(place, n) for n in range(i * 3, i * 3 + 3)]
                   for i, place in enumerate((commune, other_commune)))
    for learner in [*here, *there]:
        services.enrol(learner, course["program"])
    program = [course["program"].pk]
    stop, errors = time.monotonic() + 4, []

    def worker(everything, one_program):  # what recount_pending does with such a batch, without its retry
        while time.monotonic() < stop:
            with transaction.atomic():
                report_services.refresh_learners([learner.pk for learner in everything])
                report_services.refresh_learners([learner.pk for learner in one_program], program)

    threads = [_in_thread(lambda: worker(here, there), errors), _in_thread(lambda: worker(there, here), errors)]
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert not report_services.check_summary_drift().found

"""Recounts in batches: every change marks its learners in PendingRecount, and with a broker a process sends
one wake-up per window, which recounts all that are pending.

Under load the worker fell behind by hundreds of messages, one per progress report.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from outbox.models import OutboxMessage
from reports import services as report_services
from reports import tasks
from reports.models import LearnerProgramSummary, PendingRecount

from ..reports import test_stats_fixtures as fx
from ..reports.test_stats_fixtures import learner_in

course = fx.course  # fixture
pytestmark = pytest.mark.broker


def _queued_changes(django_capture_on_commit_callbacks, learners, course):
    """Each learner enrols and completes a lesson in a transaction of its own, with a broker where no worker
    takes the messages yet (as when the workers are behind)."""
    for learner in learners:
        with django_capture_on_commit_callbacks(execute=True):
            services.enrol(learner, course["program"])
        with django_capture_on_commit_callbacks(execute=True):
            services.complete_lesson(learner, course["lessons"][0])


def _queued_tasks(broker) -> list[str]:
    return [json.loads(raw)["headers"]["task"] for raw in broker.client().lrange("celery", 0, -1)]


@pytest.mark.django_db
def test_ten_changes_send_one_wake_up_and_it_recounts_them_all(course, commune, other_commune, broker,
                                                               django_capture_on_commit_callbacks):
    learners = [learner_in(commune if i % 2 else other_commune, i) for i in range(5)]
    _queued_changes(django_capture_on_commit_callbacks, learners, course)
    assert _queued_tasks(broker).count("reports.recount_pending") == 1  # one per window, not ten
    assert not OutboxMessage.objects.filter(task_name="reports.refresh_learners").exists()
    assert PendingRecount.objects.count() >= 10

    assert tasks.recount_pending() >= 10
    assert not PendingRecount.objects.exists()
    assert LearnerProgramSummary.objects.filter(user__in=learners, lessons_completed=1).count() == 5
    with CaptureQueriesContext(connection) as later:
        assert tasks.recount_pending() == 0
    assert len(later) <= 3  # claim nothing (and the transaction around it)
    for message in OutboxMessage.objects.filter(task_name="reports.refresh_registrations"):
        tasks.refresh_registrations(*message.args)  # the sign-ups' own recounts, also waiting at the broker
    drift = report_services.check_summary_drift()
    assert not drift.found, drift.summary()


@pytest.mark.django_db
def test_a_change_after_the_window_sends_a_new_wake_up(course, commune, broker, django_capture_on_commit_callbacks):
    from reports import receivers

    first, second = learner_in(commune, 1), learner_in(commune, 2)
    _queued_changes(django_capture_on_commit_callbacks, [first], course)
    receivers._Wake.due = 0.0  # the window has passed
    _queued_changes(django_capture_on_commit_callbacks, [second], course)
    assert _queued_tasks(broker).count("reports.recount_pending") == 2


@pytest.mark.django_db
def test_a_failed_batch_leaves_its_learners_pending(course, commune, broker, django_capture_on_commit_callbacks,
                                                    monkeypatch):
    learner = learner_in(commune, 1)
    _queued_changes(django_capture_on_commit_callbacks, [learner], course)
    pending = PendingRecount.objects.count()

    def broken_facts(*args, **kwargs):  # the recount fails half-way (a bug, a lost connection)
        raise RuntimeError("recount failed")

    monkeypatch.setattr(report_services.summaries, "learner_facts", broken_facts)
    with pytest.raises(RuntimeError):
        report_services.recount_pending()
    assert PendingRecount.objects.count() == pending  # rolled back with the recount: nothing lost
    monkeypatch.undo()
    assert report_services.recount_pending() == pending
    assert LearnerProgramSummary.objects.get(user=learner).lessons_completed == 1


@pytest.mark.django_db
def test_groups_recount_all_programs_only_where_asked():
    rows = [(1, 10, None), (2, 11, 5), (3, 11, 6), (4, 10, 5), (5, 12, 5)]
    assert report_services._recount_groups(rows) == [({10}, None), ({11, 12}, {5, 6})]

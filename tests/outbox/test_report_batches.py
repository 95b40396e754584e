"""Recounts in batches: a backlog of recount messages is recounted by the first task, the rest find nothing.

Under load the worker fell behind by hundreds of messages, each recounting one learner and the units above;
now every change marks its learners in PendingRecount and a task recounts all that are pending.
"""

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
    """Each learner enrols and completes a lesson in a transaction of its own; the recount messages go to
    the broker, where no worker takes them yet (as when the workers are behind)."""
    earlier = list(OutboxMessage.objects.values_list("pk", flat=True))
    for learner in learners:
        with django_capture_on_commit_callbacks(execute=True):
            services.enrol(learner, course["program"])
        with django_capture_on_commit_callbacks(execute=True):
            services.complete_lesson(learner, course["lessons"][0])
    return list(OutboxMessage.objects.filter(task_name="reports.refresh_learners").exclude(pk__in=earlier)
                .order_by("created_at"))


@pytest.mark.django_db
def test_the_first_task_recounts_the_backlog_and_the_rest_do_nothing(course, commune, other_commune, broker,
                                                                     django_capture_on_commit_callbacks):
    learners = [learner_in(commune if i % 2 else other_commune, i) for i in range(5)]
    messages = _queued_changes(django_capture_on_commit_callbacks, learners, course)
    assert len(messages) == 10 and all(message.sent_at for message in messages)  # handed to the broker
    assert broker.client().llen("celery") >= 10 and PendingRecount.objects.count() >= 10

    assert tasks.refresh_learners(*messages[0].args) >= 10
    assert not PendingRecount.objects.exists()
    assert LearnerProgramSummary.objects.filter(user__in=learners, lessons_completed=1).count() == 5
    with CaptureQueriesContext(connection) as later:
        assert tasks.refresh_learners(*messages[-1].args) == 0
    assert len(later) <= 3  # claim nothing (and the transaction around it)
    for message in OutboxMessage.objects.filter(task_name="reports.refresh_registrations"):
        tasks.refresh_registrations(*message.args)  # the sign-ups' own recounts, also waiting at the broker
    drift = report_services.check_summary_drift()
    assert not drift.found, drift.summary()


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

"""The outbox without a broker: rows are written with the change, published on commit, relayed when held."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from lms.tasks import health
from outbox import services as outbox
from outbox.models import OutboxMessage

assert health  # the task must be registered for these tests


@pytest.mark.django_db
def test_enqueue_publishes_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("lms.health", "x")
        assert OutboxMessage.objects.get(pk=message.pk).sent_at is None  # not before commit
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1 and message.last_error == ""


def _union(old, new):
    return [sorted({*old[0], *new[0]})]


@pytest.mark.django_db
def test_a_batch_is_one_message_per_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox.enqueue_batched("lms.health", [[1]], _union)
        again = outbox.enqueue_batched("lms.health", [[3, 2]], _union)
        assert again.pk == first.pk
    assert list(OutboxMessage.objects.values_list("args", flat=True)) == [[[1, 2, 3]]]
    first.refresh_from_db()
    assert first.sent_at is not None  # published with the merged arguments
    with django_capture_on_commit_callbacks(execute=True):
        later = outbox.enqueue_batched("lms.health", [[4]], _union)
    assert later.pk != first.pk and later.args == [[4]]  # the broker had the first: a new transaction, a new one
    first.refresh_from_db()
    assert first.args == [[1, 2, 3]]


@pytest.mark.django_db
def test_a_rolled_back_batch_does_not_swallow_the_next_transactions_work(django_capture_on_commit_callbacks):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue_batched("lms.health", [[1]], _union)
        raise RuntimeError
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue_batched("lms.health", [[2]], _union)
    assert list(OutboxMessage.objects.values_list("args", flat=True)) == [[[2]]]
    message.refresh_from_db()
    assert message.sent_at is not None


@pytest.mark.django_db
def test_a_batch_held_back_by_a_broker_outage_is_not_extended(django_capture_on_commit_callbacks, settings):
    """A message whose publish failed waits for the relay with the arguments it had: later work gets its own."""
    with django_capture_on_commit_callbacks(execute=False):
        first = outbox.enqueue_batched("lms.health", [[1]], _union)
    OutboxMessage.objects.filter(pk=first.pk).update(attempts=1, last_error="broker down")
    second = outbox.enqueue_batched("lms.health", [[2]], _union)
    assert second.pk != first.pk
    assert OutboxMessage.objects.get(pk=first.pk).args == [[1]]


@pytest.mark.django_db
def test_rollback_drops_the_task():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue("lms.health", "x")
        raise RuntimeError
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_failed_publish_is_kept_and_relayed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        broken = outbox.enqueue("no.such.task")
        good = outbox.enqueue("lms.health", "y")
    broken.refresh_from_db()
    assert broken.sent_at is None and "no.such.task" in broken.last_error and broken.lease_until is None
    OutboxMessage.objects.filter(pk=good.pk).update(sent_at=None)  # as if the process died after commit
    assert outbox.relay() == 1
    good.refresh_from_db()
    assert good.sent_at is not None and good.attempts == 2


@pytest.mark.django_db
def test_a_held_row_is_not_published_twice_until_its_lease_expires():
    message = OutboxMessage.objects.create(task_name="lms.health", args=["z"],
                                           lease_until=timezone.now() + timedelta(seconds=30))
    assert outbox.publish(message.pk) is False and outbox.relay() == 0
    OutboxMessage.objects.filter(pk=message.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert outbox.relay() == 1
    assert outbox.publish(message.pk) is False  # sent rows are never published again


@pytest.mark.django_db
def test_purge_keeps_unsent_and_recent_rows():
    old = timezone.now() - timedelta(days=8)
    OutboxMessage.objects.create(task_name="lms.health", sent_at=old)
    kept = [OutboxMessage.objects.create(task_name="lms.health"),
            OutboxMessage.objects.create(task_name="lms.health", sent_at=timezone.now())]
    assert outbox.purge_sent() == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {m.pk for m in kept}


def test_beat_schedule_and_routes(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"outbox.relay", "assessments.close_overdue_attempts", "notifications.send_reminders",
            "reports.rebuild_summaries", "reports.check_summary_drift", "reports.cleanup_expired_exports"} <= tasks
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_TASK_ROUTES["courses.render_certificate"] == {"queue": "slow"}


def test_beat_skips_tasks_that_are_not_installed(tmp_path):
    from lms.celery import InstalledTasksScheduler, app

    schedule = {"relay": {"task": "outbox.relay", "schedule": 15},
                "missing": {"task": "nowhere.to_be_found", "schedule": 15}}
    saved = app.conf.beat_schedule
    app.conf.beat_schedule = schedule
    try:
        scheduler = InstalledTasksScheduler(app=app, schedule_filename=str(tmp_path / "beat"))
        assert "relay" in scheduler.schedule and "missing" not in scheduler.schedule
        scheduler.close()
    finally:
        app.conf.beat_schedule = saved


@pytest.mark.django_db
def test_purge_command_keeps_unsent_and_recent_rows():
    from io import StringIO

    from django.core.management import call_command

    sent_long_ago = OutboxMessage.objects.create(task_name="lms.health", sent_at=timezone.now() - timedelta(days=3))
    waiting = OutboxMessage.objects.create(task_name="lms.health")
    output = StringIO()
    call_command("purge_outbox", stdout=output)  # a week by default: nothing to forget yet
    call_command("purge_outbox", "--days", "2", stdout=output)
    assert output.getvalue().split() == ["0", "1"]
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert not OutboxMessage.objects.filter(pk=sent_long_ago.pk).exists()

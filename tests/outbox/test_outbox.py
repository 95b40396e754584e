"""The outbox without a broker: rows are written with the change, published on commit, relayed when held."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from lms import outbox
from lms.tasks import health
from outbox.models import OutboxMessage

assert health  # the task must be registered for these tests


@pytest.mark.django_db
def test_enqueue_publishes_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("lms.health", "x")
        assert OutboxMessage.objects.get(pk=message.pk).sent_at is None  # not before commit
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1 and message.last_error == ""


@pytest.mark.django_db
def test_amend_changes_a_message_until_it_is_published(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("lms.health", "first")
        outbox.amend(message, "second")
    message.refresh_from_db()
    assert message.args == ["second"] and message.sent_at is not None
    outbox.amend(message, "too late")  # the broker has it: the row keeps what was sent
    message.refresh_from_db()
    assert message.args == ["second"]


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

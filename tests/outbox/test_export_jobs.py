"""Export jobs with a real broker: a POST with Redis down answers normally and the job runs once Redis is
back; a worker killed mid-export leaves no job "running" forever (the redelivered task takes it over).

The tests run their own redis-server on a free port; the machine's Redis is untouched. The worker is
another process: the parts that need it run on PostgreSQL only.
"""

import json
import os
import signal
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from outbox import services as outbox
from outbox.models import OutboxMessage
from reports.models import ExportJob, ExportStatus

from . import slow_tasks
from .helpers import RedisServer, free_port, start_worker, stop_worker, using_broker, wait_for


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_export_post_with_the_broker_down_answers_and_runs_after(client, province_manager, province, broker):
    client.force_login(province_manager)
    url = reverse("reports:unit_learner_export", args=[province.pk])
    client.post(url, {"format": "csv"})  # while Redis is up: queued (no worker yet); warms the process up
    sent_before = OutboxMessage.objects.get(task_name="reports.run_export")
    assert sent_before.sent_at is not None
    broker.stop()

    started = time.monotonic()
    response = client.post(url, {"format": "csv"})
    job = ExportJob.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[job.pk])
    assert time.monotonic() - started < 5
    waiting = OutboxMessage.objects.exclude(pk=sent_before.pk).get(task_name="reports.run_export")
    assert job.status == ExportStatus.PENDING and waiting.args == [job.pk]
    assert waiting.sent_at is None and waiting.last_error
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 200
    assert outbox.relay() == 0  # still down: nothing lost, nothing marked sent

    broker.start()
    assert outbox.relay() >= 1
    waiting.refresh_from_db()
    assert waiting.sent_at is not None
    queued = [json.loads(raw) for raw in broker.client().lrange("celery", 0, -1)]
    assert str(waiting.pk) in [message["headers"]["id"] for message in queued]

    if connection.vendor != "postgresql":
        return  # a worker is another process: it can reach only a PostgreSQL test database
    worker = start_worker(broker.url)
    try:
        assert wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == ExportStatus.DONE)
    finally:
        stop_worker(worker)
    job.refresh_from_db()
    assert job.file and job.file.storage.exists(job.file.name)


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_export_the_job_is_taken_over(province_manager, province, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker is another process: it can reach only a PostgreSQL test database")
    job = ExportJob.objects.create(requested_by=province_manager, locality=province, file_format="csv")
    server = RedisServer(free_port()).start()
    worker = start_worker(server.url, "--pool", "prefork", "--concurrency", "1", "-I", slow_tasks.__name__)
    try:
        with using_broker(server.url), transaction.atomic():
            outbox.enqueue("tests.export_then_stall", job.pk, str(tmp_path))
        assert wait_for(lambda: (tmp_path / "stalled").exists(), timeout=40)
        assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.RUNNING
        os.kill(int((tmp_path / "stalled").read_text()), signal.SIGKILL)
        assert wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == ExportStatus.DONE, timeout=40)
    finally:
        stop_worker(worker)
        server.stop()
    job.refresh_from_db()
    assert job.attempts == 2 and job.file and job.file.storage.exists(job.file.name)
    assert len((tmp_path / "runs").read_text().split()) == 2

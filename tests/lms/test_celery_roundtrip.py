"""The Celery wiring, proved end to end: a real worker, the real Redis broker."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from lms.celery import app
from lms.tasks import health

from ..outbox.helpers import forget_celery_connections

BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker():
    """Start a worker on a private queue; the machine's other workers never see it."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CELERY_BROKER_URL": BROKER, "CELERY_RESULT_BACKEND": BROKER,
           "DJANGO_SETTINGS_MODULE": "lms.settings.dev"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "-Q", queue, "--pool", "solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    forget_celery_connections()  # an earlier test may have cached the backend of the eager config
    app.conf.update(broker_url=BROKER, result_backend=BROKER, task_always_eager=False)
    try:
        yield queue
    finally:
        forget_celery_connections()
        app.conf.update(saved)
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.broker
def test_health_task_round_trip_through_redis(worker):
    token = uuid.uuid4().hex
    result = health.apply_async(args=[token], queue=worker)
    assert result.get(timeout=60) == f"ok:{token}"


def test_without_broker_tasks_run_eagerly(settings):
    assert settings.CELERY_BROKER_URL is None and settings.CELERY_TASK_ALWAYS_EAGER
    assert health.delay("x").get() == "ok:x"

"""A real worker over a real broker: the task a request caused logs with that request's id (a message header)."""

import json
import os
import subprocess
import sys

import pytest
from django.db import transaction

from lms.observability import request_id_context
from outbox import services as outbox

from ..outbox.helpers import ROOT, RedisServer, forget_celery_connections, free_port, using_broker, wait_for
from . import worker_tasks  # noqa: F401 - registers the task in this process too


@pytest.fixture
def broker():
    server = RedisServer(free_port()).start()
    try:
        with using_broker(server.url):
            yield server
    finally:
        forget_celery_connections()
        server.stop()


@pytest.mark.django_db
def test_worker_logs_the_request_id_of_the_request_that_caused_the_task(broker, tmp_path,
                                                                         django_capture_on_commit_callbacks):
    log = tmp_path / "worker.log"
    env = {**os.environ, "CELERY_BROKER_URL": broker.url, "CELERY_RESULT_BACKEND": "",
           "DJANGO_SETTINGS_MODULE": "lms.settings.dev", "LOG_FORMAT": "json", "LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)  # the task touches no database
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "-Q", "celery", "--pool", "solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-I", worker_tasks.__name__],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    try:
        marker = tmp_path / "request-id"
        with request_id_context("nginx-req-4242abcd"), django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                outbox.enqueue("tests.deploy.write_request_id", str(marker))
        assert wait_for(marker.exists, timeout=60), log.read_text()[-3000:]
        assert marker.read_text() == "nginx-req-4242abcd"
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        ran = [line for line in lines if line["message"] == "task for the request-id test ran"]
        assert ran and ran[0]["request_id"] == "nginx-req-4242abcd"
    finally:
        worker.terminate()
        worker.wait(timeout=30)

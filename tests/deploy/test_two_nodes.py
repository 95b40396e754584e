"""Two gunicorn nodes over one PostgreSQL database, one Redis and one shared media directory: what one node
records (a session, an upload, a lockout, an export) the other sees; the report rebuild runs on the replica
connection (pointed at the primary here, as the issue allows).

PostgreSQL only: several nodes need a database server; the SQLite test database lives in this process's
memory and no other process can open it (nor could a second machine open a SQLite file safely)."""

import subprocess
import sys
import uuid

import pytest
import requests
from axes.models import AccessAttempt
from django.urls import reverse

from assessments.models import Answer
from reports.models import ExportJob, LearnerProgramSummary

from ..conftest import PASSWORD
from ..outbox.helpers import RedisServer, database_url, free_port
from .nodes import NODE_TEST_MARKS, PDF, ROOT, Node, ask_learner_export, node_env, send_file_answer, sign_in

pytestmark = NODE_TEST_MARKS


@pytest.fixture
def shape(transactional_db, tmp_path):
    """Environment of every node: same database (and as replica), Redis cache, media folders, secret."""
    redis_server = RedisServer(free_port()).start()
    media, private = tmp_path / "media", tmp_path / "private"
    media.mkdir(), private.mkdir()
    env = node_env(
        DJANGO_SETTINGS_MODULE="lms.settings.dev", DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="two-nodes-" + uuid.uuid4().hex * 2,
        DATABASE_URL=database_url(), DATABASE_REPLICA_URL=database_url(), DATABASE_CONN_MAX_AGE=0,
        CACHE_URL=redis_server.url, CACHE_KEY_PREFIX="two-nodes", SESSION_STORE="cached_db",
        MEDIA_ROOT=media, PRIVATE_MEDIA_ROOT=private, LOG_FORMAT="json", LOG_LEVEL="WARNING")
    yield env, tmp_path
    redis_server.stop()


@pytest.fixture
def nodes(shape):
    env, folder = shape
    started = []
    try:
        for _ in range(2):
            started.append(Node(free_port(), env, folder).start())
        yield started
    finally:
        for node in started:
            node.stop()


def test_two_nodes_share_sessions_uploads_lockouts_and_exports(shape, nodes, world):
    first, second = nodes
    for node in nodes:
        ready = requests.get(node.url + "/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["cache"] == "ok"

    # A session opened on the first node is good on the second.
    learner = requests.Session()
    assert sign_in(learner, first, world["learner"].username, PASSWORD).status_code == 302
    page = learner.get(second.url + reverse("courses:my_learning"), timeout=30, allow_redirects=False)
    assert page.status_code == 200
    assert world["learner"].get_full_name() in page.text

    # A file answer uploaded through the second node is served by the first (shared private folder).
    question, attempt = world["question"], world["attempt"]
    saved = send_file_answer(learner, second, question, attempt)
    assert saved.status_code in (200, 302), saved.text[:500]
    answer = Answer.objects.get(attempt_question__attempt=attempt)
    download = learner.get(first.url + reverse("assessments:answer_file", args=[answer.pk]), timeout=30)
    assert download.status_code == 200 and download.content == PDF

    # Five wrong passwords on the first node lock the account on the second.
    intruder = requests.Session()
    for _ in range(5):
        assert sign_in(intruder, first, world["trainer"].username, "wrong-password").status_code in (200, 429)
    assert AccessAttempt.objects.filter(failures_since_start__gte=5).exists()  # recorded in the shared database
    locked = sign_in(requests.Session(), second, world["trainer"].username, PASSWORD)
    assert locked.status_code == 429

    # An export asked for on the first node downloads from the second.
    manager = requests.Session()
    assert sign_in(manager, first, world["manager"].username, PASSWORD).status_code == 302
    asked = ask_learner_export(manager, first, world["district"])
    assert asked.status_code == 302, asked.text[:500]
    job = ExportJob.objects.get()
    assert job.file, job.status
    csv = manager.get(second.url + reverse("reports:download", args=[job.pk]), timeout=30)
    assert csv.status_code == 200
    assert world["learner"].get_full_name() in csv.content.decode("utf-8-sig")

    # The report page on the second node reads through the replica connection.
    assert manager.get(second.url + reverse("reports:statistics"), timeout=60).status_code == 200


def test_report_rebuild_runs_on_the_replica_connection(shape, world):
    env, _folder = shape
    LearnerProgramSummary.objects.all().delete()  # drift for the rebuild to repair
    result = subprocess.run([sys.executable, "manage.py", "on_replica", "rebuild_report_summaries"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    replica_statements = int(result.stdout.rsplit("replica statements:", 1)[1].split()[0])
    assert replica_statements > 0
    assert "Repaired drift" in result.stdout
    assert LearnerProgramSummary.objects.filter(user=world["learner"]).exists()

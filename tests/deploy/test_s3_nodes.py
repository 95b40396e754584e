"""Two nodes with `MEDIA_STORAGE=s3`: uploads and generated files go to an S3-compatible store over HTTP, not
to either node's disk, and one node serves what the other stored.

The store is moto's S3 server (the S3 API over HTTP, in a thread of this process): the nodes reach it through
django-storages and boto3 exactly as they would reach MinIO or a provider. PostgreSQL only, like the other
node tests (the SQLite test database lives in this process's memory)."""

import uuid

import boto3
import pytest
import requests
from django.urls import reverse
from moto.server import ThreadedMotoServer

from accounts.models import User
from assessments.models import Answer
from reports.models import ExportJob

from ..conftest import PASSWORD
from ..outbox.helpers import database_url, free_port
from .nodes import NODE_TEST_MARKS, PDF, Node, ask_learner_export, node_env, send_file_answer, sign_in

BUCKET = "lms-uploads"
CREDENTIALS = {"aws_access_key_id": "node-key", "aws_secret_access_key": "node-secret", "region_name": "us-east-1"}
pytestmark = NODE_TEST_MARKS


@pytest.fixture
def store():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.fixture
def s3_nodes(store, tmp_path):
    endpoint, _client = store
    media, private = tmp_path / "media", tmp_path / "private"
    media.mkdir(), private.mkdir()
    env = node_env(
        DJANGO_SETTINGS_MODULE="lms.settings.dev", DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="s3-nodes-" + uuid.uuid4().hex * 2,
        DATABASE_URL=database_url(), DATABASE_CONN_MAX_AGE=0, SESSION_STORE="db",
        MEDIA_STORAGE="s3", PRIVATE_MEDIA_SERVE="django", S3_BUCKET=BUCKET, S3_ENDPOINT_URL=endpoint,
        S3_REGION=CREDENTIALS["region_name"], S3_ACCESS_KEY_ID=CREDENTIALS["aws_access_key_id"],
        S3_SECRET_ACCESS_KEY=CREDENTIALS["aws_secret_access_key"],
        MEDIA_ROOT=media, PRIVATE_MEDIA_ROOT=private, LOG_LEVEL="WARNING")
    started = []
    try:
        for _ in range(2):
            started.append(Node(free_port(), env, tmp_path).start())
        yield started, (media, private)
    finally:
        for node in started:
            node.stop()


def _keys(client, prefix: str) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]


def _is_private(client, key: str) -> bool:
    grants = client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    return not any(grant["Grantee"].get("URI", "").endswith("/AllUsers") for grant in grants)


def test_uploads_and_exports_live_in_the_bucket_and_any_node_serves_them(store, s3_nodes, world, outsider_learner):
    _endpoint, client = store
    (first, second), local_folders = s3_nodes

    # A quiz file answer sent to the second node is a private object in the bucket, served by the first.
    learner = requests.Session()
    assert sign_in(learner, second, world["learner"].username, PASSWORD).status_code == 302
    question, attempt = world["question"], world["attempt"]
    saved = send_file_answer(learner, second, question, attempt)
    assert saved.status_code in (200, 302), saved.text[:500]
    answer = Answer.objects.get(attempt_question__attempt=attempt)
    key = f"private/{answer.file.name}"
    assert _keys(client, "private/") == [key] and _is_private(client, key)
    assert client.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF
    download = learner.get(first.url + reverse("assessments:answer_file", args=[answer.pk]), timeout=30)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["Cache-Control"] == "private, no-store"

    # An export made on the first node (the task runs in it: no broker) is an object too; the second serves it.
    manager = requests.Session()
    assert sign_in(manager, first, world["manager"].username, PASSWORD).status_code == 302
    asked = ask_learner_export(manager, first, world["district"])
    assert asked.status_code == 302, asked.text[:500]
    job = ExportJob.objects.get()
    assert f"private/{job.file.name}" in _keys(client, "private/")
    csv = manager.get(second.url + reverse("reports:download", args=[job.pk]), timeout=30)
    assert csv.status_code == 200 and world["learner"].get_full_name() in csv.content.decode("utf-8-sig")

    # Another learner asking either node for this learner's file still gets nothing.
    User.objects.filter(pk=outsider_learner.pk).update(password=User.objects.get(pk=world["learner"].pk).password)
    outsider = requests.Session()
    assert sign_in(outsider, second, outsider_learner.username, PASSWORD).status_code == 302
    assert outsider.get(second.url + reverse("assessments:answer_file", args=[answer.pk]),
                        timeout=30).status_code in (403, 404)

    # Nothing was written to either node's disk.
    assert [path for folder in local_folders for path in folder.rglob("*") if path.is_file()] == []

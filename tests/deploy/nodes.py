"""Application nodes as separate processes: gunicorn on a free port, over a given environment."""

import contextlib
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

# The marks of every test that starts nodes.
NODE_TEST_MARKS = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                       reason="several nodes need PostgreSQL: the SQLite test database is in this process's memory"),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + uuid.uuid4().hex.encode()


class Node:
    def __init__(self, port: int, env: dict, log_dir: Path):
        self.port, self.env = port, env
        self.url = f"http://127.0.0.1:{port}"
        self.log = log_dir / f"gunicorn-{port}.log"
        self.process = None

    def start(self, timeout=120):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "lms.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--threads", "4", "--timeout", "60"],
            cwd=ROOT, env=self.env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on {self.port} exited: {self.log.read_text()[-3000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + "/healthz", timeout=10).status_code == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn on {self.port} did not answer: {self.log.read_text()[-3000:]}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def node_env(**values) -> dict:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "CACHE_"))}
    return {**keep, **{k: str(v) for k, v in values.items()}}


def csrf_token(session: requests.Session) -> str:
    return session.cookies.get("csrftoken", "")


def form_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


def sign_in(session: requests.Session, node: Node, username: str, password: str) -> requests.Response:
    page = session.get(node.url + "/accounts/login/", timeout=30)
    return session.post(node.url + "/accounts/login/", timeout=30, allow_redirects=False, data={
        "username": username, "password": password, "csrfmiddlewaretoken": form_token(page.text)},
        headers={"Referer": node.url + "/accounts/login/"})


def send_file_answer(session: requests.Session, node: Node, question, attempt) -> requests.Response:
    """The learner's PDF answer to a file question, saved through `node`."""
    return session.post(node.url + reverse("assessments:save", args=[attempt.pk]), timeout=30,
                        data={"question": [question.pk], "csrfmiddlewaretoken": csrf_token(session)},
                        files={f"q{question.pk}": ("bai-lam.pdf", PDF, "application/pdf")},
                        headers={"Referer": node.url + "/"}, allow_redirects=False)


def ask_learner_export(session: requests.Session, node: Node, unit) -> requests.Response:
    """A manager's CSV export of the unit's learners, asked for through `node` (no broker: it runs there)."""
    return session.post(node.url + reverse("reports:unit_learner_export", args=[unit.pk]),
                        data={"format": "csv", "csrfmiddlewaretoken": csrf_token(session)},
                        headers={"Referer": node.url + "/"}, timeout=60, allow_redirects=False)

"""A private Redis server and real Celery workers for the broker tests (never the machine's shared Redis)."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from lms.celery import app

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """`redis-server` on its own port, in the foreground, so the test can stop and start it."""

    def __init__(self, port: int):
        self.port, self.process = port, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    return self
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def client(self):
        return redis.Redis(port=self.port)


def forget_celery_connections():
    """Forget pooled connections and the cached result backend, so the next use follows the new config."""
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
    # Only references are dropped: kombu keeps one pool per broker URL and may hand it out again.
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def using_broker(url: str):
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    forget_celery_connections()
    app.conf.update(broker_url=url, task_always_eager=False)
    try:
        yield
    finally:
        forget_celery_connections()
        app.conf.update(saved)


def database_url() -> str:
    """The URL of the test database this process uses (PostgreSQL only: workers are other processes)."""
    conf = connection.settings_dict
    return f"postgres://{conf['USER']}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


def start_worker(broker_url: str, *extra) -> subprocess.Popen:
    env = {**os.environ, "CELERY_BROKER_URL": broker_url, "CELERY_RESULT_BACKEND": "",
           "DJANGO_SETTINGS_MODULE": "lms.settings.dev", "DATABASE_URL": database_url(),
           "MEDIA_ROOT": str(settings.MEDIA_ROOT), "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
           "DATABASE_CONN_MAX_AGE": "0"}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "-Q", "celery,slow", "--without-heartbeat",
         "--without-gossip", "--without-mingle", "-l", "WARNING", *extra],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition, timeout=30.0, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False

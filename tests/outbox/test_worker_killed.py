"""A worker process killed mid-task (SIGKILL): the task runs again and its effect happens once.

Late acknowledgement plus reject-on-worker-lost put the message back; the rerun finds the certificate
ready and changes nothing. Needs PostgreSQL: the worker is another process and must see the test data.
"""

import os
import signal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from courses.models import Certificate, CertificateStatus
from notifications.models import Kind, Notification
from outbox import services as outbox

from ..certificates.builders import complete_program
from . import slow_tasks
from .helpers import RedisServer, free_port, start_worker, stop_worker, using_broker, wait_for


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_killed_worker_task_runs_again_and_its_effect_happens_once(learner, home_page, tmp_path,
                                                                    django_capture_on_commit_callbacks):
    if connection.vendor != "postgresql":
        pytest.skip("the worker is another process: it can reach only a PostgreSQL test database")
    _program, certificate = complete_program(learner, home_page, django_capture_on_commit_callbacks)
    certificate.pdf.delete(save=False)  # back to "being prepared", as if the task had not run yet
    Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.PREPARING, pdf="")
    Notification.objects.filter(kind=Kind.CERTIFICATE_READY).delete()

    server = RedisServer(free_port()).start()
    worker = start_worker(server.url, "--pool", "prefork", "--concurrency", "1", "-I", slow_tasks.__name__)
    try:
        with using_broker(server.url), transaction.atomic():
            outbox.enqueue("tests.render_then_stall", certificate.pk, str(tmp_path))
        assert wait_for(lambda: (tmp_path / "stalled").exists(), timeout=40)
        first_pid = int((tmp_path / "stalled").read_text())
        assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.READY  # effect committed
        os.kill(first_pid, signal.SIGKILL)
        assert wait_for(lambda: len((tmp_path / "runs").read_text().split()) == 2, timeout=30)
    finally:
        stop_worker(worker)
        server.stop()
    runs = [int(pid) for pid in (tmp_path / "runs").read_text().split()]
    assert runs[0] == first_pid and runs[1] != first_pid  # the message came back to a new pool process
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY
    assert Notification.objects.filter(user=learner, kind=Kind.CERTIFICATE_READY).count() == 1
    found = Path(settings.PRIVATE_MEDIA_ROOT, "certificates").rglob(f"{certificate.code}*.pdf")
    assert [str(path.relative_to(settings.PRIVATE_MEDIA_ROOT)) for path in found] == [certificate.pdf.name]

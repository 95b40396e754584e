"""Broker stopped: pages still answer, the task waits in the outbox, and is delivered once Redis is back.

The test runs its own redis-server on a free port, stops and restarts it; the machine's Redis is untouched.
"""

import json
import time

import pytest
from django.db import connection

from courses.models import Certificate, CertificateStatus
from outbox import services as outbox
from outbox.models import OutboxMessage

from ..courses.builders import make_course
from .helpers import start_worker, stop_worker, wait_for


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_broker_down_pages_answer_and_outbox_delivers_after(client, learner, home_page, broker):
    program, _first, _second, lessons, later = make_course(home_page, lessons_per_module=1)
    client.force_login(learner)
    client.post(f"/learning/programs/{program.pk}/enrol/")
    client.post(f"/learning/lessons/{lessons[0].pk}/complete/")
    broker.stop()

    started = time.monotonic()
    response = client.post(f"/learning/lessons/{later[0].pk}/complete/")  # completes the program
    assert response.status_code == 302 and time.monotonic() - started < 5
    certificate = Certificate.objects.get(user=learner, program=program)
    waiting = OutboxMessage.objects.get(task_name="courses.render_certificate")
    assert certificate.status == CertificateStatus.PREPARING and waiting.sent_at is None and waiting.last_error
    assert "đang được chuẩn bị" in client.get("/certificates/").content.decode()
    assert client.get(f"/verify/{certificate.code}/").status_code == 200
    assert outbox.relay() == 0  # still down: nothing lost, nothing marked sent

    broker.start()
    assert outbox.relay() >= 1
    waiting.refresh_from_db()
    assert waiting.sent_at is not None
    queued = [json.loads(raw) for raw in broker.client().lrange("slow", 0, -1)]
    assert [message["headers"]["id"] for message in queued] == [str(waiting.pk)]

    if connection.vendor != "postgresql":
        return  # a worker is another process: it can reach only a PostgreSQL test database
    worker = start_worker(broker.url)
    try:
        assert wait_for(lambda: Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.READY)
    finally:
        stop_worker(worker)

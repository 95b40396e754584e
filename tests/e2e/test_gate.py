"""The live server's gate: closing waits for a request already inside (it may still be writing), and refuses
the ones that come after, on a shared connection (SQLite) and on per-thread ones (PostgreSQL)."""

import threading
import time

import pytest

from .conftest import Gate


@pytest.mark.parametrize("shared", [True, False])
def test_closing_waits_for_the_request_inside_and_refuses_later_ones(shared):
    gate, started, finished, statuses = Gate(shared), threading.Event(), [], []
    gate.open()

    def slow_app(environ, start_response):
        started.set()
        time.sleep(0.3)
        finished.append(time.monotonic())
        start_response("200 OK", [])
        return [b"ok"]

    inside = threading.Thread(target=gate.serve, args=(slow_app, {}, lambda status, headers: statuses.append(status)))
    inside.start()
    started.wait(5)
    gate.close()
    closed_at = time.monotonic()
    assert finished and finished[0] <= closed_at  # the flush would start only now
    assert gate.serve(slow_app, {}, lambda status, headers: statuses.append(status)) == [b"between tests"]
    inside.join(5)
    assert statuses == ["200 OK", "503 Service Unavailable"]

import pytest

from ..outbox.helpers import RedisServer, forget_celery_connections, free_port, using_broker


@pytest.fixture(autouse=True)
def _fresh_celery_state():
    """Celery caches its result backend and pools on first use; later tests configure their own."""
    yield
    forget_celery_connections()


@pytest.fixture(autouse=True)
def _no_wake_up_due():
    """A recount wake-up is per process and lasts a window: each test starts with none due."""
    from reports import receivers

    receivers._Wake.due = 0.0


@pytest.fixture
def broker():
    """A redis-server of the test's own on a free port, as the Celery broker (the machine's Redis is untouched)."""
    server = RedisServer(free_port()).start()
    try:
        with using_broker(server.url):
            yield server
    finally:
        server.stop()

import pytest

from ..outbox.helpers import forget_celery_connections


@pytest.fixture(autouse=True)
def _fresh_celery_state():
    """Celery caches its result backend and pools on first use; later tests configure their own."""
    yield
    forget_celery_connections()

from celery import shared_task

from . import services as outbox


@shared_task(name="outbox.relay")
def relay() -> int:
    """Periodic: publish outbox rows that were not published on commit (broker down, process died)."""
    return outbox.relay()


@shared_task(name="outbox.purge_sent")
def purge_sent() -> int:
    """Daily: forget rows published more than a week ago."""
    return outbox.purge_sent()

from celery import shared_task


@shared_task(name="lms.health")
def health(token: str) -> str:
    """Echo a token back: proves that a worker picks up work from the broker."""
    return f"ok:{token}"

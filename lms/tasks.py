from celery import shared_task
from django.utils import timezone


@shared_task(name="lms.health")
def health(token: str) -> str:
    """Echo a token back: proves that a worker picks up work from the broker."""
    return f"ok:{token}"


@shared_task(name="lms.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete the sessions past their expiry date (Django's `clearsessions`, daily from beat): nobody can use
    them any more, and the session table is read on every signed-in request."""
    from .models import Session

    deleted, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted

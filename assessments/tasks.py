from celery import shared_task

from . import services


@shared_task(name="assessments.close_overdue_attempts")
def close_overdue_attempts() -> int:
    """Periodic (every minute): submit attempts past their deadline with what was saved."""
    return services.close_overdue_attempts()

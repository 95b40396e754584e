from celery import shared_task

from . import services


@shared_task(name="courses.refresh_completion_after_attempt")
def refresh_completion_after_attempt(attempt_id: int) -> None:
    """Sent through the outbox when an attempt is graded; recomputing from the records makes a repeat harmless."""
    services.refresh_completion_after_attempt(attempt_id)


@shared_task(name="courses.repair_completions")
def repair_completions() -> int:
    """Record module and program completions the learning records show but no row holds; returns how many."""
    return services.repair_completions().count

from celery import shared_task

from . import services


@shared_task(name="assessments.close_overdue_attempts")
def close_overdue_attempts() -> int:
    """Periodic (every minute): submit attempts past their deadline with what was saved."""
    return services.close_overdue_attempts()


@shared_task(name="assessments.analyse_items")
def analyse_items(quiz_id: int, unit_id: int | None) -> int:
    """Item analysis of one quiz over one unit's graded attempts (idempotent: recomputes and replaces)."""
    from . import item_analysis

    return item_analysis.analyse(quiz_id, unit_id).attempts

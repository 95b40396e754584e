from celery import shared_task

from . import services


@shared_task(name="reports.rebuild_summaries")
def rebuild_summaries() -> int:
    """Periodic (daily): recompute the summaries from the source records; returns rows repaired."""
    drift = services.rebuild_summaries()
    return drift.count


@shared_task(name="reports.refresh_learners")
def refresh_learners(user_ids: list[int], program_ids: list[int] | None = None) -> int:
    """Sent through the outbox by the receivers, which also marked these learners in PendingRecount: the
    task recounts every pending learner, so a backlog of messages is recounted in one batch and the later
    messages find nothing to do (the arguments say what the message asked for; the rows are the work).
    Recounting from the source makes a repeat harmless."""
    return services.recount_pending()


@shared_task(name="reports.check_summary_drift")
def check_summary_drift() -> int:
    """Periodic (hourly): log a warning when the summaries differ from the source records."""
    drift = services.check_summary_drift()
    return drift.count


@shared_task(name="reports.run_export")
def run_export(job_id: int) -> None:
    services.run_export(job_id)


@shared_task(name="reports.cleanup_expired_exports")
def cleanup_expired_exports() -> int:
    return services.cleanup_expired_exports()

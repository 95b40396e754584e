from celery import shared_task

from . import services


@shared_task(name="reports.rebuild_summaries")
def rebuild_summaries() -> int:
    """Periodic (daily): recompute the summaries from the source records; returns rows repaired."""
    drift = services.rebuild_summaries()
    return drift.count


@shared_task(name="reports.refresh_learners")
def refresh_learners(user_ids: list[int], program_ids: list[int] | None = None) -> None:
    """Sent through the outbox by the receivers; recounting from the source makes a repeat harmless."""
    services.refresh_learners(user_ids, program_ids)


@shared_task(name="reports.check_summary_drift")
def check_summary_drift() -> int:
    """Periodic (hourly): log a warning when the summaries differ from the source records."""
    drift = services.check_summary_drift()
    return drift.count


@shared_task(name="reports.run_export")
def run_export(job_id: int) -> None:
    """Sent through the outbox by start_export; a redelivery takes over a run whose worker died."""
    services.run_export(job_id)


@shared_task(name="reports.recover_stuck_exports")
def recover_stuck_exports() -> int:
    """Periodic (5 min): send again the exports that stopped moving; give up after a few runs."""
    return services.recover_stuck_exports()


@shared_task(name="reports.cleanup_expired_exports")
def cleanup_expired_exports() -> int:
    """Periodic (hourly): delete exports past EXPORT_TTL_HOURS, their files and orphan files."""
    return services.cleanup_expired_exports()

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="reports.rebuild_summaries")
def rebuild_summaries() -> int:
    """Periodic (daily): repair lost completions, then recompute the summaries from the source records;
    returns rows repaired."""
    repaired = repair_completions()
    drift = services.rebuild_summaries()
    return drift.count + repaired.count


def repair_completions(dry_run: bool = False):
    """Completions first: the summaries count them (a lost completion is otherwise a silent, consistent
    zero in every figure)."""
    from courses.services import repair_completions as repair

    return repair(dry_run=dry_run)


@shared_task(name="reports.refresh_learners")
def refresh_learners(user_ids: list[int], program_ids: list[int] | None = None) -> int:
    """Sent through the outbox by the receivers when no broker is in use (it then runs on commit), which also
    marked these learners in PendingRecount: the task recounts every pending learner (the arguments say what
    the message asked for; the rows are the work). Recounting from the source makes a repeat harmless."""
    return recount_pending()


@shared_task(name="reports.recount_pending")
def recount_pending() -> int:
    """Recount every learner waiting in PendingRecount, batch after batch; returns the rows taken. The
    wake-up the receivers send with a broker, and the periodic sweep."""
    taken = 0
    while batch := services.recount_pending():
        taken += batch
        if batch < services.PENDING_BATCH:
            break
    return taken


@shared_task(name="reports.refresh_registrations")
def refresh_registrations(commune_ids: list[int]) -> None:
    """Sent through the outbox when learners registered, moved or left: recounts the registered learners of
    every unit above these communes (idempotent: a count from the profiles)."""
    services.refresh_registrations(commune_ids)


@shared_task(name="reports.check_summary_drift")
def check_summary_drift() -> int:
    """Periodic (hourly): log a warning when the summaries differ from the source records."""
    drift = services.check_summary_drift()
    return drift.count + _check_completions()


def _check_completions() -> int:
    missing = repair_completions(dry_run=True)
    if missing.found:
        logger.warning("completions missing: %s", missing.summary())
    return missing.count


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

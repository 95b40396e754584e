"""Keep the report summaries current: every receiver asks for a recount of the touched learners.

Recounts are tasks sent through the outbox: the message is written in the transaction of the change, so
it is lost only if the change is, and with a broker the learner's request returns before the recount runs
(submit was the slowest page under load because of it). Without a broker the task runs at once on commit.

Each kind of recount is one message per transaction however many changes it holds
(`outbox.services.enqueue_batched`): an import of hundreds of learners sends one learner recount and one
registration recount.

The receivers listen to domain signals only (courses, assessments, certificates, accounts.signals,
localities.signals), which the services send; no receiver hooks another app's model saves.

A failed task is logged by the outbox and tried again by its relay; the periodic rebuild repairs the
summaries from the source records and the drift check reports that it had to.
"""

import logging
import threading
import time

from celery import current_app
from django.db import transaction

from outbox import services as outbox

logger = logging.getLogger(__name__)

REFRESH_LEARNERS_TASK = "reports.refresh_learners"
REFRESH_REGISTRATIONS_TASK = "reports.refresh_registrations"
REBUILD_TASK = "reports.rebuild_summaries"
# With a broker, a process sends at most one recount wake-up per window, due at the window's end: every
# learner it marked meanwhile is recounted by that one task (load test: one message per progress report
# kept the worker hundreds of messages behind).
WAKE_WINDOW_SECONDS = 2.0


def _refresh_on_commit(user_ids, program_ids=None) -> None:
    """Recount these learners (in these programs; None: all of theirs) once the transaction commits. They
    are marked in PendingRecount, in the transaction: the rows are the work, so nothing is lost with them.

    With a broker the commit only makes sure a recount is due (`_wake_recount`). Without one (embedded,
    tests) the transaction's one outbox message runs the recount eagerly on commit."""
    from .services import mark_for_recount

    mark_for_recount(user_ids, program_ids)
    if not current_app.conf.task_always_eager:
        transaction.on_commit(_wake_recount)
        return
    programs = None if program_ids is None else sorted(set(program_ids))
    outbox.enqueue_batched(REFRESH_LEARNERS_TASK, [sorted(set(user_ids)), programs], _merge_learners)


class _Wake:
    """When this process's last wake-up is due: a commit before then is covered by it."""

    lock = threading.Lock()
    due = 0.0


def _wake_recount() -> None:
    """Send `reports.recount_pending` to run at the end of a window, unless one sent earlier is still to run.

    The message goes straight to the broker, not through the outbox: it carries no work (the committed
    PendingRecount rows do), so if it is lost, or the broker is down, the periodic sweep (the same task,
    every RECOUNT_SWEEP_SECONDS) recounts those learners."""
    from .tasks import recount_pending

    with _Wake.lock:
        now = time.monotonic()
        if now < _Wake.due:
            return
        _Wake.due = now + WAKE_WINDOW_SECONDS
    try:
        recount_pending.apply_async(countdown=WAKE_WINDOW_SECONDS, retry=False)
    except Exception as error:  # noqa: BLE001 - the sweep recounts; a request never fails on this
        logger.warning("reports: recount wake-up not sent (%r); the periodic sweep will recount", error)


def _merge_learners(old: list, new: list) -> list:
    (old_users, old_programs), (new_users, new_programs) = old, new
    programs = None if old_programs is None or new_programs is None else sorted({*old_programs, *new_programs})
    return [sorted({*old_users, *new_users}), programs]


def _refresh_registrations_on_commit(commune_ids) -> None:
    communes = sorted({pk for pk in commune_ids if pk})
    if communes:
        outbox.enqueue_batched(REFRESH_REGISTRATIONS_TASK, [communes], _merge_communes)


def _merge_communes(old: list, new: list) -> list:
    return [sorted({*old[0], *new[0]})]


def on_progress_changed(sender, user_id, program_id, **kwargs):
    _refresh_on_commit([user_id], [program_id])


def on_program_completed(sender, user_id, program_id, **kwargs):
    _refresh_on_commit([user_id], [program_id])


def on_enrolment_changed(sender, user_ids, program_id, **kwargs):
    _refresh_on_commit(user_ids, [program_id])


def on_attempt_graded(sender, attempt, **kwargs):
    """A final quiz's grade changes passed and best score; any quiz counts as activity."""
    _refresh_on_commit([attempt.user_id])


def on_certificate_changed(sender, certificate, **kwargs):
    """Ready or revoked: "certificates issued" counts only valid ones."""
    _refresh_on_commit([certificate.user_id], [certificate.program_id])


def on_learners_changed(sender, user_ids, commune_ids, **kwargs):
    """Registered, moved, regrouped or removed (accounts.signals): the target group and the commune are read
    from the profile, so their rows are recounted, and the registrations of every commune they left or joined."""
    _refresh_on_commit(user_ids)
    _refresh_registrations_on_commit(commune_ids)


def on_map_changed(sender, **kwargs):
    """A new map regroups records onto other units today (`TodayPath`, the regrouped rows) and moves the
    stints of learners moved by a reform: the summaries are rebuilt once the load commits (only the rows
    that differ are written), through the outbox so that a load with a broker does not wait for it.
    Sent only when a unit's ground changed (localities.grounds.refresh_grounds)."""
    outbox.enqueue_batched(REBUILD_TASK, [], lambda old, new: old)

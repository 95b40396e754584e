"""Keep the report summaries current: every receiver recounts the touched learners after commit.

Learners are recounted by a task sent through the outbox: the message is written in the transaction
of the change, so it is lost only if the change is, and with a broker the learner's request returns
before the recount runs (submit was the slowest page under load because of it). Without a broker the
task runs at once on commit, as before. Registrations are recounted in the process, once per
transaction: they change on sign-up and imports, not on the learning pages.

A failed refresh is logged, never raised into the learner's request: the outbox tries a failed task
again, the periodic rebuild repairs the summaries from the source records and the drift check reports
that it had to.
"""

import logging
import threading

from django.db import connection, transaction

from lms import outbox

logger = logging.getLogger(__name__)


REFRESH_LEARNERS_TASK = "reports.refresh_learners"


def _refresh_on_commit(user_ids, program_ids=None) -> None:
    outbox.enqueue(REFRESH_LEARNERS_TASK, sorted(set(user_ids)), sorted(program_ids) if program_ids else None)


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


def on_profile_saving(sender, instance, **kwargs):
    """Remember the commune the profile is leaving: its units lose a registered learner."""
    instance._reports_old_commune_id = (
        sender.objects.filter(pk=instance.pk).values_list("commune_id", flat=True).first() if instance.pk else None)


def on_profile_saved(sender, instance, **kwargs):
    """The target group is read from the profile: a change regroups the learner's rows and registrations."""
    _refresh_on_commit([instance.user_id])
    _refresh_registrations_on_commit({instance.commune_id, getattr(instance, "_reports_old_commune_id", None)})


def on_profile_deleted(sender, instance, **kwargs):
    _refresh_registrations_on_commit({instance.commune_id})


class _RegistrationBatch:
    """The communes whose registrations a transaction changed, recounted once when it commits."""

    def __init__(self):
        self.communes: set[int] = set()
        self.done = False

    def flush(self) -> None:
        from .services import refresh_registrations

        self.done = True
        try:
            refresh_registrations(self.communes)
        except Exception:  # noqa: BLE001 - see the module docstring
            logger.exception("registration summary refresh failed for communes %s", sorted(self.communes)[:10])

    @property
    def queued(self) -> bool:
        # Django keeps the callbacks of the open transaction in run_on_commit; a rolled-back transaction
        # drops its batch's callback, and the next save starts a new batch.
        return not self.done and any(entry[1] == self.flush for entry in connection.run_on_commit)


_batches = threading.local()


def _refresh_registrations_on_commit(commune_ids) -> None:
    """One recount per transaction, however many profiles it saves (an import saves hundreds)."""
    communes = {pk for pk in commune_ids if pk}
    batch = getattr(_batches, "current", None)
    if batch is not None and batch.queued:
        batch.communes |= communes
        return
    batch = _batches.current = _RegistrationBatch()
    batch.communes |= communes
    transaction.on_commit(batch.flush)  # outside a transaction this runs at once

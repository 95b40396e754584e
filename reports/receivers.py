"""Keep the report summaries current: every receiver asks for a recount of the touched learners.

Learners are recounted by a task sent through the outbox: the message is written in the transaction
of the change, so it is lost only if the change is, and with a broker the learner's request returns
before the recount runs (submit was the slowest page under load because of it). Without a broker the
task runs at once on commit. Registrations are recounted in the process after commit: they change on
sign-up and imports, not on the learning pages.

Both are asked for once per transaction, however many changes it holds (an import of hundreds of
learners sends one recount message and recounts registrations once).

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
    """Recount these learners (in these programs; None: all of theirs) once the transaction commits."""
    _batch(_LearnerRecount).add(user_ids, program_ids)


def _refresh_registrations_on_commit(commune_ids) -> None:
    _batch(_RegistrationRecount).add(commune_ids)


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
    _refresh_registrations_on_commit({instance.commune_id, getattr(instance, "_reports_old_commune_id", None),
                                      instance.commune_before_reform_id})


def on_profile_deleted(sender, instance, **kwargs):
    _refresh_registrations_on_commit({instance.commune_id, instance.commune_before_reform_id})


REBUILD_TASK = "reports.rebuild_summaries"


def on_map_changed(sender, **kwargs):
    """A new map regroups records onto other units today (`TodayPath`, the regrouped rows) and moves the
    stints of learners moved by a reform: the summaries are rebuilt once the load commits (only the rows
    that differ are written), through the outbox so that a load with a broker does not wait for it.
    Sent only when a unit's ground changed (localities.grounds.refresh_grounds)."""
    _batch(_MapRebuild).add()


class _TransactionBatch:
    """What one transaction asks for, gathered to be done once. The batch is open while its marker is
    still waiting among the connection's on-commit callbacks: a commit runs them (the batch is then
    done), a rollback drops them, and either way the next change starts a new batch."""

    def __init__(self):
        self.closed = False

    def close(self) -> None:
        self.closed = True

    @property
    def is_open(self) -> bool:
        return not self.closed and any(entry[1] == self.close for entry in connection.run_on_commit)

    def open_on_commit(self) -> None:
        transaction.on_commit(self.close)  # outside a transaction this runs at once: one change, one batch


class _LearnerRecount(_TransactionBatch):
    """One outbox message per transaction: its arguments grow with every learner the transaction touches.
    The learners are also marked in PendingRecount, which is what the task recounts (in batches)."""

    def __init__(self):
        super().__init__()
        self.users: set[int] = set()
        self.programs: set[int] | None = set()  # None: all their programs
        self.message = None

    def add(self, user_ids, program_ids) -> None:
        from .services import mark_for_recount

        mark_for_recount(user_ids, program_ids)
        self.users |= set(user_ids)
        self.programs = None if program_ids is None or self.programs is None else self.programs | set(program_ids)
        args = (sorted(self.users), None if self.programs is None else sorted(self.programs))
        if self.message is None:
            self.message = outbox.enqueue(REFRESH_LEARNERS_TASK, *args)
            self.open_on_commit()
        else:
            outbox.amend(self.message, *args)


class _RegistrationRecount(_TransactionBatch):
    """The communes whose registrations a transaction changed, recounted once when it commits."""

    def __init__(self):
        super().__init__()
        self.communes: set[int] = set()
        self.queued = False

    def add(self, commune_ids) -> None:
        self.communes |= {pk for pk in commune_ids if pk}
        if not self.queued:
            self.queued = True
            transaction.on_commit(self.flush)
            self.open_on_commit()

    def flush(self) -> None:
        from .services import refresh_registrations

        try:
            refresh_registrations(self.communes)
        except Exception:  # noqa: BLE001 - see the module docstring
            logger.exception("registration summary refresh failed for communes %s", sorted(self.communes)[:10])


class _MapRebuild(_TransactionBatch):
    """One rebuild per transaction, however many lists and reform files it loads."""

    def __init__(self):
        super().__init__()
        self.queued = False

    def add(self) -> None:
        if not self.queued:
            self.queued = True
            outbox.enqueue(REBUILD_TASK)
            self.open_on_commit()


_batches = threading.local()


def _batch(kind):
    """The open batch of this kind in the current transaction, or a new one."""
    batch = getattr(_batches, kind.__name__, None)
    if batch is None or not batch.is_open:
        batch = kind()
        setattr(_batches, kind.__name__, batch)
    return batch

"""Keep the report summaries current: every receiver recounts the touched learners on commit.

A failed refresh is logged, never raised into the learner's request: the periodic rebuild repairs
the summaries from the source records and the drift check reports that it had to.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def _refresh_on_commit(user_ids, program_ids=None) -> None:
    user_ids = list(user_ids)

    def refresh():
        from .services import refresh_learners

        try:
            refresh_learners(user_ids, program_ids)
        except Exception:  # noqa: BLE001 - see the module docstring
            logger.exception("report summary refresh failed for users %s", user_ids[:10])

    transaction.on_commit(refresh)


def on_progress_changed(sender, user_id, program_id, **kwargs):
    _refresh_on_commit([user_id], [program_id])


def on_program_completed(sender, user_id, program_id, **kwargs):
    _refresh_on_commit([user_id], [program_id])


def on_enrolment_changed(sender, user_ids, program_id, **kwargs):
    _refresh_on_commit(user_ids, [program_id])


def on_attempt_graded(sender, attempt, **kwargs):
    """A final quiz's grade changes passed and best score; any quiz counts as activity."""
    _refresh_on_commit([attempt.user_id])


def on_certificate_ready(sender, certificate, **kwargs):
    _refresh_on_commit([certificate.user_id], [certificate.program_id])


def on_profile_saved(sender, instance, **kwargs):
    """The target group is read from the profile: a change regroups the learner's rows."""
    _refresh_on_commit([instance.user_id])

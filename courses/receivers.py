from django.db import transaction


def on_attempt_graded(sender, attempt, **kwargs):
    """A graded quiz may complete a module or program: recompute after the grade is committed."""
    from .services import refresh_after_attempt

    user_id, quiz_id = attempt.user_id, attempt.quiz_id
    transaction.on_commit(lambda: refresh_after_attempt(user_id, quiz_id))

from outbox import services as outbox

REFRESH_AFTER_ATTEMPT_TASK = "courses.refresh_completion_after_attempt"


def on_grade_recorded(sender, attempt_id, **kwargs):
    """A graded quiz may complete a module or program. Recorded in the grading transaction through the
    outbox: the recount is lost only if the grade is, and a failed run is tried again by the relay."""
    outbox.enqueue(REFRESH_AFTER_ATTEMPT_TASK, attempt_id)

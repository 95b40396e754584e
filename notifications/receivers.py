def on_enrolment_changed(sender, user_ids, program_id, **kwargs):
    """Sent after commit for self, bulk and class enrolments (and unenrolments, which find nothing to tell)."""
    from .services import notify_enrolments

    notify_enrolments(user_ids, program_id)


def on_certificate_ready(sender, certificate, **kwargs):
    from .services import notify_certificate_ready

    notify_certificate_ready(certificate)


def on_attempt_graded(sender, attempt, **kwargs):
    """Sent after the grade's commit; only attempts a trainer marked by hand get a notification."""
    from .services import notify_essay_marked

    notify_essay_marked(attempt)

from django.db import transaction


def issue_on_completion(sender, user_id, program_id, **kwargs):
    """program_completed arrives after its commit; issuing writes the certificate and its outbox row."""
    from .services import issue_for_completion

    with transaction.atomic():
        issue_for_completion(user_id, program_id)

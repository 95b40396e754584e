from celery import shared_task

from . import services

MAIL_ERRORS = (OSError,)  # smtplib.SMTPException is an OSError


@shared_task(name="notifications.send_email", autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=8)
def send_email(notification_id: int) -> bool:
    return services.send_email(notification_id)


@shared_task(name="notifications.send_reminders")
def send_reminders() -> int:
    """Periodic: remind learners idle for NOTIFICATIONS_REMINDER_DAYS days, at most once a week."""
    return services.send_reminders()


@shared_task(name="notifications.send_class_invitations")
def send_class_invitations() -> int:
    """Periodic: tell learners newly put on a training class's list."""
    return services.send_class_invitations()

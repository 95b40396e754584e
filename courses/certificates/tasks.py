from celery import shared_task

from . import services


@shared_task(name="courses.render_certificate", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_certificate(certificate_id: int) -> bool:
    """Draw the PDF of a certificate being prepared; a repeated delivery finds it ready and does nothing."""
    return services.render_certificate(certificate_id)


@shared_task(name="courses.requeue_stuck_certificates")
def requeue_stuck_certificates() -> int:
    """Periodic (10 min): queue again the renders of certificates that stayed "preparing" too long."""
    return services.requeue_stuck_renders()

from celery import shared_task

from . import services


@shared_task(name="courses.render_certificate", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_certificate(certificate_id: int) -> bool:
    """Draw the PDF of a certificate being prepared; a repeated delivery finds it ready and does nothing."""
    return services.render_certificate(certificate_id)

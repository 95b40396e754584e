"""Certificate PDFs are private files: private storage, a name the printed code does not lead to, served
only to the learner and to managers whose scope covers them. Rendering leaves no PDF without its row, and
a render that stayed stuck is queued again."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone
from django.views.static import serve

from courses.certificates import services
from courses.certificates.signals import certificate_ready
from courses.models import Certificate, CertificateStatus
from lms.storage import private_storage
from outbox.models import OutboxMessage
from tests.conftest import make_learner, run_together

from .builders import complete_program


def pdf_files(code: str) -> list[str]:
    """Every file named after the certificate, under the public AND the private root."""
    found = []
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        found += [str(path) for path in Path(root, "certificates").rglob(f"{code}*.pdf")]
    return found


@pytest.fixture
def certificate(learner, home_page, django_capture_on_commit_callbacks):
    return complete_program(learner, home_page, django_capture_on_commit_callbacks)[1]


def as_preparing(certificate, queued_minutes_ago=0):
    private_storage().delete(certificate.pdf.name)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=CertificateStatus.PREPARING, pdf="",
        render_queued_at=timezone.now() - datetime.timedelta(minutes=queued_minutes_ago))


@pytest.mark.django_db
def test_pdf_is_in_private_storage_under_an_unguessable_name(certificate):
    name = certificate.pdf.name
    assert certificate.status == CertificateStatus.READY
    assert private_storage().exists(name) and not default_storage.exists(name)
    assert not default_storage.exists(f"certificates/{certificate.code}.pdf")  # the old, printed-code path
    folder, token, _file = name.split("/")
    assert folder == "certificates" and len(token) == 32 and certificate.code not in token
    path = os.path.realpath(private_storage().path(name))
    assert not path.startswith(os.path.realpath(settings.MEDIA_ROOT) + os.sep)
    for public_name in (name, f"certificates/{certificate.code}.pdf"):
        with pytest.raises(Http404):  # what /media/ (nginx, or the development server) would answer
            serve(RequestFactory().get(f"/media/{public_name}"), public_name, document_root=settings.MEDIA_ROOT)


@pytest.mark.django_db
def test_download_only_for_the_learner_and_managers_in_scope(client, certificate, learner, district_manager,
                                                            province_manager, outsider_manager,
                                                            outsider_learner, commune):
    url = f"/certificates/{certificate.pk}/download/"
    assert client.get(url).status_code == 404  # anonymous
    neighbour = make_learner(commune, phone="0987000078", full_name="Cùng Xã")
    for user in (outsider_learner, neighbour, outsider_manager):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    for user in (learner, district_manager, province_manager):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Cache-Control"] == "private, no-store"
        assert f'filename="{certificate.code}.pdf"' in response["Content-Disposition"]


@pytest.mark.django_db
def test_public_verification_works_without_exposing_the_pdf(client, certificate):
    response = client.get(f"/verify/{certificate.code}/")
    page = response.content.decode()
    assert response.status_code == 200 and certificate.learner_name in page
    assert certificate.pdf.name not in page and "/download/" not in page and ".pdf" not in page


@pytest.mark.django_db
def test_a_rolled_back_render_leaves_no_pdf(certificate):
    as_preparing(certificate)
    assert pdf_files(certificate.code) == []

    def broken(sender, certificate, **kwargs):
        raise RuntimeError("receiver failed")

    certificate_ready.connect(broken, dispatch_uid="test-broken-receiver")
    try:
        with pytest.raises(RuntimeError):
            services.render_certificate(certificate.pk)
    finally:
        certificate_ready.disconnect(dispatch_uid="test-broken-receiver")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.PREPARING and not certificate.pdf
    assert pdf_files(certificate.code) == []  # the file went with its transaction
    assert services.render_certificate(certificate.pk) is True  # the retry renders it
    assert len(pdf_files(certificate.code)) == 1


@pytest.mark.django_db
def test_stuck_render_is_queued_again_once(certificate, django_capture_on_commit_callbacks):
    as_preparing(certificate, queued_minutes_ago=45)  # its task failed for good (not an OSError)
    OutboxMessage.objects.all().delete()
    fresh = Certificate.objects.filter(pk=certificate.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_stuck_renders() == 1  # the outbox publishes; without a broker it runs now
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY and private_storage().exists(certificate.pdf.name)
    as_preparing(certificate, queued_minutes_ago=5)  # queued recently: still waiting its turn, left alone
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_stuck_renders() == 0
    assert fresh.get().status == CertificateStatus.PREPARING
    assert OutboxMessage.objects.filter(task_name=services.RENDER_TASK).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_renders_keep_one_pdf(learner, home_page, django_capture_on_commit_callbacks):
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL (SQLite serialises the whole database)")
    _program, certificate = complete_program(learner, home_page, django_capture_on_commit_callbacks)
    as_preparing(certificate)
    results, errors = run_together(lambda: services.render_certificate(certificate.pk))
    assert errors == [] and sorted(results) == [False, False, False, True]
    certificate.refresh_from_db()
    assert pdf_files(certificate.code) == [str(Path(settings.PRIVATE_MEDIA_ROOT, certificate.pdf.name))]

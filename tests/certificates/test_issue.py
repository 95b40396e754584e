"""Completing a program issues one certificate; its PDF is drawn by a task after commit."""


import pytest
from django.db import connection

from content.models import OrganiserSettings
from courses.certificates import services
from courses.models import Certificate, CertificateAction, CertificateStatus, ProgramCompletion
from notifications.models import Kind, Notification
from outbox.models import OutboxMessage
from tests.conftest import run_together

from .builders import complete_program


@pytest.mark.django_db
def test_completion_issues_a_ready_certificate_with_site_settings(learner, home_page,
                                                                django_capture_on_commit_callbacks):
    organiser = OrganiserSettings.for_site(home_page.get_site())
    organiser.organiser_name, organiser.signer_name, organiser.signer_title = (
        "Sở Văn hóa, Thể thao và Du lịch tỉnh Bắc Giang", "Nguyễn Văn Ký", "Giám đốc")
    organiser.save()
    program, certificate = complete_program(learner, home_page, django_capture_on_commit_callbacks)
    assert certificate.status == CertificateStatus.READY and certificate.pdf.name.endswith(".pdf")
    assert certificate.learner_name == "Học Viên Một" and certificate.hours == program.nominal_hours
    assert certificate.organiser_name.startswith("Sở Văn hóa") and certificate.signer_name == "Nguyễn Văn Ký"
    commune = learner.learner_profile.commune
    assert (certificate.commune_name, certificate.district_name) == (commune.name, commune.parent.name)
    assert certificate.completed_at == ProgramCompletion.objects.get(user=learner).completed_at
    assert list(certificate.events.values_list("action", flat=True)) == [CertificateAction.ISSUED]
    assert Notification.objects.filter(user=learner, kind=Kind.CERTIFICATE_READY).count() == 1
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_learner_sees_preparing_then_download(client, learner, home_page, django_capture_on_commit_callbacks):
    _program, certificate = complete_program(learner, home_page, django_capture_on_commit_callbacks)
    client.force_login(learner)
    Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.PREPARING, pdf="")
    page = client.get("/certificates/").content.decode()
    assert "đang được chuẩn bị" in page and f"/certificates/{certificate.pk}/download/" not in page
    assert services.render_certificate(certificate.pk) is True
    page = client.get("/certificates/").content.decode()
    assert f"/certificates/{certificate.pk}/download/" in page
    response = client.get(f"/certificates/{certificate.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_issuing_and_rendering_again_change_nothing(learner, home_page, django_capture_on_commit_callbacks):
    program, certificate = complete_program(learner, home_page, django_capture_on_commit_callbacks)
    assert services.issue_for_completion(learner.pk, program.pk) == certificate
    assert services.render_certificate(certificate.pk) is False  # a re-delivered task
    assert Certificate.objects.count() == 1
    assert Notification.objects.filter(kind=Kind.CERTIFICATE_READY).count() == 1


@pytest.mark.django_db
def test_no_certificate_without_completion(learner, home_page):
    from ..courses.builders import make_course

    program, *_ = make_course(home_page)
    assert services.issue_for_completion(learner.pk, program.pk) is None
    assert not Certificate.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_parallel_issue_creates_one_certificate(learner, home_page, django_capture_on_commit_callbacks):
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL (SQLite serialises the whole database)")
    program, certificate = complete_program(learner, home_page, django_capture_on_commit_callbacks)
    # Revoke the first so the next issue is not short-circuited by it, then race four issuers.
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=certificate.issued_at, status="revoked")
    results, errors = run_together(lambda: services.issue_for_completion(learner.pk, program.pk).pk)
    assert errors == []
    active = Certificate.objects.filter(user=learner, program=program, revoked_at__isnull=True)
    assert active.count() == 1 and set(results) == {active.get().pk}

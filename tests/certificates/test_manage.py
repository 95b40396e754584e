"""Managers list certificates of their area, revoke with a reason and re-issue; outsiders see nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.certificates import selectors, services
from courses.certificates.exceptions import CertificateError
from courses.models import Certificate, CertificateAction, CertificateEvent, CertificateStatus

from ..conftest import make_learner
from .builders import complete_program


@pytest.fixture
def certificate(learner, home_page, django_capture_on_commit_callbacks):
    return complete_program(learner, home_page, django_capture_on_commit_callbacks)[1]


@pytest.mark.django_db
def test_manager_lists_own_area_only(client, certificate, district_manager, outsider_manager):
    client.force_login(district_manager)
    assert certificate.code in client.get("/certificates/manage/").content.decode()
    client.force_login(outsider_manager)
    response = client.get("/certificates/manage/")
    assert response.status_code == 200 and certificate.code not in response.content.decode()


@pytest.mark.django_db
def test_learner_cannot_open_manager_pages(client, certificate, learner):
    client.force_login(learner)
    assert client.get("/certificates/manage/").status_code == 403
    assert client.get(f"/certificates/manage/{certificate.pk}/").status_code == 403


@pytest.mark.django_db
def test_revoke_with_reason_is_audited(client, certificate, district_manager, django_capture_on_commit_callbacks):
    client.force_login(district_manager)
    url = f"/certificates/manage/{certificate.pk}/revoke/"
    assert client.get(url).status_code == 405
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "Hãy ghi lý do" in response.content.decode()
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is None
    client.post(url, {"reason": "Trùng hồ sơ"})
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED and certificate.revoked_reason == "Trùng hồ sơ"
    event = certificate.events.get(action=CertificateAction.REVOKED)
    assert event.actor == district_manager and event.reason == "Trùng hồ sơ"
    with pytest.raises(CertificateError):
        services.revoke(district_manager, certificate, "lần nữa")


@pytest.mark.django_db
def test_outsider_cannot_revoke_reissue_or_download(client, certificate, outsider_manager, outsider_learner):
    client.force_login(outsider_manager)
    base = f"/certificates/manage/{certificate.pk}/"
    assert client.get(base).status_code == 403
    assert client.post(base + "revoke/", {"reason": "x"}).status_code == 403
    assert client.post(base + "reissue/", {"reason": "x"}).status_code == 403
    # A private file: 404 for anyone who may not have it, so an id confirms nothing (issue #14).
    assert client.get(f"/certificates/{certificate.pk}/download/").status_code == 404
    client.force_login(outsider_learner)
    assert client.get(f"/certificates/{certificate.pk}/download/").status_code == 404
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and Certificate.objects.count() == 1
    assert CertificateEvent.objects.count() == 1


@pytest.mark.django_db
def test_reissue_keeps_the_code_history(client, certificate, district_manager, learner,
                                        django_capture_on_commit_callbacks):
    learner.full_name = "Học Viên Một Sửa Tên"
    learner.save()
    client.force_login(district_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/certificates/manage/{certificate.pk}/reissue/", {"reason": "Sửa họ tên"})
    new = Certificate.objects.get(replaces=certificate)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED and new.code != certificate.code
    assert new.status == CertificateStatus.READY and new.learner_name == "Học Viên Một Sửa Tên"
    assert new.events.get().action == CertificateAction.REISSUED
    old_page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "đã bị thu hồi" in old_page and new.code in old_page
    with pytest.raises(CertificateError):
        services.reissue(district_manager, certificate, "lần nữa")


@pytest.mark.django_db
def test_download_by_owner_and_manager(client, certificate, learner, district_manager):
    client.force_login(learner)
    assert client.get(f"/certificates/{certificate.pk}/download/").status_code == 200
    client.force_login(district_manager)
    assert client.get(f"/certificates/{certificate.pk}/download/").status_code == 200


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_manager_pages_query_counts_are_constant(client, certificate, district_manager, commune):
    client.force_login(district_manager)
    urls = ["/certificates/manage/", f"/certificates/manage/{certificate.pk}/"]
    for url in urls:
        client.get(url)
    small = [_count(client, url) for url in urls]
    for index in range(6):
        other = make_learner(commune, phone=f"09870001{index:02d}", full_name=f"Học viên {index}")
        Certificate.objects.create(
            code=services.new_code(), user=other, program=certificate.program, commune=commune,
            learner_name=other.full_name, program_title="CT", hours=8, completed_at=certificate.completed_at,
            organiser_name="Sở")
        CertificateEvent.objects.create(certificate=certificate, action=CertificateAction.ISSUED, reason=str(index))
    assert selectors.in_scope(district_manager).count() == 7
    assert [_count(client, url) for url in urls] == small

"""/verify/<code>/ answers without login: valid, revoked or unknown, and shows nothing more than it must."""

import pytest
from django.utils import timezone

from courses.certificates import services

from .builders import complete_program


@pytest.fixture
def certificate(learner, home_page, django_capture_on_commit_callbacks):
    learner.email = "hoc.vien@example.vn"
    learner.save()
    return complete_program(learner, home_page, django_capture_on_commit_callbacks)[1]


@pytest.mark.django_db
def test_valid_certificate(client, certificate, learner):
    response = client.get(f"/verify/{certificate.code}/")
    page = response.content.decode()
    assert response.status_code == 200 and "Giấy chứng nhận hợp lệ" in page
    # Shown as the learner's calendar day (Asia/Ho_Chi_Minh), which differs from UTC's after 17:00 UTC.
    for shown in (certificate.learner_name, certificate.program_title, certificate.organiser_name,
                  timezone.localtime(certificate.completed_at).strftime("%d/%m/%Y")):
        assert shown in page
    # No other personal data: not the phone, e-mail, commune or district.
    for hidden in (learner.phone, learner.email, certificate.commune_name, certificate.district_name):
        assert hidden not in page


@pytest.mark.django_db
def test_code_is_matched_whatever_the_case(client, certificate):
    response = client.get(f"/verify/{certificate.code.lower()}/")
    assert response.status_code == 302 and response["Location"] == f"/verify/{certificate.code}/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{bare}", "{bare_lower}", "  {spaced}  "])
def test_the_verify_box_accepts_the_code_with_or_without_dashes_in_any_case(client, certificate, typed):
    code = certificate.code
    text = typed.format(code=code, lower=code.lower(), bare=code.replace("-", ""),
                        bare_lower=code.replace("-", "").lower(), spaced=code.replace("-", " "))
    form_page = client.get("/verify/")
    assert form_page.status_code == 200 and 'name="code"' in form_page.content.decode()
    response = client.get("/verify/", {"code": text}, follow=True)
    assert response.redirect_chain[-1][0] == f"/verify/{code}/"
    assert response.status_code == 200 and certificate.learner_name in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_code_shows_the_box_again(client, certificate):
    response = client.get("/verify/", {"code": "zzzz zzzz zzzz"}, follow=True)
    assert response.status_code == 404 and 'name="code"' in response.content.decode()
    assert 'value="ZZZZ-ZZZZ-ZZZZ"' in response.content.decode()


@pytest.mark.django_db
def test_revoked_certificate(client, certificate, district_manager):
    services.revoke(district_manager, certificate, "Khai sai thông tin")
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "đã bị thu hồi" in page and "Giấy chứng nhận hợp lệ" not in page
    assert "Khai sai thông tin" not in page  # the reason is internal


@pytest.mark.django_db
def test_unknown_code(client, db):
    response = client.get("/verify/ZZZZ-ZZZZ-ZZZZ/")
    assert response.status_code == 404
    assert "Không tìm thấy giấy chứng nhận" in response.content.decode()


@pytest.mark.django_db
def test_verify_page_query_count(client, certificate, django_assert_num_queries):
    client.get(f"/verify/{certificate.code}/")
    with django_assert_num_queries(3):  # the certificate; the site and its organiser setting (page frame)
        client.get(f"/verify/{certificate.code}/")

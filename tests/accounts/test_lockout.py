import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD, make_user

OFFICE_IP = "10.0.0.7"


def attempt(client, username, password, ip=OFFICE_IP):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_repeated_failures_lock_that_username_from_that_address(client, home_page):
    make_user("victim", phone="0911111111")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "victim", "wrong")
    locked = attempt(client, "victim", PASSWORD)
    assert locked.status_code == 429
    assert "Tạm khoá đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_colleague_in_the_same_office_can_still_sign_in(client, home_page):
    make_user("victim")
    colleague = make_user("colleague")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "victim", "wrong")
    response = attempt(client, "colleague", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


@pytest.mark.django_db
def test_same_user_from_another_address_is_not_locked(client, home_page):
    user = make_user("victim")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "victim", "wrong")
    response = attempt(client, "victim", PASSWORD, ip="10.0.0.99")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

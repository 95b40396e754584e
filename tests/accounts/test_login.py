import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD, make_user


@pytest.mark.django_db
@pytest.mark.parametrize("login_name", ["0912345678", "0912 345 678", "+84912345678", "cb.vanhoa"])
def test_sign_in_with_username_or_phone(client, home_page, login_name):
    user = make_user("cb.vanhoa", phone="0912345678")
    response = client.post(reverse("login"), {"username": login_name, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_wrong_password_shows_translated_error(client, home_page):
    make_user("cb.vanhoa", phone="0912345678")
    response = client.post(reverse("login"), {"username": "0912345678", "password": "wrong"})
    assert response.status_code == 200
    assert "mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_account_awaiting_approval_is_told_why(client, home_page):
    make_user("0912345678", phone="0912345678", is_active=False, awaiting_approval=True)
    response = client.post(reverse("login"), {"username": "0912345678", "password": PASSWORD})
    assert "đang chờ quản lý duyệt" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_deactivated_user_session_is_dropped(client, home_page):
    user = make_user("someone")
    client.force_login(user)
    user.is_active = False
    user.save()
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_logout_is_post_only_and_password_change_works(client, home_page):
    user = make_user("someone")
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Thay-doi-2024!", "new_password2": "Thay-doi-2024!"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Thay-doi-2024!")
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_session_user_is_read_back_and_a_disabled_account_is_signed_out(client, learner):
    """The request's user comes from a query compiled once (accounts.backends): the same user, and none for an
    account disabled since it signed in or for a session whose user id is not a number."""
    from accounts.backends import UsernameOrPhoneBackend

    client.force_login(learner)
    assert client.get(reverse("courses:my_learning")).status_code == 200
    backend = UsernameOrPhoneBackend()
    assert backend.get_user(str(learner.pk)) == learner and backend.get_user(learner.pk).phone == learner.phone
    assert backend.get_user("not-a-number") is None and backend.get_user(learner.pk + 10**6) is None
    User.objects.filter(pk=learner.pk).update(is_active=False)
    assert backend.get_user(learner.pk) is None
    assert client.get(reverse("courses:my_learning")).status_code == 302  # sent to sign in

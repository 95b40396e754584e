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


# The lockout counts the person, not the spelling: sign-in finds an account by username in any
# case and by phone in any spelling, so axes must count what the identifier resolves to.

PHONE_SPELLINGS = [
    "0912345678", "0912 345 678", "0912.345.678", "0912-345-678", "(0912) 345 678", "+84912345678",
    "+84 912 345 678", "84912345678", "84 912 345 678", "+84-912-345-678", "0912 345678",
]


def fail_until_locked(client, identifiers):
    """Fail once with each of the first AXES_FAILURE_LIMIT identifiers: the last failure locks."""
    statuses = [attempt(client, identifier, "wrong").status_code
                for identifier in identifiers[: settings.AXES_FAILURE_LIMIT]]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", ["GiangVien", " giangvien ", "GIANGVIEN"])
def test_another_case_of_a_locked_username_is_locked_too(client, home_page, spelling):
    make_user("giangvien")
    fail_until_locked(client, ["giangvien"] * settings.AXES_FAILURE_LIMIT)
    response = attempt(client, spelling, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_every_spelling_of_a_phone_counts_against_one_account(client, home_page):
    make_user("0912345678", phone="0912345678")
    fail_until_locked(client, PHONE_SPELLINGS)
    for spelling in PHONE_SPELLINGS[settings.AXES_FAILURE_LIMIT:]:
        assert attempt(client, spelling, PASSWORD).status_code == 429, spelling
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_spellings_of_an_unknown_phone_share_one_counter(client, home_page):
    fail_until_locked(client, PHONE_SPELLINGS)
    for spelling in PHONE_SPELLINGS[settings.AXES_FAILURE_LIMIT:]:
        assert attempt(client, spelling, "wrong").status_code == 429, spelling


@pytest.mark.django_db
def test_cases_of_an_unknown_username_share_one_counter(client, home_page):
    fail_until_locked(client, ["nobody", "Nobody", "NOBODY", "noBody", "nobodY"])
    assert attempt(client, "NoBoDy", "wrong").status_code == 429


@pytest.mark.django_db
def test_signing_in_clears_the_failures_of_every_spelling(client, home_page):
    user = make_user("giangvien")
    for identifier in ["GiangVien", "GIANGVIEN", "giangVien", "giangvieN"]:
        attempt(client, identifier, "wrong")
    assert attempt(client, "giangvien", PASSWORD).status_code == 302
    client.logout()
    for identifier in ["GiangVien", "GIANGVIEN", "giangVien", "giangvieN"]:
        attempt(client, identifier, "wrong")
    response = attempt(client, "GiangVien", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


# Client address behind a reverse proxy (TRUSTED_PROXY_COUNT).

PROXY_IP = "127.0.0.1"


def attempt_via(client, username, password, forwarded_for, remote=PROXY_IP):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded_for)


@pytest.mark.django_db
def test_forged_forwarded_for_is_ignored_without_trusted_proxies(client, home_page, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    make_user("victim")
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt_via(client, "victim", "wrong", f"198.51.100.{number}", remote=OFFICE_IP)
    # A fresh forged address does not buy new guesses: the connection's address counts.
    assert attempt_via(client, "victim", PASSWORD, "198.51.100.77", remote=OFFICE_IP).status_code == 429


@pytest.mark.django_db
def test_client_address_is_the_one_the_trusted_proxy_saw(client, home_page, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = make_user("victim")
    # The attacker forges the left part; nginx appends the real address (203.0.113.5).
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt_via(client, "victim", "wrong", f"198.51.100.{number}, 203.0.113.5")
    assert attempt_via(client, "victim", PASSWORD, "198.51.100.77, 203.0.113.5").status_code == 429
    # The victim, at another address behind the same proxy, still signs in.
    response = attempt_via(client, "victim", PASSWORD, "203.0.113.9")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_two_proxies_count_the_second_address_from_the_right(client, home_page, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    make_user("victim")
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt_via(client, "victim", "wrong", f"198.51.100.{number}, 203.0.113.5, 10.1.1.1")
    assert attempt_via(client, "victim", PASSWORD, "203.0.113.5, 10.1.1.2").status_code == 429
    assert attempt_via(client, "victim", PASSWORD, "203.0.113.6, 10.1.1.1").status_code == 302


@pytest.mark.django_db
def test_clients_behind_the_proxy_do_not_lock_each_other(client, home_page, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user("victim")
    colleague = make_user("colleague")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt_via(client, "victim", "wrong", "203.0.113.5")
        attempt_via(client, "colleague", "wrong", "203.0.113.5")
    # Both accounts are locked for 203.0.113.5, for nobody else behind the proxy.
    assert attempt_via(client, "colleague", PASSWORD, "203.0.113.5").status_code == 429
    response = attempt_via(client, "colleague", PASSWORD, "203.0.113.9")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


@pytest.mark.parametrize(("count", "forwarded", "expected"), [
    (0, "1.2.3.4", "10.0.0.1"),
    (1, "", "10.0.0.1"),  # did not come through the proxy
    (1, "1.2.3.4, 5.6.7.8", "5.6.7.8"),
    (2, "1.2.3.4, 5.6.7.8", "1.2.3.4"),
    (2, "5.6.7.8", "10.0.0.1"),
    (1, "not-an-address", "10.0.0.1"),
    (1, "2001:db8::1", "2001:db8::1"),
])
def test_client_ip(rf, settings, count, forwarded, expected):
    from accounts.lockout import client_ip

    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize(("raw", "message"), [("-1", "0 or more"), ("one", "must be an integer")])
def test_a_bad_trusted_proxy_count_stops_start_up(raw, message):
    from tests.lms.test_settings import run_manage

    result = run_manage("check", extra_env={"DJANGO_SETTINGS_MODULE": "lms.settings.test", "TRUSTED_PROXY_COUNT": raw})
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr and message in result.stderr

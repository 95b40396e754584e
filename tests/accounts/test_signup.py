import re

import pytest
from django.urls import reverse

from accounts.models import LearnerProfile, User


def signup_data(district, commune, **overrides):
    """The sign-up form as posted; `district` is kept as the tests' anchor but the form asks for the
    province (the only one here, so it is chosen already)."""
    data = {
        "full_name": "Nguyễn Thị Thu", "phone": "0913 222 333", "email": "",
        "province": district.parent_id, "commune": commune.pk, "target_group": "A",
        "position": "Công chức văn hoá - xã hội", "organisation": "UBND xã",
        "password1": "Truyen-thanh-2023", "password2": "Truyen-thanh-2023",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_signup_page_lists_communes_grouped_by_district(client, units, home_page):
    """One province on the three-tier map: it is chosen already and its communes are grouped by district."""
    page = client.get(reverse("signup")).content.decode()
    assert page.count("<optgroup") == 10 and 'id="province-form"' not in page
    assert "Xã Biển Động" in page or "Phường Thọ Xương" in page


@pytest.mark.django_db
def test_signup_with_the_commune_value_the_page_offers(client, district, commune, home_page):
    """The value a phone sends is the one the page wrote: ids above 999 once came out as "10.042"."""
    page = client.get(reverse("signup")).content.decode()
    offered = re.search(rf'<option value="([^"]*)"[^>]*>{re.escape(commune.name)}</option>', page).group(1)
    assert commune.pk > 999 and offered == str(commune.pk)
    response = client.post(reverse("signup"), {**signup_data(district, commune), "commune": offered})
    assert response.status_code == 302 and LearnerProfile.objects.get().commune == commune


@pytest.mark.django_db
def test_signup_creates_active_learner_with_commune(client, district, commune, home_page):
    response = client.post(reverse("signup"), signup_data(district, commune))
    assert response.status_code == 302
    user = User.objects.get(phone="0913222333")
    assert user.is_active and not user.awaiting_approval
    assert user.username == "0913222333"
    profile = LearnerProfile.objects.get(user=user)
    assert (profile.commune, profile.target_group) == (commune, "A")
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_signup_waits_for_approval_when_required(client, settings, district, commune, home_page):
    settings.ACCOUNTS_REQUIRE_APPROVAL = True
    response = client.post(reverse("signup"), signup_data(district, commune))
    assert response.status_code == 200
    assert "chờ quản lý duyệt" in response.content.decode()
    user = User.objects.get(phone="0913222333")
    assert not user.is_active and user.awaiting_approval
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_commune_that_is_not_a_current_commune_of_the_province_is_refused(client, district, home_page):
    response = client.post(reverse("signup"), signup_data(district, district))  # a district, not a commune
    assert response.status_code == 200 and "commune" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.django_db
def test_duplicate_phone_and_bad_phone_are_refused(client, district, commune, learner, home_page):
    taken = client.post(reverse("signup"), signup_data(district, commune, phone=learner.phone))
    assert "đã có tài khoản" in taken.content.decode()
    bad = client.post(reverse("signup"), signup_data(district, commune, phone="12345"))
    assert "Số điện thoại không hợp lệ" in bad.content.decode()
    assert User.objects.count() == 1

import pytest
from django.urls import reverse

from accounts.models import LearnerProfile, User


def signup_data(district, commune, **overrides):
    data = {
        "full_name": "Nguyễn Thị Thu", "phone": "0913 222 333", "email": "",
        "district": district.pk, "commune": commune.pk, "target_group": "A",
        "position": "Công chức văn hoá - xã hội", "organisation": "UBND xã",
        "password1": "Truyen-thanh-2023", "password2": "Truyen-thanh-2023",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_signup_page_lists_communes_grouped_by_district(client, units, home_page):
    page = client.get(reverse("signup")).content.decode()
    assert page.count("<optgroup") == 10
    assert "Xã Biển Động" in page or "Phường Thọ Xương" in page


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
def test_commune_outside_chosen_district_is_refused(client, district, other_commune, home_page):
    response = client.post(reverse("signup"), signup_data(district, other_commune))
    assert response.status_code == 200
    assert "không thuộc huyện đã chọn" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_duplicate_phone_and_bad_phone_are_refused(client, district, commune, learner, home_page):
    taken = client.post(reverse("signup"), signup_data(district, commune, phone=learner.phone))
    assert "đã có tài khoản" in taken.content.decode()
    bad = client.post(reverse("signup"), signup_data(district, commune, phone="12345"))
    assert "Số điện thoại không hợp lệ" in bad.content.decode()
    assert User.objects.count() == 1

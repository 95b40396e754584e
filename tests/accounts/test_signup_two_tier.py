"""Sign-up on today's map (province → commune, no district step) and the confirm-your-commune prompt that a
learner whose commune was merged or split meets at their next sign-in."""

import pytest
from django.urls import reverse

from accounts.models import LearnerProfile, User
from localities.current_map import move_learners_to_current_map
from localities.models import Level, Locality
from localities.services import import_units

from ..conftest import PASSWORD, make_learner
from ..localities.builders import D2025, TWO_TIER, load_2023, load_2024, load_2025, table

pytestmark = pytest.mark.django_db


@pytest.fixture
def eras(home_page):
    load_2023()
    load_2024()
    load_2025()


def current(code, level=Level.COMMUNE):
    return Locality.objects.current().get(level=level, code=code)


def old(code, level=Level.COMMUNE):
    return Locality.objects.filter(level=level, code=code, valid_to__isnull=False).order_by("valid_from").first()


def signup(client, province, commune, phone="0913222333"):
    return client.post(reverse("signup"), {
        "full_name": "Nguyễn Thị Thu", "phone": phone, "email": "", "province": province.pk,
        "commune": commune.pk, "target_group": "A", "position": "", "organisation": "",
        "password1": "Truyen-thanh-2023", "password2": "Truyen-thanh-2023"})


def test_the_province_comes_first_then_only_its_current_communes(client, eras):
    import_units(table(TWO_TIER, ["Tỉnh Lạng Sơn,20,Xã Đồng Đăng,06000,Xã,"]), "ls.csv", valid_from=D2025)
    province = current("24", Level.PROVINCE)
    first = client.get(reverse("signup")).content.decode()
    assert 'id="province-form"' in first and 'name="commune"' not in first  # no 3,321-line list up front
    page = client.get(reverse("signup"), {"province": province.pk}).content.decode()
    assert "Phường Bắc Giang" in page and "Xã Quế Võ" in page
    assert "Phường Thọ Xương" not in page and "<optgroup" not in page  # retired units, no district step
    assert "Xã Đồng Đăng" not in page  # another province's


def test_signing_up_in_a_current_commune(client, eras):
    response = signup(client, current("24", Level.PROVINCE), current("09300"))
    assert response.status_code == 302
    profile = LearnerProfile.objects.get(user__phone="0913222333")
    assert profile.commune == current("09300") and not profile.needs_commune_confirmation


def test_a_retired_commune_is_refused_even_with_a_reused_code(client, eras):
    """07201 is both the retired Phường Thọ Xương and today's Phường Bắc Giang: only the latter is offered."""
    response = signup(client, current("24", Level.PROVINCE), old("07201"))
    assert response.status_code == 200 and not User.objects.exists()


def test_a_learner_of_a_merged_commune_confirms_at_next_sign_in(client, home_page):
    load_2023()
    learner = make_learner(Locality.objects.get(code="07502"))  # Xã Lãng Sơn: merged twice since
    load_2024()
    load_2025()
    assert move_learners_to_current_map().moved == 1
    profile = LearnerProfile.objects.get(user=learner)
    assert profile.commune == current("07201") and profile.needs_commune_confirmation

    client.post(reverse("login"), {"username": learner.phone, "password": PASSWORD})
    prompt = client.get("/learning/")
    assert prompt.status_code == 302 and prompt.url.startswith(reverse("confirm_commune"))
    page = client.get(prompt.url).content.decode()
    assert "Xã Lãng Sơn" in page and 'selected>Phường Bắc Giang' in page  # the default successor preselected

    done = client.post(reverse("confirm_commune"), {"commune": current("09190").pk, "next": "/learning/"})
    assert done.status_code == 302 and done.url == "/learning/"
    profile.refresh_from_db()
    assert profile.commune == current("09190") and not profile.needs_commune_confirmation
    assert profile.commune_before_reform == Locality.objects.get(code="07502")  # history kept
    assert client.get("/learning/").status_code == 200  # no prompt any more


def test_the_prompt_refuses_a_retired_commune_and_an_outside_redirect(client, home_page):
    load_2023()
    learner = make_learner(Locality.objects.get(code="07502"))
    load_2024()
    load_2025()
    move_learners_to_current_map()
    client.force_login(learner)
    refused = client.post(reverse("confirm_commune"), {"commune": old("07201").pk})
    assert refused.status_code == 200
    assert LearnerProfile.objects.get(user=learner).needs_commune_confirmation
    done = client.post(reverse("confirm_commune"), {"commune": current("07201").pk, "next": "https://evil.example/"})
    assert done.url == "/"

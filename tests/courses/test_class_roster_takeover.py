"""Issue #14 items 1 and 12: a class roster and a walk-in touch learners of the trainer's scope only.

A district trainer who types someone else's phone (a province manager, the superuser, a district manager, a
learner of another district, an account without learner profile) must change nothing, learn nothing about
whose the phone is, and get a form error instead of a 500 (the walk-in used to hit an IntegrityError).
"""

import re

import pytest
from django.urls import reverse

from accounts.models import LearnerProfile, User
from courses.classes import services
from courses.models import Enrolment, Participant
from lms.tabular import ImportRejected
from tests.conftest import learner_sheet, make_learner, make_user

from .class_builders import make_class

TAKEN = "đã được dùng cho một tài khoản khác; hãy liên hệ quản trị viên"

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
KINDS = ["province manager", "superuser", "district manager", "learner of another district",
         "account without learner profile"]


@pytest.fixture
def training_class(home_page, trainer, district):
    return make_class(home_page, trainer, district)


def _rename(user: User, phone: str, full_name: str, email: str) -> User:
    User.objects.filter(pk=user.pk).update(phone=phone, full_name=full_name, email=email)
    user.refresh_from_db()
    return user


@pytest.fixture
def victims(province_manager, district_manager, outsider_learner):
    root = User.objects.create_superuser("root", email="root@tinh.gov.vn", password="x", phone="0900000001",
                                         full_name="Quản Trị Gốc")
    return {
        "province manager": _rename(province_manager, "0900000002", "Trưởng Ban Tỉnh", "pm@tinh.gov.vn"),
        "superuser": root,
        "district manager": _rename(district_manager, "0900000003", "Trưởng Phòng Huyện", "dm@tinh.gov.vn"),
        "learner of another district": outsider_learner,
        "account without learner profile": make_user("khong-ho-so", full_name="Người Không Hồ Sơ",
                                                     phone="0900000005", email="bare@tinh.gov.vn"),
    }


def snapshot(user: User) -> tuple:
    user = User.objects.get(pk=user.pk)
    profile = LearnerProfile.objects.filter(user=user).values_list("commune_id", "target_group").first()
    return (user.username, user.full_name, user.email, user.phone, user.password, profile,
            Participant.objects.filter(user=user).count(), Enrolment.objects.filter(user=user).count())


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_roster_refuses_an_account_outside_the_trainers_reach(trainer, training_class, commune, victims, kind):
    victim = victims[kind]
    before = snapshot(victim)
    roster = learner_sheet([["Học Viên Mới", "0931000001", commune.code, "A", "", ""],
                            ["Kẻ Chiếm Quyền", victim.phone, commune.code, "A", "", ""]])
    with pytest.raises(ImportRejected) as raised:
        services.import_roster(trainer, training_class, roster, "roster.xlsx")
    assert [e.line for e in raised.value.errors] == [3]
    assert TAKEN in raised.value.errors[0].message and victim.full_name not in raised.value.errors[0].message
    assert snapshot(victim) == before
    assert not Participant.objects.exists() and not User.objects.filter(phone="0931000001").exists()


@pytest.mark.django_db
def test_roster_updates_and_seats_a_learner_in_scope(trainer, training_class, commune):
    learner = make_learner(commune, phone="0931000002", full_name="Tên Cũ")
    roster = learner_sheet([["Tên Mới", learner.phone, commune.code, "B", "", ""]])
    assert services.import_roster(trainer, training_class, roster, "roster.xlsx") == 1
    learner.refresh_from_db()
    assert learner.full_name == "Tên Mới" and Participant.objects.filter(user=learner).exists()


def _walk_in(client, training_class, commune, phone, full_name="Kẻ Chiếm Quyền"):
    return client.post(reverse("courses:class_walk_in", args=[training_class.pk]),
                       {"phone": phone, "full_name": full_name, "commune": commune.pk, "target_group": "A"})


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_walk_in_with_someone_elses_phone_is_a_neutral_form_error(client, trainer, training_class, commune,
                                                                   victims, kind):
    victim = victims[kind]
    before = snapshot(victim)
    client.force_login(trainer)
    response = _walk_in(client, training_class, commune, victim.phone)
    page = response.content.decode()
    assert response.status_code == 400
    assert TAKEN in page and victim.full_name not in page
    assert snapshot(victim) == before
    assert not Participant.objects.exists() and not User.objects.filter(full_name="Kẻ Chiếm Quyền").exists()


@pytest.mark.django_db
def test_walk_in_answers_the_same_for_every_kind_of_foreign_phone(client, trainer, training_class, commune,
                                                                   victims):
    client.force_login(trainer)
    errors = set()
    for victim in victims.values():
        response = _walk_in(client, training_class, commune, victim.phone, full_name="")
        assert response.status_code == 400
        page = CSRF_TOKEN.sub("", response.content.decode())  # the one part that differs per response
        errors.add(page.replace(victim.phone, "PHONE"))
    assert len(errors) == 1


@pytest.mark.django_db
def test_walk_in_seats_a_learner_in_scope_and_creates_a_new_one(client, trainer, training_class, commune):
    learner = make_learner(commune, phone="0931000003", full_name="Đã Có Tài Khoản")
    client.force_login(trainer)
    assert _walk_in(client, training_class, commune, "0931 000 003", full_name="").status_code == 302
    assert _walk_in(client, training_class, commune, "0931000004", full_name="Mới Đến").status_code == 302
    learner.refresh_from_db()
    assert learner.full_name == "Đã Có Tài Khoản"
    assert set(Participant.objects.values_list("user__phone", flat=True)) == {"0931000003", "0931000004"}
    assert User.objects.get(phone="0931000004").learner_profile.commune == commune


@pytest.mark.django_db
def test_walk_in_with_a_bad_phone_is_a_form_error(client, trainer, training_class, commune):
    client.force_login(trainer)
    response = _walk_in(client, training_class, commune, "abc", full_name="Sai Số")
    assert response.status_code == 400 and not User.objects.filter(full_name="Sai Số").exists()

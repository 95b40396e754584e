"""Issue #14 item 1: a learner import may create learners and update learners of its scope, nothing else.

A district manager who types someone else's phone (a province manager, the superuser, a trainer, a learner of
another district, an account without learner profile) must not overwrite that account's name or e-mail nor
attach a learner profile to it (a password reset to the new e-mail would then take the account). The row is
refused with one neutral message that does not say whose the phone is.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import LearnerProfile, Role, User
from accounts.services import COL_EMAIL, IMPORT_COLUMNS, import_learners
from lms.tabular import ImportRejected
from tests.conftest import make_learner, make_staff, make_user

TAKEN = "số điện thoại %s đã được dùng cho một tài khoản khác; hãy liên hệ quản trị viên"


def sheet(rows) -> bytes:
    """The learner-import layout with the optional e-mail column."""
    workbook = Workbook()
    workbook.active.append(IMPORT_COLUMNS + [COL_EMAIL])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot(user: User) -> tuple:
    user = User.objects.get(pk=user.pk)
    profile = LearnerProfile.objects.filter(user=user).values_list("commune_id", "target_group").first()
    return (user.username, user.full_name, user.email, user.phone, user.is_active, user.is_superuser,
            user.password, profile)


def with_phone(user: User, phone: str, full_name: str, email: str) -> User:
    User.objects.filter(pk=user.pk).update(phone=phone, full_name=full_name, email=email)
    user.refresh_from_db()
    return user


@pytest.fixture
def victims(province_manager, trainer, outsider_learner):
    """Every kind of account a district manager's import must leave alone, by name."""
    root = User.objects.create_superuser("root", email="root@tinh.gov.vn", password="x", phone="0900000001",
                                         full_name="Quản Trị Gốc")
    bare = make_user("khong-ho-so", full_name="Người Không Hồ Sơ", phone="0900000005", email="bare@tinh.gov.vn")
    return {
        "province manager": with_phone(province_manager, "0900000002", "Trưởng Ban Tỉnh", "pm@tinh.gov.vn"),
        "superuser": root,
        "trainer": with_phone(trainer, "0900000003", "Giảng Viên Huyện", "gv@tinh.gov.vn"),
        "learner of another district": outsider_learner,
        "account without learner profile": bare,
    }


KINDS = ["province manager", "superuser", "trainer", "learner of another district",
         "account without learner profile"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_import_refuses_an_account_outside_its_reach(district_manager, commune, victims, kind):
    victim = victims[kind]
    before = snapshot(victim)
    data = sheet([["Kẻ Chiếm Quyền", victim.phone, commune.code, "A", "", "", "attacker@example.com"]])
    with pytest.raises(ImportRejected) as raised:
        import_learners(district_manager, data, "learners.xlsx")
    assert [(e.line, e.message) for e in raised.value.errors] == [(2, TAKEN % victim.phone)]
    assert snapshot(victim) == before
    assert not User.objects.filter(full_name="Kẻ Chiếm Quyền").exists()


@pytest.mark.django_db
def test_a_refused_row_stops_the_whole_file(district_manager, commune, victims):
    data = sheet([["Học Viên Mới", "0988111222", commune.code, "A", "", "", ""],
                  ["Kẻ Chiếm Quyền", victims["superuser"].phone, commune.code, "A", "", "", ""]])
    with pytest.raises(ImportRejected):
        import_learners(district_manager, data, "learners.xlsx")
    assert not User.objects.filter(phone="0988111222").exists()


@pytest.mark.django_db
def test_even_an_administrator_import_never_touches_staff(commune, victims):
    admin = User.objects.create_superuser("admin2", password="x")
    trainer = victims["trainer"]
    before = snapshot(trainer)
    with pytest.raises(ImportRejected):
        import_learners(admin, sheet([["Đổi Tên", trainer.phone, commune.code, "A", "", "", ""]]), "l.xlsx")
    assert snapshot(trainer) == before


@pytest.mark.django_db
def test_a_learner_who_also_holds_a_role_is_not_updated_by_import(district_manager, commune, district):
    learner_trainer = make_learner(commune, phone="0900000006", full_name="Vừa Học Vừa Dạy")
    from accounts.services import assign_role

    assign_role(learner_trainer, Role.TRAINER, district)
    before = snapshot(learner_trainer)
    with pytest.raises(ImportRejected):
        import_learners(district_manager, sheet([["Đổi Tên", "0900000006", commune.code, "B", "", "", ""]]),
                        "l.xlsx")
    assert snapshot(learner_trainer) == before


@pytest.mark.django_db
def test_learner_in_scope_is_updated(district_manager, commune):
    learner = make_learner(commune, phone="0900000007", full_name="Tên Cũ")
    data = sheet([["Tên Mới", "+84 900 000 007", commune.code, "B", "Chủ tịch", "UBND xã", "Moi@Example.com"]])
    result = import_learners(district_manager, data, "l.xlsx")
    assert [u.pk for u in result.updated] == [learner.pk] and not result.created
    learner.refresh_from_db()
    assert (learner.full_name, learner.email, learner.learner_profile.target_group) == (
        "Tên Mới", "Moi@Example.com", "B")


@pytest.mark.django_db
def test_phone_used_as_another_accounts_username_is_refused(district_manager, commune):
    """An account signed in as "0900000008" but with another phone: creating a learner would clash (500)."""
    staff = make_staff("0900000008", Role.TRAINER, commune.parent)
    before = snapshot(staff)
    with pytest.raises(ImportRejected) as raised:
        import_learners(district_manager, sheet([["Mới", "0900000008", commune.code, "A", "", "", ""]]), "l.xlsx")
    assert raised.value.errors[0].message == TAKEN % "0900000008"
    assert snapshot(staff) == before


@pytest.mark.django_db
def test_email_of_another_account_in_other_case_is_refused(district_manager, commune, victims):
    learner = make_learner(commune, phone="0900000009", full_name="Học Viên")
    data = sheet([["Mới", "0988111333", commune.code, "A", "", "", "ROOT@tinh.gov.vn"],
                  ["Học Viên", learner.phone, commune.code, "A", "", "", "Pm@Tinh.Gov.Vn"]])
    with pytest.raises(ImportRejected) as raised:
        import_learners(district_manager, data, "l.xlsx")
    assert [e.line for e in raised.value.errors] == [2, 3]
    assert all("đã được dùng cho một tài khoản khác" in e.message for e in raised.value.errors)
    assert not User.objects.filter(phone="0988111333").exists()
    learner.refresh_from_db()
    assert learner.email == ""


@pytest.mark.django_db
def test_learner_may_keep_own_email_in_other_case_and_file_may_not_repeat_one(district_manager, commune):
    learner = make_learner(commune, phone="0900000010", full_name="Học Viên")
    User.objects.filter(pk=learner.pk).update(email="hv@xa.vn")
    import_learners(district_manager, sheet([["Học Viên", learner.phone, commune.code, "A", "", "", "HV@xa.vn"]]),
                    "l.xlsx")
    learner.refresh_from_db()
    assert learner.email == "HV@xa.vn"
    twice = sheet([["Một", "0988111444", commune.code, "A", "", "", "chung@xa.vn"],
                   ["Hai", "0988111555", commune.code, "A", "", "", "Chung@xa.vn"],
                   ["Ba", "0988111666", commune.code, "A", "", "", "not-an-email"]])
    with pytest.raises(ImportRejected) as raised:
        import_learners(district_manager, twice, "l.xlsx")
    assert [e.line for e in raised.value.errors] == [3, 4]
    assert not User.objects.filter(phone__startswith="0988111").exists()


@pytest.mark.django_db
def test_import_page_does_not_say_whose_the_phone_is(client, district_manager, commune, victims):
    client.force_login(district_manager)
    upload = SimpleUploadedFile("l.xlsx", sheet([["X", victims["province manager"].phone, commune.code, "A",
                                                  "", "", ""]]))
    page = client.post(reverse("accounts_admin:import"), {"file": upload}).content.decode()
    assert "đã được dùng cho một tài khoản khác" in page
    assert "Trưởng Ban Tỉnh" not in page and "quản lý" not in page.split("Dòng 2")[1][:200]


# --- Approval of an account that is not a learner (issue #14 item 12) ------------------------------

@pytest.mark.django_db
def test_approving_an_account_without_learner_profile_is_a_clear_4xx(client, district_manager):
    bare = make_user("cho-duyet", full_name="Chờ Duyệt", phone="0900000011")
    User.objects.filter(pk=bare.pk).update(is_active=False, awaiting_approval=True)
    client.force_login(district_manager)
    response = client.post(reverse("accounts_admin:approve", args=[bare.pk]))
    assert response.status_code == 400
    assert "không có hồ sơ học viên" in response.content.decode()
    bare.refresh_from_db()
    assert not bare.is_active and bare.awaiting_approval
    assert not LearnerProfile.objects.filter(user=bare).exists()

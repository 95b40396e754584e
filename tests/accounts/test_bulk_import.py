
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import LearnerProfile, User
from accounts.services import IMPORT_COLUMNS, import_learners
from lms.tabular import ImportRejected
from tests.conftest import learner_sheet, make_learner


@pytest.mark.django_db
def test_valid_file_creates_and_updates_without_duplicates(district_manager, commune):
    existing = make_learner(commune, phone="0988000001", full_name="Tên Cũ")
    data = learner_sheet([
        ["Tên Mới", "0988 000 001", commune.code, "b", "Bí thư Đoàn", "Đoàn xã"],
        ["Lý Thị Mai", "0988000002", int(commune.code), "A", "Công chức VH-XH", "UBND xã"],
    ])
    result = import_learners(district_manager, data, "learners.xlsx")
    assert [u.pk for u in result.updated] == [existing.pk]
    assert len(result.created) == 1 and len(result.created[0][1]) == 8
    existing.refresh_from_db()
    assert existing.full_name == "Tên Mới" and existing.learner_profile.target_group == "B"
    new_user, password = result.created[0]
    assert User.objects.get(phone="0988000002").check_password(password)
    assert User.objects.filter(phone__in=["0988000001", "0988000002"]).count() == 2


@pytest.mark.django_db
def test_bad_rows_are_each_reported_and_nothing_is_written(district_manager, commune, other_commune,
                                                           outsider_learner):
    data = learner_sheet([
        ["Đúng", "0988000010", commune.code, "A", "", ""],
        ["", "0988000011", commune.code, "A", "", ""],                  # no name
        ["Sai Số", "12ab", commune.code, "A", "", ""],                  # bad phone
        ["Ngoài", "0988000012", other_commune.code, "A", "", ""],       # commune outside scope
        ["Không Xã", "0988000013", "99999", "A", "", ""],               # unknown commune
        ["Sai Nhóm", "0988000014", commune.code, "C", "", ""],          # bad group
        ["Trùng", "0988000010", commune.code, "A", "", ""],             # duplicate in file
        ["Chiếm", outsider_learner.phone, commune.code, "A", "", ""],   # someone else's learner
    ])
    users_before = User.objects.count()
    with pytest.raises(ImportRejected) as raised:
        import_learners(district_manager, data, "learners.xlsx")
    assert [e.line for e in raised.value.errors] == [3, 4, 5, 6, 7, 8, 9]
    assert User.objects.count() == users_before
    outsider_learner.refresh_from_db()
    assert outsider_learner.learner_profile.commune.code == other_commune.code


@pytest.mark.django_db
def test_import_page_shows_errors_and_passwords(client, district_manager, commune):
    client.force_login(district_manager)
    url = reverse("accounts_admin:import")
    bad = SimpleUploadedFile("l.xlsx", learner_sheet([["X", "bad", commune.code, "A", "", ""]]))
    page = client.post(url, {"file": bad}).content.decode()
    assert "Dòng 2" in page and not LearnerProfile.objects.exists()
    good = SimpleUploadedFile("l.csv", (",".join(IMPORT_COLUMNS) + f"\nLan,0988000020,{commune.code},A,,\n")
                              .encode())
    page = client.post(url, {"file": good}).content.decode()
    assert "0988000020" in page and LearnerProfile.objects.count() == 1


@pytest.mark.django_db
def test_wrong_file_type_is_refused(client, district_manager):
    client.force_login(district_manager)
    upload = SimpleUploadedFile("learners.exe", b"MZ...")
    page = client.post(reverse("accounts_admin:import"), {"file": upload}).content.decode()
    assert "Chỉ nhận tệp .xlsx hoặc .csv" in page


@pytest.mark.django_db
def test_learner_and_trainer_cannot_open_import(client, learner, trainer):
    client.force_login(learner)
    assert client.get(reverse("accounts_admin:import")).status_code in (302, 403)
    client.force_login(trainer)
    assert client.get(reverse("accounts_admin:import")).status_code == 403

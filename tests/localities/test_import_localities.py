import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from lms.tabular import ImportRejected
from localities.management.commands.import_localities import DEFAULT_FILE
from localities.models import Level, Locality, UnitType
from localities.services import REQUIRED_COLUMNS, import_units

HEADER = ",".join(REQUIRED_COLUMNS + ["Tên Tiếng Anh"])


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


@pytest.mark.django_db
def test_default_file_loads_bac_giang_counts():
    call_command("import_localities")
    assert Locality.objects.filter(level=Level.PROVINCE).count() == 1
    assert Locality.objects.filter(level=Level.DISTRICT).count() == 10
    communes = Locality.objects.filter(level=Level.COMMUNE)
    assert communes.count() == 209
    assert communes.filter(unit_type=UnitType.XA).count() == 182
    assert communes.filter(unit_type=UnitType.PHUONG).count() == 10
    assert communes.filter(unit_type=UnitType.THI_TRAN).count() == 17


@pytest.mark.django_db
def test_tree_paths_and_types():
    import_units(DEFAULT_FILE.read_bytes(), DEFAULT_FILE.name)
    commune = Locality.objects.get(level=Level.COMMUNE, code="07201")
    assert commune.name == "Phường Thọ Xương"
    assert commune.parent.code == "213" and commune.parent.unit_type == UnitType.THANH_PHO
    assert commune.parent.parent.code == "24" and commune.parent.parent.unit_type == UnitType.TINH
    assert commune.path == "24.213.07201."
    assert Locality.objects.within(commune.parent).count() == commune.parent.children.count() + 1


@pytest.mark.django_db
def test_import_is_idempotent_and_a_rename_makes_a_new_unit():
    import_units(DEFAULT_FILE.read_bytes(), DEFAULT_FILE.name)
    ids_before = set(Locality.objects.values_list("pk", flat=True))
    rerun = import_units(DEFAULT_FILE.read_bytes(), DEFAULT_FILE.name)
    assert (rerun.created, rerun.changed, rerun.unchanged) == (0, 0, 220) and rerun.nothing_changed
    renamed = DEFAULT_FILE.read_bytes().replace("Phường Thọ Xương".encode(), "Phường Thọ Xương Mới".encode())
    result = import_units(renamed, "units.csv", valid_from=datetime.date(2025, 1, 1))
    assert (result.created, result.changed, result.unchanged) == (0, 1, 219)
    assert set(Locality.objects.values_list("pk", flat=True)) > ids_before
    old = Locality.objects.get(path="24.213.07201.")  # the unit of 2023 keeps its name
    assert (old.name, old.valid_to) == ("Phường Thọ Xương", datetime.date(2024, 12, 31))
    new = Locality.objects.current().get(level=Level.COMMUNE, code="07201")
    assert (new.name, new.path, old.successor) == ("Phường Thọ Xương Mới", "24.213.07201~20250101.", new)


@pytest.mark.django_db
def test_bad_file_reports_each_row_and_changes_nothing():
    import_units(DEFAULT_FILE.read_bytes(), DEFAULT_FILE.name)
    snapshot = list(Locality.objects.values_list("code", "name", "parent_id"))
    data = csv_bytes(
        "Tỉnh Bắc Giang,24,Huyện Mới,230,Xã Một,99001,Xã,",        # good row, new units
        "Tỉnh Bắc Giang,24,Huyện Mới,230,Xã Hai,ABCDE,Xã,",        # bad commune code
        "Tỉnh Bắc Giang,24,Huyện Mới,230,Xã Ba,99003,Làng,",       # unknown type
        "Tỉnh Bắc Giang,24,Huyện Mới,230,Xã Bốn,99001,Xã,",        # duplicate commune code
    )
    with pytest.raises(ImportRejected) as raised:
        import_units(data, "bad.csv")
    lines = [error.line for error in raised.value.errors]
    assert lines == [3, 4, 5]
    assert "ABCDE" in raised.value.errors[0].message
    assert list(Locality.objects.values_list("code", "name", "parent_id")) == snapshot
    assert not Locality.objects.filter(code__in=["230", "99001"]).exists()


@pytest.mark.django_db
def test_missing_column_is_reported():
    with pytest.raises(ImportRejected) as raised:
        import_units("Mã TP,Mã QH\n24,213\n".encode(), "units.csv")
    assert raised.value.errors[0].line == 1
    assert "Phường Xã" in raised.value.errors[0].message
    assert not Locality.objects.exists()


@pytest.mark.django_db
def test_xlsx_with_numeric_codes_keeps_leading_zeros():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(REQUIRED_COLUMNS)
    sheet.append(["Tỉnh Bắc Giang", 24, "Thành phố Bắc Giang", 213, "Phường Thọ Xương", 7201, "Phường"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    import_units(buffer.getvalue(), "units.xlsx")
    assert Locality.objects.get(level=Level.COMMUNE).code == "07201"


@pytest.mark.django_db
def test_command_fails_loudly_on_bad_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("Tỉnh Bắc Giang,24,Huyện X,2X0,Xã Y,99001,Xã,"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_localities", str(bad))
    assert not Locality.objects.exists()


@pytest.mark.django_db
def test_moving_a_district_moves_its_communes_paths(units):
    district = Locality.objects.get(level=Level.DISTRICT, code="221")
    other_province = Locality.objects.create(level=Level.PROVINCE, code="27", name="Tỉnh Bắc Ninh",
                                             unit_type=UnitType.TINH)
    district.parent = other_province
    district.save()
    assert set(district.children.values_list("path", flat=True)) == {
        f"27.221.{code}." for code in district.children.values_list("code", flat=True)}

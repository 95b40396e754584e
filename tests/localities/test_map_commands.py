"""The commands that load maps: the demo map, the current country."""

import io

import pytest
from django.core.management import call_command

from localities.models import Level, Locality, Succession, UnitType

from .builders import (
    BG_2023,
    BG_2024,
    BN_2025,
    BN_OLD,
    REFORM_2024,
    REFORM_2025,
    REFORM_HEADER,
    THREE_TIER,
    TWO_TIER,
    write,
)

CURRENT_ROWS = [
    {"Tỉnh Thành Phố": "Thành phố Hà Nội", "Mã TP": "01", "Phường Xã": "Phường Ba Đình", "Mã PX": "00004",
     "Cấp": "Phường", "Tên Tiếng Anh": "Ba Dinh Ward"},
    {"Tỉnh Thành Phố": "Thành phố Hà Nội", "Mã TP": "01", "Phường Xã": "Xã Sóc Sơn", "Mã PX": "08980",
     "Cấp": "Xã", "Tên Tiếng Anh": ""},
    {"Tỉnh Thành Phố": "Tỉnh Quảng Ninh", "Mã TP": "22", "Phường Xã": "Đặc khu Cô Tô", "Mã PX": "07170",
     "Cấp": "Đặc khu", "Tên Tiếng Anh": None},
]


def current_rows():
    return iter(CURRENT_ROWS)


def map_files(tmp_path):
    write(tmp_path, "bac-giang-2023-units.csv", THREE_TIER, BG_2023)
    write(tmp_path, "bac-giang-2024-units.csv", THREE_TIER, BG_2024)
    # load_default_map loads the 2024 list from Resolution 1191's effective date, 1/1/2025.
    reform_2024 = [line.replace("2024-10-31", "2024-12-31").replace("2024-11-01", "2025-01-01")
                   for line in REFORM_2024]
    write(tmp_path, "reform-2024-bac-giang.csv", REFORM_HEADER, reform_2024)
    write(tmp_path, "bac-ninh-2024-units.csv", THREE_TIER, BN_OLD)
    write(tmp_path, "bac-ninh-2025-units.csv", TWO_TIER, BN_2025)
    write(tmp_path, "reform-2025-bac-ninh.csv", REFORM_HEADER, REFORM_2025)
    return tmp_path


@pytest.mark.django_db
def test_load_default_map_loads_every_era_and_a_rerun_changes_nothing(tmp_path):
    data_dir = map_files(tmp_path)
    call_command("load_default_map", data_dir=str(data_dir), stdout=io.StringIO())
    assert list(Locality.objects.current().provinces().values_list("path", "name")) == [
        ("24~20250701.", "Tỉnh Bắc Ninh")]
    assert Locality.objects.current().communes().count() == 4
    assert not Locality.objects.current().districts().exists()
    before = (set(Locality.objects.values_list("pk", "path", "valid_to", "successor_id", "ground_paths")),
              set(Succession.objects.values_list("pk", "successor_id")))
    out = io.StringIO()
    call_command("load_default_map", data_dir=str(data_dir), stdout=out)
    assert out.getvalue().count("nothing changed") == 6
    assert (set(Locality.objects.values_list("pk", "path", "valid_to", "successor_id", "ground_paths")),
            set(Succession.objects.values_list("pk", "successor_id"))) == before


@pytest.mark.django_db
def test_import_current_country_loads_provinces_and_communes_from_2025_07_01():
    out = io.StringIO()
    source = f"{__name__}.current_rows"
    call_command("import_current_country", source=source, stdout=out)
    assert "created 5" in out.getvalue()
    hanoi = Locality.objects.get(level=Level.PROVINCE, code="01")
    assert (hanoi.unit_type, str(hanoi.valid_from)) == (UnitType.THANH_PHO_TW, "2025-07-01")
    co_to = Locality.objects.get(level=Level.COMMUNE, code="07170")
    assert (co_to.unit_type, co_to.parent.code, co_to.name_en) == (UnitType.DAC_KHU, "22", "")
    again = io.StringIO()
    call_command("import_current_country", source=source, stdout=again)
    assert "nothing changed" in again.getvalue()

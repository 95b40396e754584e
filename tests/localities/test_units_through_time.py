"""A later list never rewrites a unit of an earlier era: a differing unit is retired and a new one made."""

import datetime

import pytest

from lms.tabular import ImportRejected
from localities.models import Level, Locality, Succession, UnitType
from localities.services import import_units

from .builders import (
    BG_2023,
    BG_2024,
    BN_2025,
    BN_OLD,
    D2024,
    D2025,
    THREE_TIER,
    TWO_TIER,
    load_2023,
    load_2024,
    load_all_eras,
    table,
)

IDENTITY = ("pk", "level", "code", "name", "unit_type", "parent_id", "path", "valid_from")


def snapshot():
    return set(Locality.objects.values_list(*IDENTITY))


@pytest.mark.django_db
def test_code_reuse_keeps_both_units_and_leaves_the_earlier_one_as_it_was():
    load_2023()
    before = snapshot()
    load_all_eras()
    assert before <= snapshot()  # every 2023 unit still there, with the same name, type, parent and path
    old, new = Locality.objects.filter(level=Level.PROVINCE, code="24").order_by("path")
    assert (old.name, old.path, old.valid_to) == ("Tỉnh Bắc Giang", "24.", datetime.date(2025, 6, 30))
    assert (new.name, new.path, new.valid_from, new.valid_to) == ("Tỉnh Bắc Ninh", "24~20250701.", D2025, None)
    assert old.successor == new
    commune = Locality.objects.get(level=Level.COMMUNE, code="07201", valid_to__isnull=True)
    assert (commune.parent, commune.path) == (new, "24~20250701.07201.")
    thọ_xương = Locality.objects.get(path="24.213.07201.")
    assert (thọ_xương.name, thọ_xương.valid_to) == ("Phường Thọ Xương", datetime.date(2025, 6, 30))


@pytest.mark.django_db
def test_unchanged_units_continue_and_changed_ones_get_a_new_unit():
    load_2023()
    result = import_units(table(THREE_TIER, BG_2024), "units-2024.csv", valid_from=D2024)
    # Việt Yên became a thị xã (a new district, a new commune under it), Tân An a phường of the city; the
    # province, the city and its two phường go on.
    assert (result.created, result.changed, result.unchanged) == (0, 3, 4)
    viet_yen = Locality.objects.filter(level=Level.DISTRICT, code="224").order_by("path")
    assert [(unit.path, unit.unit_type, unit.valid_to) for unit in viet_yen] == [
        ("24.224.", UnitType.HUYEN, datetime.date(2024, 10, 31)),
        ("24.224~20241101.", UnitType.THI_XA, None)]
    assert Locality.objects.get(path="24.213.07201.").valid_to is None
    new_tan_an = Locality.objects.get(code="07501", valid_from=D2024)
    assert new_tan_an.path == "24.213.07501."  # the code is new under the city: no era suffix needed
    # Units missing from the list (Yên Dũng, Lãng Sơn, old Bắc Ninh) are not retired by it: a reform file does.
    assert Locality.objects.get(path="24.221.07502.").valid_to is None


@pytest.mark.django_db
def test_a_new_version_is_linked_to_the_old_one_until_a_reform_says_otherwise():
    load_2023()
    import_units(table(THREE_TIER, BG_2024), "units-2024.csv", valid_from=D2024)
    old = Locality.objects.get(path="24.224.07301.")
    link = Succession.objects.get(predecessor=old)
    assert (link.successor.path, link.effective, link.is_default) == ("24.224~20241101.07301.", D2024, True)
    assert old.successor == link.successor


@pytest.mark.django_db
def test_rerun_reports_nothing_changed_and_earlier_lists_rerun_unchanged():
    load_all_eras()
    before = set(Locality.objects.values_list(*IDENTITY, "valid_to", "successor_id", "ground_paths"))
    links = set(Succession.objects.values_list("predecessor_id", "successor_id", "is_default", "share"))
    for lines, header, day in ((BG_2023 + BN_OLD, THREE_TIER, None), (BG_2024, THREE_TIER, D2024),
                               (BN_2025, TWO_TIER, D2025)):
        result = import_units(table(header, lines), "again.csv", valid_from=day)
        assert (result.created, result.changed, result.unchanged) == (0, 0, result.unchanged)
        assert result.nothing_changed
    assert set(Locality.objects.values_list(*IDENTITY, "valid_to", "successor_id", "ground_paths")) == before
    assert set(Succession.objects.values_list("predecessor_id", "successor_id", "is_default", "share")) == links


@pytest.mark.django_db
def test_a_change_without_a_date_is_refused():
    load_2023()
    renamed = [BG_2023[0].replace("Phường Thọ Xương", "Phường Thọ Xương Mới")]
    with pytest.raises(ImportRejected) as raised:
        import_units(table(THREE_TIER, renamed), "units.csv")
    assert raised.value.errors[0].line == 2 and "--valid-from" in raised.value.errors[0].message
    assert Locality.objects.get(code="07201").name == "Phường Thọ Xương"


@pytest.mark.django_db
def test_an_earlier_list_cannot_rewrite_a_replaced_unit():
    load_2023()
    load_2024()
    changed_2023 = [BG_2023[4].replace("Xã Tăng Tiến", "Xã Tăng Tiến Cũ")]
    before = snapshot()
    with pytest.raises(ImportRejected) as raised:
        import_units(table(THREE_TIER, changed_2023), "units.csv")
    assert "lịch sử" in raised.value.errors[0].message
    assert snapshot() == before


@pytest.mark.django_db
def test_two_tier_list_hangs_communes_under_the_province_and_reads_the_new_types():
    rows = [
        "Thành phố Hà Nội,01,Phường Ba Đình,00004,Phường,",
        "Tỉnh Quảng Ninh,22,Đặc khu Vân Đồn,07192,Đặc khu,",
        "Thành phố Huế,46,Xã Phong Điền,19819,Xã,Phong Dien Commune",
    ]
    result = import_units(table(TWO_TIER, rows), "current.csv", valid_from=D2025)
    assert result.counts == {Level.PROVINCE: 3, Level.DISTRICT: 0, Level.COMMUNE: 3}
    hanoi = Locality.objects.get(level=Level.PROVINCE, code="01")
    assert hanoi.unit_type == UnitType.THANH_PHO_TW
    assert Locality.objects.get(level=Level.PROVINCE, code="46").unit_type == UnitType.THANH_PHO_TW
    van_don = Locality.objects.get(code="07192")
    assert (van_don.unit_type, van_don.parent.code, van_don.path) == (UnitType.DAC_KHU, "22", "22.07192.")
    assert Locality.objects.get(code="19819").name_en == "Phong Dien Commune"


@pytest.mark.django_db
def test_island_districts_without_commune_of_the_2021_export_are_districts():
    rows = [
        "Thành phố Hải Phòng,31,Huyện Bạch Long Vĩ,318,,,Huyện,",
        "Tỉnh Quảng Ngãi,51,Huyện Lý Sơn,529,,,Huyện,",
        "Tỉnh Quảng Ngãi,51,Huyện Bình Sơn,524,Thị trấn Châu Ổ,20998,Thị trấn,",
    ]
    result = import_units(table(THREE_TIER, rows), "national-2021.csv")
    assert result.counts == {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 1}
    island = Locality.objects.get(level=Level.DISTRICT, code="318")
    assert (island.unit_type, island.parent.unit_type, island.children.count()) == (
        UnitType.HUYEN, UnitType.THANH_PHO_TW, 0)


@pytest.mark.django_db
def test_an_empty_commune_code_is_still_an_error_for_a_commune():
    rows = ["Tỉnh Quảng Ngãi,51,Huyện Bình Sơn,524,Xã Bình Sơn,,Xã,"]
    with pytest.raises(ImportRejected) as raised:
        import_units(table(THREE_TIER, rows), "units.csv")
    assert raised.value.errors[0].line == 2
    assert not Locality.objects.exists()


@pytest.mark.django_db
def test_a_unit_cannot_be_saved_twice_as_current_with_one_code():
    from django.db import IntegrityError, transaction

    load_2023()
    with pytest.raises(IntegrityError), transaction.atomic():
        Locality.objects.create(level=Level.COMMUNE, code="07201", name="Phường Khác", unit_type=UnitType.PHUONG,
                                parent=Locality.objects.get(path="24.213."), valid_from=D2025)

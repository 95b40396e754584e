"""Internal consistency of the committed unit lists and succession files (plain CSV, no database)."""

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "localities" / "data"
WITH_DISTRICTS = ["Tỉnh Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp", "Tên Tiếng Anh"]
NO_DISTRICTS = ["Tỉnh Thành Phố", "Mã TP", "Phường Xã", "Mã PX", "Cấp", "Tên Tiếng Anh"]
REFORM = ["Cấp cũ", "Mã cũ", "Ngày của mã cũ", "Cấp mới", "Mã mới", "Ngày hiệu lực", "Mặc định", "Tỷ lệ"]


def read(name: str) -> tuple[list[str], list[dict]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def units(name: str) -> dict[str, dict[str, tuple]]:
    """level -> code -> identity (name, type, parent code, parent name); asserts one identity per code."""
    header, rows = read(name)
    found: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        found["tinh"][row["Mã TP"]].add((row["Tỉnh Thành Phố"],))
        parent = (row["Mã TP"], row["Tỉnh Thành Phố"])
        if "Mã QH" in header:
            found["huyen"][row["Mã QH"]].add((row["Quận Huyện"], *parent))
            parent = (row["Mã QH"], row["Quận Huyện"])
        found["xa"][row["Mã PX"]].add((row["Phường Xã"], row["Cấp"], *parent))
    for level, codes in found.items():
        clashes = {code: ids for code, ids in codes.items() if len(ids) > 1}
        assert not clashes, f"{name}: {level} codes with two identities: {clashes}"
    return {level: {code: next(iter(ids)) for code, ids in codes.items()} for level, codes in found.items()}


BG_2023 = "bac-giang-2023-units.csv"
BG_2024 = "bac-giang-2024-units.csv"
BN_2024 = "bac-ninh-2024-units.csv"
BN_2025 = "bac-ninh-2025-units.csv"


@pytest.mark.parametrize(("name", "header"), [
    (BG_2023, WITH_DISTRICTS), (BG_2024, WITH_DISTRICTS), (BN_2024, WITH_DISTRICTS), (BN_2025, NO_DISTRICTS),
    ("reform-2024-bac-giang.csv", REFORM), ("reform-2025-bac-ninh.csv", REFORM),
])
def test_headers_are_the_agreed_layouts(name, header):
    assert read(name)[0] == header


@pytest.mark.parametrize(("name", "provinces", "districts", "communes", "types"), [
    (BG_2023, {"24"}, 10, 209, {"Xã": 182, "Phường": 10, "Thị trấn": 17}),
    (BG_2024, {"24"}, 10, 192, None),
    (BN_2024, {"27"}, 8, 121, None),
    (BN_2025, {"24"}, 0, 99, None),
])
def test_unit_counts_and_unique_codes(name, provinces, districts, communes, types):
    found = units(name)  # asserts one identity per (level, code)
    _, rows = read(name)
    assert set(found["tinh"]) == provinces
    assert len(found.get("huyen", {})) == districts
    assert len(found["xa"]) == len(rows) == communes  # commune codes are unique rows
    if types:
        assert Counter(row["Cấp"] for row in rows) == types
    assert all(re.fullmatch(r"\d{5}", code) for code in found["xa"])


def test_new_bac_ninh_is_province_24_with_two_tier_types():
    _, rows = read(BN_2025)
    assert {row["Tỉnh Thành Phố"] for row in rows} == {"Tỉnh Bắc Ninh"}
    assert set(Counter(row["Cấp"] for row in rows)) <= {"Xã", "Phường", "Đặc khu"}


def reform(name: str) -> list[dict]:
    rows = read(name)[1]
    for row in rows:
        assert row["Cấp cũ"] in {"tinh", "huyen", "xa"} and row["Cấp mới"] in {"tinh", "huyen", "xa"}
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", row["Ngày của mã cũ"]) and re.fullmatch(r"\d{4}-\d\d-\d\d",
                                                                                         row["Ngày hiệu lực"])
        assert row["Ngày của mã cũ"] < row["Ngày hiệu lực"]
        assert row["Mặc định"] in {"0", "1"}
        assert row["Tỷ lệ"] == "" or 0 < float(row["Tỷ lệ"]) <= 1
    return rows


def by_old_unit(rows: list[dict]) -> dict[tuple, list[dict]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[(row["Cấp cũ"], row["Mã cũ"], row["Ngày của mã cũ"])].append(row)
    return grouped


@pytest.mark.parametrize("name", ["reform-2024-bac-giang.csv", "reform-2025-bac-ninh.csv"])
def test_exactly_one_default_and_no_duplicate_pairs(name):
    rows = reform(name)
    for old, successors in by_old_unit(rows).items():
        assert sum(row["Mặc định"] == "1" for row in successors) == 1, old
        pairs = [(row["Cấp mới"], row["Mã mới"]) for row in successors]
        assert len(pairs) == len(set(pairs)), old
        shares = [row["Tỷ lệ"] for row in successors]
        if all(shares):
            assert sum(map(float, shares)) == pytest.approx(1), old


def test_reform_2024_covers_exactly_the_retired_2023_units():
    old, new = units(BG_2023), units(BG_2024)
    rows = reform("reform-2024-bac-giang.csv")
    assert {row["Ngày của mã cũ"] for row in rows} == {"2023-01-01"}
    assert {row["Ngày hiệu lực"] for row in rows} == {"2025-01-01"}
    retired = {(level, code) for level in ("huyen", "xa") for code, identity in old[level].items()
               if new[level].get(code) != identity}
    # Communes re-parented because their district was retired are retired too.
    retired_districts = {code for level, code in retired if level == "huyen"}
    retired |= {("xa", code) for code, identity in old["xa"].items() if identity[2] in retired_districts}
    assert {(row["Cấp cũ"], row["Mã cũ"]) for row in rows} == retired
    gone = {code for code, identity in old["xa"].items() if (code, identity) not in new["xa"].items()}
    assert gone <= {row["Mã cũ"] for row in rows if row["Cấp cũ"] == "xa"}
    for row in rows:
        assert row["Cấp mới"] == row["Cấp cũ"]
        assert row["Mã mới"] in new[row["Cấp mới"]], row


def test_reform_2024_known_changes():
    rows = {(row["Cấp cũ"], row["Mã cũ"]): row["Mã mới"] for row in reform("reform-2024-bac-giang.csv")}
    assert rows[("huyen", "221")] == "213"  # Huyện Yên Dũng merged into Thành phố Bắc Giang
    assert rows[("huyen", "222")] == "222"  # Huyện Việt Yên re-typed a thị xã: a new unit, same code
    assert rows[("xa", "07204")] == "07207"  # Phường Trần Nguyên Hãn into Phường Ngô Quyền
    assert rows[("xa", "07525")] == "07525"  # Thị trấn Chũ became Phường Chũ of the new Thị xã Chũ
    assert ("xa", "07615") not in rows  # Sơn Động's communes continue unchanged


def test_reform_2025_retires_every_old_unit_of_both_provinces():
    old_bg, old_bn, new = units(BG_2024), units(BN_2024), units(BN_2025)
    rows = reform("reform-2025-bac-ninh.csv")
    assert {row["Ngày của mã cũ"] for row in rows} == {"2025-06-30"}
    assert {row["Ngày hiệu lực"] for row in rows} == {"2025-07-01"}
    expected = {(level, code) for source in (old_bg, old_bn) for level, codes in source.items() for code in codes}
    assert {(row["Cấp cũ"], row["Mã cũ"]) for row in rows} == expected
    for row in rows:
        assert row["Mã mới"] in new[row["Cấp mới"]], row
        assert (row["Cấp cũ"], row["Cấp mới"]) in {("tinh", "tinh"), ("huyen", "xa"), ("xa", "xa")}
    commune_targets = {row["Mã mới"] for row in rows if row["Cấp cũ"] == "xa"}
    assert commune_targets == set(new["xa"])  # every new commune took the ground of at least one old one


def test_reform_2025_known_changes():
    defaults = {(row["Cấp cũ"], row["Mã cũ"]): row["Mã mới"]
                for row in reform("reform-2025-bac-ninh.csv") if row["Mặc định"] == "1"}
    assert defaults[("tinh", "24")] == "24" and defaults[("tinh", "27")] == "24"
    # Code reuse: 07840 named Thị trấn Thắng (Huyện Hiệp Hòa) until 30/6/2025 and Xã Hiệp Hoà since.
    assert units(BG_2024)["xa"]["07840"][0] == "Thị trấn Thắng"
    assert units(BN_2025)["xa"]["07840"][0] == "Xã Hiệp Hoà"
    assert defaults[("xa", "07840")] == "07840"
    assert units(BN_2025)["xa"]["09370"][0] == "Phường Tam Sơn"  # official code, not the draft's 09376
    assert defaults[("xa", "09376")] == "09370"  # Phường Tương Giang went into Phường Tam Sơn
    assert defaults[("huyen", "220")] == "07615"  # Huyện Sơn Động -> Xã Sơn Động
    assert units(BN_2025)["xa"]["07615"][0] == "Xã Sơn Động"

"""The current national list read from the pinned vietnam-provinces package."""

import csv
import importlib.util
import io
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from localities.data.national import NO_DISTRICT_HEADER, _code_fixes, current_country_csv, current_country_rows

DATA = Path(__file__).resolve().parents[2] / "localities" / "data"


def test_whole_country_counts_since_1_july_2025():
    rows = list(current_country_rows())
    assert len({row[1] for row in rows}) == 34
    assert len(rows) == len({row[3] for row in rows}) == 3321
    assert Counter(row[4] for row in rows) == {"Xã": 2621, "Phường": 687, "Đặc khu": 13}


def test_rows_use_the_export_layout_names_and_codes():
    rows = list(current_country_rows())
    provinces = {row[1]: row[0] for row in rows}
    assert provinces["01"] == "Thành phố Hà Nội"
    assert provinces["24"] == "Tỉnh Bắc Ninh"
    assert all(len(row) == len(NO_DISTRICT_HEADER) and len(row[1]) == 2 and len(row[3]) == 5 for row in rows)


def test_csv_matches_the_committed_bac_ninh_file():
    # The committed file was built from the same package version: a package bump that changes the
    # province must be followed by re-running localities/data/build/.
    parsed = list(csv.reader(io.StringIO(current_country_csv("24").decode("utf-8"))))
    assert tuple(parsed[0]) == NO_DISTRICT_HEADER
    committed = (DATA / "bac-ninh-2025-units.csv").read_text(encoding="utf-8")
    assert current_country_csv("24").decode("utf-8") == committed
    assert len(parsed) == 1 + 99


def test_official_codes_replace_the_draft_ones():
    rows = {row[3]: row for row in current_country_rows()}
    assert len(_code_fixes()) == 123
    assert rows["00082"][2] == "Phường Cửa Nam"  # the draft (and the package) said 00073
    assert rows["09370"][2] == "Phường Tam Sơn"  # the draft said 09376, Phường Tương Giang's old code
    assert "00073" not in rows and "09376" not in rows
    assert all("  " not in row[2] for row in rows.values())


@pytest.mark.skipif(importlib.util.find_spec("vietnamadminunits") is None, reason="dev extra not installed")
def test_codes_equal_the_official_list_published_in_vietnamadminunits():
    spec = importlib.util.find_spec("vietnamadminunits")
    db = Path(list(spec.submodule_search_locations)[0]) / "data" / "dataset.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        official = set(conn.execute("SELECT provinceCode, wardCode FROM admin_units"))
    assert {(row[1], row[3]) for row in current_country_rows()} == official

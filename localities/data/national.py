"""The current national list (since 1/7/2025: 34 provinces, 3,321 communes, no district level).

Read from the pinned `vietnam-provinces` package instead of a hand-kept file, in the official export layout
without district columns, so the loader reads it like any uploaded file. That release took its commune codes
from the Government's draft; `vietnam-provinces-code-fixes.csv` (built by `build/build_national_fixes.py`, see
README) puts the official codes of Công văn 1027/CTK-CSCL on the 123 communes where they differ.
"""

import csv
import io
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

NO_DISTRICT_HEADER = ("Tỉnh Thành Phố", "Mã TP", "Phường Xã", "Mã PX", "Cấp", "Tên Tiếng Anh")
FIXES_HEADER = ("Mã TP", "Phường Xã", "Mã PX vietnam-provinces", "Mã PX chính thức")
FIXES_FILE = Path(__file__).resolve().parent / "vietnam-provinces-code-fixes.csv"

# The package names provinces bare ("Bắc Ninh") and centrally-run cities in full ("Thành phố Hà Nội").
_PROVINCE_PREFIX = {"tỉnh": "Tỉnh ", "thành phố trung ương": ""}
_COMMUNE_TYPE = {"xã": "Xã", "phường": "Phường", "đặc khu": "Đặc khu"}


def province_name(name: str, division_type: str) -> str:
    return _PROVINCE_PREFIX[division_type] + name


@cache
def _code_fixes() -> dict[str, str]:
    with FIXES_FILE.open(encoding="utf-8", newline="") as handle:
        return {row[FIXES_HEADER[2]]: row[FIXES_HEADER[3]] for row in csv.DictReader(handle)}


def current_country_rows(province_code: str | None = None) -> Iterator[tuple[str, str, str, str, str, str]]:
    """One tuple per commune in NO_DISTRICT_HEADER order; codes zero-padded (province 2, commune 5 digits).

    The package carries no English names, so that column is empty (as in the 2023 export we hold).
    """
    fixes = _code_fixes()
    provinces = json.loads(NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    for province in sorted(provinces, key=lambda p: p["code"]):
        code = f"{province['code']:02d}"
        if province_code is not None and code != province_code:
            continue
        name = province_name(province["name"], province["division_type"])
        wards = [(fixes.get(f"{ward['code']:05d}", f"{ward['code']:05d}"), ward) for ward in province["wards"]]
        for ward_code, ward in sorted(wards, key=lambda pair: pair[0]):
            ward_name = re.sub(r"\s+", " ", ward["name"]).strip()  # a few names carry a doubled space
            yield (name, code, ward_name, ward_code, _COMMUNE_TYPE[ward["division_type"]], "")


def current_country_csv(province_code: str | None = None) -> bytes:
    """The same rows as a UTF-8 CSV file, ready for the importer."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(NO_DISTRICT_HEADER)
    writer.writerows(current_country_rows(province_code))
    return buffer.getvalue().encode("utf-8")

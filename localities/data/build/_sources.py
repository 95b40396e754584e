"""Shared readers for the data build scripts (not imported by the running site).

Both data packages are read from their installed files, never fetched:
- vietnamadminunits (dev dependency): the legacy 63-province list as it stood on 30/6/2025 and the
  2025 old -> new commune correspondence;
- vietnam-provinces (runtime dependency): the current 34-province / 3,321-commune list, read through
  localities.data.national so the site and the committed files agree.
"""

import csv
import importlib.metadata
import importlib.util
import json
import re
import sqlite3
import sys
import unicodedata
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = DATA_DIR.parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))  # so "localities.data.national" imports when run as a plain script

WITH_DISTRICTS = ["Tỉnh Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp", "Tên Tiếng Anh"]
REFORM_HEADER = ["Cấp cũ", "Mã cũ", "Ngày của mã cũ", "Cấp mới", "Mã mới", "Ngày hiệu lực", "Mặc định", "Tỷ lệ"]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def fold(text: str) -> str:
    """'Xã Hồng Kỳ' -> 'xahongky': the key form vietnamadminunits uses for names and aliases."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", plain.lower())


TYPE_PREFIXES = ("Thành phố", "Thị xã", "Thị trấn", "Huyện", "Quận", "Phường", "Xã", "Đặc khu", "Tỉnh")


def short_name(name: str) -> str:
    """'Thị xã Việt Yên' -> 'Việt Yên'."""
    for prefix in TYPE_PREFIXES:
        if name.startswith(prefix + " "):
            return name[len(prefix) + 1:]
    return name


def package_version(name: str) -> str:
    return importlib.metadata.version(name)


def _package_dir(name: str) -> Path:
    # Located without importing: vietnamadminunits' __init__ pulls in shapely/geopy.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"Package {name!r} is not installed; pip install -e '.[dev]' first.")
    return Path(list(spec.submodule_search_locations)[0])


def legacy_rows(province_code: str) -> list[dict]:
    """One province of vietnamadminunits' legacy (pre-1/7/2025) list, one dict per commune."""
    db = _package_dir("vietnamadminunits") / "data" / "dataset.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT province, provinceCode, provinceKey, districtType, districtShort, districtCode, districtKey,"
            " districtAlias, ward, wardType, wardShort, wardCode, wardKey, wardAlias"
            " FROM admin_units_legacy WHERE provinceCode = ? ORDER BY districtCode, wardCode",
            (province_code,),
        ).fetchall()
    result = []
    for row in rows:
        result.append({
            "province": nfc(row["province"]),
            "province_code": row["provinceCode"],
            "province_key": row["provinceKey"],
            # The package writes "Thị Xã Việt Yên"; official spelling is "Thị xã".
            "district": nfc(f"{row['districtType']} {row['districtShort']}"),
            "district_code": row["districtCode"],
            "district_key": row["districtKey"],
            "district_alias": json.loads(row["districtAlias"] or "[]"),
            "commune": nfc(row["ward"]),
            "commune_type": nfc(row["wardType"]),
            "commune_code": row["wardCode"],
            "commune_key": row["wardKey"],
            "commune_alias": json.loads(row["wardAlias"] or "[]"),
        })
    return result


def converter_2025() -> dict:
    path = _package_dir("vietnamadminunits") / "data" / "converter_2025.json"
    return json.loads(path.read_text(encoding="utf-8"))


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    sys.stdout.write(f"wrote {path.relative_to(REPO_ROOT)}: {len(rows)} rows\n")


def units_file_rows(communes: list[dict]) -> list[list[str]]:
    """Legacy communes -> rows of the official export layout with district columns."""
    return [
        [c["province"], c["province_code"], c["district"], c["district_code"],
         c["commune"], c["commune_code"], c["commune_type"], ""]
        for c in communes
    ]

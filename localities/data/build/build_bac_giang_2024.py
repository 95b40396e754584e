"""Build bac-giang-2024-units.csv and reform-2024-bac-giang.csv.

    python localities/data/build/build_bac_giang_2024.py

Reads the committed 2023 list and vietnamadminunits' legacy list (Bắc Giang as it stood on 30/6/2025, i.e. after
Resolution 938/NQ-UBTVQH15 — Việt Yên a thị xã — and Resolution 1191/NQ-UBTVQH15). A 2023 unit is "the same
unit" in 2024 when its code, name and type are unchanged and so is its parent; every other 2023 unit is retired
and gets one row per successor:
- same code in 2024 (renamed, re-typed, moved to another district, or the receiving unit of a merger that took a
  new name) -> that unit;
- code gone (merged into another unit) -> the 2024 unit of the same district family whose former names
  (vietnamadminunits' `wardAlias`) or current name is the old name.
Each retired unit has exactly one successor here, so `Mặc định` = 1 and `Tỷ lệ` = 1 (the whole ground).
"""

from _sources import (
    DATA_DIR,
    REFORM_HEADER,
    WITH_DISTRICTS,
    fold,
    legacy_rows,
    read_csv,
    units_file_rows,
    write_csv,
)

OLD_DATE = "2023-01-01"
# Resolution 1191/NQ-UBTVQH15 of 28/9/2024 took effect on 1/1/2025 (see README). The Việt Yên re-typing of
# Resolution 938 (1/2/2024) is recorded on the same date: the project holds no list as at 1/2/2024.
EFFECTIVE = "2025-01-01"


def load_2023() -> list[dict]:
    rows = read_csv(DATA_DIR / "bac-giang-2023-units.csv")
    return [{
        "province": r["Tỉnh Thành Phố"], "province_code": r["Mã TP"],
        "district": r["Quận Huyện"], "district_code": r["Mã QH"],
        "commune": r["Phường Xã"], "commune_code": r["Mã PX"], "commune_type": r["Cấp"],
    } for r in rows]


def districts(communes: list[dict]) -> dict[str, str]:
    return {c["district_code"]: c["district"] for c in communes}


def district_successors(old: dict[str, str], new_communes: list[dict]) -> dict[str, str]:
    """Retired district code -> successor district code (same code, or the district naming it as an alias)."""
    new = districts(new_communes)
    aliases = {c["district_code"]: c["district_alias"] for c in new_communes}
    result = {}
    for code, name in old.items():
        if new.get(code) == name:
            continue
        if code in new:
            result[code] = code
            continue
        absorbing = [new_code for new_code, alias in aliases.items() if fold(name) in alias]
        if len(absorbing) != 1:
            raise SystemExit(f"district {code} {name}: no single successor ({absorbing})")
        result[code] = absorbing[0]
    return result


def commune_successor(old: dict, new_communes: list[dict], by_code: dict, district_map: dict) -> str:
    if old["commune_code"] in by_code:
        return old["commune_code"]
    key = fold(old["commune"])
    family = {old["district_code"], district_map.get(old["district_code"], old["district_code"])}
    matches = [
        c["commune_code"] for c in new_communes
        if c["district_code"] in family and (key in c["commune_alias"] or fold(c["commune"]) == key)
    ]
    if len(matches) != 1:
        raise SystemExit(f"commune {old['commune_code']} {old['commune']}: no single successor ({matches})")
    return matches[0]


def identity(commune: dict, district_names: dict[str, str]) -> tuple:
    code = commune["district_code"]
    return (commune["commune_code"], commune["commune"], commune["commune_type"], code, district_names[code])


def reform_rows(old_communes: list[dict], new_communes: list[dict]) -> list[list[str]]:
    old_districts, new_districts = districts(old_communes), districts(new_communes)
    district_map = district_successors(old_districts, new_communes)
    rows = [["huyen", code, OLD_DATE, "huyen", successor, EFFECTIVE, "1", "1"]
            for code, successor in sorted(district_map.items())]
    by_code = {c["commune_code"]: c for c in new_communes}
    current = {identity(c, new_districts) for c in new_communes}
    for old in old_communes:
        if identity(old, old_districts) in current:
            continue  # the same unit continues
        successor = commune_successor(old, new_communes, by_code, district_map)
        rows.append(["xa", old["commune_code"], OLD_DATE, "xa", successor, EFFECTIVE, "1", "1"])
    return rows


def main() -> None:
    new_communes = legacy_rows("24")
    if len(new_communes) != 192:
        raise SystemExit(f"expected 192 communes of Bắc Giang in the legacy list, got {len(new_communes)}")
    write_csv(DATA_DIR / "bac-giang-2024-units.csv", WITH_DISTRICTS, units_file_rows(new_communes))
    write_csv(DATA_DIR / "reform-2024-bac-giang.csv", REFORM_HEADER, reform_rows(load_2023(), new_communes))


if __name__ == "__main__":
    main()

"""Build bac-ninh-2025-units.csv, bac-ninh-2024-units.csv and reform-2025-bac-ninh.csv.

    python localities/data/build/build_bac_ninh_2025.py

- The new Tỉnh Bắc Ninh (code 24 since 1/7/2025, 99 communes) comes from vietnam-provinces, through
  localities.data.national (the same reader the site uses for the whole country, which puts the official
  codes on the communes where the package kept the draft's: run build_national_fixes.py first).
- Old Tỉnh Bắc Ninh (code 27) as it stood on 30/6/2025 comes from vietnamadminunits' legacy list.
- Old commune -> new commune comes from vietnamadminunits' converter_2025.json (DICT_PROVINCE_WARD_NO_DIVIDED for
  communes that went whole into one new commune, DICT_PROVINCE_WARD_DIVIDED for split ones, with the package's
  own default). The package names new communes by key, so they are matched to vietnam-provinces' codes by name.
- Every old unit is retired on 1/7/2025 (the province changes, districts vanish), so every old province,
  district and commune gets rows. A district has no successor in law: its rows list the new communes that took
  its communes. The default is the new commune named after the district if there is one (the 2025 communes
  named so were formed around the district seat), else the one that took most of its communes (ties: the one
  that took the district's lowest-coded commune, in GSO order usually its seat). They serve regrouping only.
"""

from collections import Counter

from _sources import (
    DATA_DIR,
    REFORM_HEADER,
    WITH_DISTRICTS,
    converter_2025,
    fold,
    legacy_rows,
    short_name,
    units_file_rows,
    write_csv,
)

from localities.data.national import NO_DISTRICT_HEADER, current_country_rows

NEW_PROVINCE = "24"
OLD_PROVINCES = ("24", "27")  # Bắc Giang, Bắc Ninh
NEW_PROVINCE_KEY = "tinhbacninh"
OLD_DATE = "2025-06-30"
EFFECTIVE = "2025-07-01"  # Resolution 202/2025/QH15 and Resolution 1658/NQ-UBTVQH15


def new_codes_by_key(new_rows: list[tuple]) -> dict[str, str]:
    by_key = {fold(name): code for _, _, name, code, _, _ in new_rows}
    if len(by_key) != len(new_rows):
        raise SystemExit("two new communes fold to the same name key")
    return by_key


def commune_successors(old: list[dict], codes_by_key: dict[str, str]) -> dict[str, list[tuple[str, bool]]]:
    """Old commune code -> [(new commune code, is default)], from vietnamadminunits' correspondence."""
    data = converter_2025()
    whole = data["DICT_PROVINCE_WARD_NO_DIVIDED"][NEW_PROVINCE_KEY]
    divided = data["DICT_PROVINCE_WARD_DIVIDED"].get(NEW_PROVINCE_KEY, {})
    target_by_old_key = {old_key: new_key for new_key, old_keys in whole.items() for old_key in old_keys}
    result = {}
    for commune in old:
        key = f"{commune['province_key']}_{commune['district_key']}_{commune['commune_key']}"
        if key in target_by_old_key:
            targets = [(target_by_old_key[key], True)]
        elif key in divided:
            targets = [(part["newWardKey"], part["isDefaultNewWard"]) for part in divided[key]]
        else:
            raise SystemExit(f"no 2025 successor for {commune['commune_code']} {commune['commune']}")
        result[commune["commune_code"]] = [(codes_by_key[new_key], default) for new_key, default in targets]
        if sum(default for _, default in result[commune["commune_code"]]) != 1:
            raise SystemExit(f"{commune['commune_code']}: not exactly one default successor")
    return result


def district_default(communes: list[dict], successors: dict, names: dict[str, str]) -> str:
    taken = Counter(code for c in communes for code, default in successors[c["commune_code"]] if default)
    district_key = fold(short_name(communes[0]["district"]))
    named = [code for code in taken if fold(short_name(names[code])) == district_key]
    if len(named) == 1:
        return named[0]
    seat = successors[min(communes, key=lambda c: c["commune_code"])["commune_code"]]
    seat_code = next(code for code, default in seat if default)
    return max(taken, key=lambda code: (taken[code], code == seat_code))


def district_rows(old: list[dict], successors: dict, names: dict[str, str]) -> list[list[str]]:
    rows = []
    by_district: dict[str, list[dict]] = {}
    for commune in old:
        by_district.setdefault(commune["district_code"], []).append(commune)
    for district_code, communes in sorted(by_district.items()):
        default = district_default(communes, successors, names)
        targets = sorted({code for c in communes for code, _ in successors[c["commune_code"]]})
        rows.extend(["huyen", district_code, OLD_DATE, "xa", code, EFFECTIVE, "1" if code == default else "0", ""]
                    for code in targets)
    return rows


def reform_rows(old: list[dict], successors: dict, names: dict[str, str]) -> list[list[str]]:
    rows = [["tinh", code, OLD_DATE, "tinh", NEW_PROVINCE, EFFECTIVE, "1", "1"] for code in OLD_PROVINCES]
    rows += district_rows(old, successors, names)
    for commune in old:
        targets = successors[commune["commune_code"]]
        share = "1" if len(targets) == 1 else ""  # the package gives no shares for split communes
        rows.extend(["xa", commune["commune_code"], OLD_DATE, "xa", code, EFFECTIVE, "1" if default else "0", share]
                    for code, default in targets)
    return rows


def main() -> None:
    new_rows = list(current_country_rows(NEW_PROVINCE))
    if len(new_rows) != 99:
        raise SystemExit(f"expected 99 communes in the new Tỉnh Bắc Ninh, got {len(new_rows)}")
    write_csv(DATA_DIR / "bac-ninh-2025-units.csv", list(NO_DISTRICT_HEADER), [list(r) for r in new_rows])

    old_bac_ninh = legacy_rows("27")
    write_csv(DATA_DIR / "bac-ninh-2024-units.csv", WITH_DISTRICTS, units_file_rows(old_bac_ninh))

    old = legacy_rows("24") + old_bac_ninh
    successors = commune_successors(old, new_codes_by_key(new_rows))
    names = {code: name for _, _, name, code, _, _ in new_rows}
    write_csv(DATA_DIR / "reform-2025-bac-ninh.csv", REFORM_HEADER, reform_rows(old, successors, names))


if __name__ == "__main__":
    main()

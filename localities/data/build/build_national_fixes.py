"""Build vietnam-provinces-code-fixes.csv: where vietnam-provinces 2025.10.1 disagrees with the official codes.

    python localities/data/build/build_national_fixes.py

vietnam-provinces up to 2025.10.1 took its codes from the Government's *draft* decision; the official list
(Công văn 1027/CTK-CSCL of 25/6/2025, issued with Quyết định 19/2025/QĐ-TTg) gives a different code to 123
of the 3,321 communes (names and provinces agree). Its 2026.1.0 release switched to the official data but is
not on the package index this project installs from, so localities.data.national applies this table on top
of the pinned package. The official codes are taken from vietnamadminunits 1.0.4 (its 34-province table
matches the published 1027 list, checked by hand for Hà Nội and Bắc Ninh); communes are matched by province
and name (diacritics folded; names whose folded forms collide must have the same codes in both packages).
"""

from collections import defaultdict

from _sources import DATA_DIR, _package_dir, fold, nfc, write_csv

from localities.data.national import FIXES_HEADER, current_country_rows

FIXES = DATA_DIR / "vietnam-provinces-code-fixes.csv"


def official_codes() -> dict[tuple[str, str], set[str]]:
    import sqlite3

    db = _package_dir("vietnamadminunits") / "data" / "dataset.db"
    found = defaultdict(set)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        for province_code, name, code in conn.execute("SELECT provinceCode, ward, wardCode FROM admin_units"):
            found[(province_code, fold(nfc(name)))].add(code)
    return found


def main() -> None:
    FIXES.write_text(",".join(FIXES_HEADER) + "\n", encoding="utf-8")  # read the package's own codes
    rows = list(current_country_rows())
    official = official_codes()
    package = defaultdict(set)
    for row in rows:
        package[(row[1], fold(row[2]))].add(row[3])
    if set(package) != set(official):
        raise SystemExit("the two packages do not name the same communes")
    fixes = []
    for row in rows:
        key = (row[1], fold(row[2]))
        if package[key] == official[key]:
            continue
        if len(official[key]) != 1:
            raise SystemExit(f"{row}: ambiguous name with different codes")
        fixes.append([row[1], row[2], row[3], next(iter(official[key]))])
    write_csv(FIXES, list(FIXES_HEADER), sorted(fixes, key=lambda fix: (fix[0], fix[2])))


if __name__ == "__main__":
    main()

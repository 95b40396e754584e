"""A synthetic national list in the layout of the 2021 GSO export (no tests here): 63 provinces (the first
five "Thành phố ..."), 705 district-level units, 10,599 communes; five island districts have no commune
(an empty commune code, `Cấp` = "Huyện"), as in the published file."""

import csv
import io

PROVINCES, DISTRICTS, COMMUNES, ISLANDS = 63, 705, 10_599, 5
HEADER = ["Tỉnh Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp", "Tên Tiếng Anh"]
KINDS = [("Xã", "Xã"), ("Phường", "Phường"), ("Thị trấn", "Thị trấn")]


def national_rows(suffix: str = ""):
    """Yield the rows; `suffix` is appended to every commune name (a list that renames them all)."""
    districts_with_communes = DISTRICTS - ISLANDS
    district = commune = 0
    for p in range(1, PROVINCES + 1):
        province = (f"Thành phố T{p:02d}" if p <= 5 else f"Tỉnh T{p:02d}", f"{p:02d}")
        for _ in range(DISTRICTS // PROVINCES + (p <= DISTRICTS % PROVINCES)):
            district += 1
            name = f"Huyện H{district:03d}" if district % 7 else f"Quận H{district:03d}"
            if district > districts_with_communes:  # the island districts come last
                yield [*province, f"Huyện đảo {district:03d}", f"{district:03d}", "", "", "Huyện", ""]
                continue
            per_district = COMMUNES // districts_with_communes + (
                district <= COMMUNES % districts_with_communes)
            for _ in range(per_district):
                commune += 1
                prefix, kind = KINDS[commune % 3]
                yield [*province, name, f"{district:03d}", f"{prefix} X{commune:05d}{suffix}",
                       f"{commune:05d}", kind, f"Commune {commune}"]


def national_csv(suffix: str = "") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(national_rows(suffix))
    return buffer.getvalue().encode("utf-8")

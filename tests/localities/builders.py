"""A small two-province world through three eras, as files in the official layouts (no tests here).

2023 (no date): Tỉnh Bắc Giang 24 — Thành phố Bắc Giang 213 (Thọ Xương 07201, Trần Nguyên Hãn 07204),
  Huyện Yên Dũng 221 (Xã Tân An 07501, Xã Lãng Sơn 07502), Huyện Việt Yên 224 (Xã Tăng Tiến 07301);
  Tỉnh Bắc Ninh 27 — Thành phố Bắc Ninh 256 (Phường Vũ Ninh 09190), Huyện Quế Võ 258 (Xã Phù Lãng 09300).
2024-11-01: Yên Dũng merges into the city (Tân An becomes a phường of the city, Lãng Sơn merges into it);
  Việt Yên becomes a thị xã (its commune a phường).
2025-07-01: no districts; Tỉnh Bắc Ninh carries code 24; Phường Bắc Giang 07201 takes the city's three
  phường, Phường Việt Yên 07301, Phường Kinh Bắc 09190; Phù Lãng is split between Xã Quế Võ 09300
  (default, 0.6) and Kinh Bắc (0.4).
"""

import datetime

from localities.reform import REFORM_COLUMNS
from localities.services import import_units

THREE_TIER = "Tỉnh Thành Phố,Mã TP,Quận Huyện,Mã QH,Phường Xã,Mã PX,Cấp,Tên Tiếng Anh"
TWO_TIER = "Tỉnh Thành Phố,Mã TP,Phường Xã,Mã PX,Cấp,Tên Tiếng Anh"
REFORM_HEADER = ",".join([*REFORM_COLUMNS, "Tỷ lệ"])

D2024, D2025 = datetime.date(2024, 11, 1), datetime.date(2025, 7, 1)

BG_2023 = [
    "Tỉnh Bắc Giang,24,Thành phố Bắc Giang,213,Phường Thọ Xương,07201,Phường,",
    "Tỉnh Bắc Giang,24,Thành phố Bắc Giang,213,Phường Trần Nguyên Hãn,07204,Phường,",
    "Tỉnh Bắc Giang,24,Huyện Yên Dũng,221,Xã Tân An,07501,Xã,",
    "Tỉnh Bắc Giang,24,Huyện Yên Dũng,221,Xã Lãng Sơn,07502,Xã,",
    "Tỉnh Bắc Giang,24,Huyện Việt Yên,224,Xã Tăng Tiến,07301,Xã,",
]
BN_OLD = [
    "Tỉnh Bắc Ninh,27,Thành phố Bắc Ninh,256,Phường Vũ Ninh,09190,Phường,",
    "Tỉnh Bắc Ninh,27,Huyện Quế Võ,258,Xã Phù Lãng,09300,Xã,",
]
BG_2024 = [
    "Tỉnh Bắc Giang,24,Thành phố Bắc Giang,213,Phường Thọ Xương,07201,Phường,",
    "Tỉnh Bắc Giang,24,Thành phố Bắc Giang,213,Phường Trần Nguyên Hãn,07204,Phường,",
    "Tỉnh Bắc Giang,24,Thành phố Bắc Giang,213,Phường Tân An,07501,Phường,",
    "Tỉnh Bắc Giang,24,Thị xã Việt Yên,224,Phường Tăng Tiến,07301,Phường,",
]
REFORM_2024 = [
    "xa,07501,2024-10-31,xa,07501,2024-11-01,1,",
    "xa,07502,2024-10-31,xa,07501,2024-11-01,1,",
    "huyen,221,2024-10-31,huyen,213,2024-11-01,1,",
]
BN_2025 = [
    "Tỉnh Bắc Ninh,24,Phường Bắc Giang,07201,Phường,",
    "Tỉnh Bắc Ninh,24,Phường Việt Yên,07301,Phường,",
    "Tỉnh Bắc Ninh,24,Phường Kinh Bắc,09190,Phường,",
    "Tỉnh Bắc Ninh,24,Xã Quế Võ,09300,Xã,",
]
REFORM_2025 = [
    "tinh,24,2025-06-30,tinh,24,2025-07-01,1,",
    "tinh,27,2025-06-30,tinh,24,2025-07-01,1,",
    "huyen,213,2025-06-30,tinh,24,2025-07-01,1,",
    "huyen,224,2025-06-30,tinh,24,2025-07-01,1,",
    "huyen,256,2025-06-30,tinh,24,2025-07-01,1,",
    "huyen,258,2025-06-30,tinh,24,2025-07-01,1,",
    "xa,07201,2025-06-30,xa,07201,2025-07-01,1,",
    "xa,07204,2025-06-30,xa,07201,2025-07-01,1,",
    "xa,07501,2025-06-30,xa,07201,2025-07-01,1,",
    "xa,07301,2025-06-30,xa,07301,2025-07-01,1,",
    "xa,09190,2025-06-30,xa,09190,2025-07-01,1,",
    "xa,09300,2025-06-30,xa,09300,2025-07-01,1,0.6",
    "xa,09300,2025-06-30,xa,09190,2025-07-01,0,0.4",
]


def table(header: str, lines: list[str]) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def write(tmp_path, name: str, header: str, lines: list[str]):
    path = tmp_path / name
    path.write_bytes(table(header, lines))
    return path


def load_2023():
    return import_units(table(THREE_TIER, BG_2023 + BN_OLD), "units-2023.csv")


def load_2024():
    from localities.reform import import_reform

    result = import_units(table(THREE_TIER, BG_2024), "units-2024.csv", valid_from=D2024)
    import_reform(table(REFORM_HEADER, REFORM_2024), "reform-2024.csv")
    return result


def load_2025():
    from localities.reform import import_reform

    result = import_units(table(TWO_TIER, BN_2025), "units-2025.csv", valid_from=D2025)
    import_reform(table(REFORM_HEADER, REFORM_2025), "reform-2025.csv")
    return result


def load_all_eras():
    load_2023()
    load_2024()
    load_2025()

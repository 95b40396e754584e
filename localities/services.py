"""Importing the official administrative-unit list (GSO export layout)."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from lms.tabular import ImportRejected, Row, RowError, read_table

from .models import Level, Locality, UnitType

COL_PROVINCE, COL_PROVINCE_CODE = "Tỉnh Thành Phố", "Mã TP"
COL_DISTRICT, COL_DISTRICT_CODE = "Quận Huyện", "Mã QH"
COL_COMMUNE, COL_COMMUNE_CODE = "Phường Xã", "Mã PX"
COL_COMMUNE_TYPE, COL_NAME_EN = "Cấp", "Tên Tiếng Anh"
REQUIRED_COLUMNS = [COL_PROVINCE, COL_PROVINCE_CODE, COL_DISTRICT, COL_DISTRICT_CODE,
                    COL_COMMUNE, COL_COMMUNE_CODE, COL_COMMUNE_TYPE]
MAX_UNIT_ROWS = 20_000  # the national list had about 11,000 units (three tiers, before 1/7/2025)
CODE_LENGTHS = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}

# Unit type from the official name's prefix; longest prefixes first.
NAME_PREFIXES = [
    ("thành phố trực thuộc trung ương", UnitType.THANH_PHO_TW),
    ("thành phố", UnitType.THANH_PHO),
    ("thị trấn", UnitType.THI_TRAN),
    ("thị xã", UnitType.THI_XA),
    ("tỉnh", UnitType.TINH),
    ("quận", UnitType.QUAN),
    ("huyện", UnitType.HUYEN),
    ("phường", UnitType.PHUONG),
    ("xã", UnitType.XA),
]


@dataclass
class UnitRecord:
    level: str
    code: str
    name: str
    unit_type: str
    parent_code: str | None
    name_en: str = ""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    counts: dict = field(default_factory=dict)


def unit_type_from_name(name: str) -> str | None:
    """"Huyện Hiệp Hòa" → huyen; a bare type such as "Thị trấn" is read the same way."""
    lowered = name.strip().lower() + " "
    for prefix, unit_type in NAME_PREFIXES:
        if lowered.startswith(prefix + " "):
            return unit_type
    return None


def import_units(data: bytes, filename: str, valid_from: date | None = None) -> ImportResult:
    """Validate every row, then upsert all units by (level, code) in one transaction."""
    rows = read_table(data, filename, REQUIRED_COLUMNS, max_rows=MAX_UNIT_ROWS)
    units, errors = _parse_rows(rows)
    if errors:
        raise ImportRejected(errors)
    return _upsert(units, valid_from)


def _parse_rows(rows: list[Row]) -> tuple[dict[tuple[str, str], UnitRecord], list[RowError]]:
    units: dict[tuple[str, str], UnitRecord] = {}
    errors: list[RowError] = []
    for row in rows:
        records, row_errors = _row_units(row)
        for record in records:
            problem = _conflict(units.get((record.level, record.code)), record)
            if problem:
                row_errors.append(problem)
            units.setdefault((record.level, record.code), record)
        errors.extend(RowError(row.line, message) for message in row_errors)
    return units, errors


def _row_units(row: Row) -> tuple[list[UnitRecord], list[str]]:
    errors: list[str] = []
    province_code = _code(row, COL_PROVINCE_CODE, Level.PROVINCE, errors)
    district_code = _code(row, COL_DISTRICT_CODE, Level.DISTRICT, errors)
    commune_code = _code(row, COL_COMMUNE_CODE, Level.COMMUNE, errors)
    province_type = _name_type(row.get(COL_PROVINCE), errors)
    district_type = _name_type(row.get(COL_DISTRICT), errors)
    commune_type = _name_type(row.get(COL_COMMUNE_TYPE), errors)
    if errors:
        return [], errors
    return [
        UnitRecord(Level.PROVINCE, province_code, row.get(COL_PROVINCE), province_type, None),
        UnitRecord(Level.DISTRICT, district_code, row.get(COL_DISTRICT), district_type, province_code),
        UnitRecord(Level.COMMUNE, commune_code, row.get(COL_COMMUNE), commune_type, district_code,
                   row.get(COL_NAME_EN)),
    ], []


def _code(row: Row, column: str, level: str, errors: list[str]) -> str:
    value = row.get(column)
    length = CODE_LENGTHS[level]
    if not value.isdigit() or len(value) > length:
        errors.append(_("cột “%(column)s” phải là mã số tối đa %(length)s chữ số, nhận được “%(value)s”")
                      % {"column": column, "length": length, "value": value})
        return ""
    return value.zfill(length)  # spreadsheets drop leading zeros: "7201" is "07201"


def _name_type(name: str, errors: list[str]) -> str:
    unit_type = unit_type_from_name(name)
    if unit_type is None:
        errors.append(_("không nhận ra loại đơn vị của “%(name)s”") % {"name": name})
    return unit_type or ""




def _conflict(existing: UnitRecord | None, record: UnitRecord) -> str | None:
    if existing is None:
        return None
    if record.level == Level.COMMUNE:
        return _("mã xã %(code)s bị lặp") % {"code": record.code}
    if (existing.name, existing.parent_code) != (record.name, record.parent_code):
        return _("mã %(code)s đã dùng cho “%(name)s” ở dòng trước") % {
            "code": record.code, "name": existing.name}
    return None


@transaction.atomic
def _upsert(units: dict[tuple[str, str], UnitRecord], valid_from: date | None) -> ImportResult:
    result = ImportResult()
    by_level: dict[str, dict[str, Locality]] = {}
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        parents = by_level.get(_parent_level(level), {})
        saved = {}
        for record in (u for u in units.values() if u.level == level):
            locality, created = Locality.objects.update_or_create(
                level=level, code=record.code,
                defaults={
                    "name": record.name, "name_en": record.name_en, "unit_type": record.unit_type,
                    "parent": parents.get(record.parent_code),
                },
                create_defaults={
                    "name": record.name, "name_en": record.name_en, "unit_type": record.unit_type,
                    "parent": parents.get(record.parent_code), "valid_from": valid_from,
                },
            )
            saved[record.code] = locality
            result.created += created
            result.updated += not created
        by_level[level] = saved
        result.counts[level] = len(saved)
    return result


def _parent_level(level: str) -> str | None:
    return {Level.DISTRICT: Level.PROVINCE, Level.COMMUNE: Level.DISTRICT}.get(level)

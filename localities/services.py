"""Loading the official administrative-unit lists (GSO export layout, with or without districts).

A list describes the units as they are from `valid_from` on. A unit of the list that matches the current
unit with its code (same name, type and parent) continues unchanged; one that differs retires the current
unit (valid_to = valid_from - 1 day) and becomes a new unit, linked to the old one as its default successor
(a reform file may say otherwise: see localities.reform). Current units missing from the list are left as
they are: only a reform file retires a unit that has no new version.
"""

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from lms.tabular import ImportRejected, Row, RowError, read_table

from .bulk import update_column
from .grounds import refresh_grounds
from .models import Level, Locality, Succession, UnitType, path_segment

COL_PROVINCE, COL_PROVINCE_CODE = "Tỉnh Thành Phố", "Mã TP"
COL_DISTRICT, COL_DISTRICT_CODE = "Quận Huyện", "Mã QH"
COL_COMMUNE, COL_COMMUNE_CODE = "Phường Xã", "Mã PX"
COL_COMMUNE_TYPE, COL_NAME_EN = "Cấp", "Tên Tiếng Anh"
# The 2025 export has no district columns; the three-tier one (up to 30/6/2025) has them.
TWO_TIER_COLUMNS = [COL_PROVINCE, COL_PROVINCE_CODE, COL_COMMUNE, COL_COMMUNE_CODE, COL_COMMUNE_TYPE]
REQUIRED_COLUMNS = [COL_PROVINCE, COL_PROVINCE_CODE, COL_DISTRICT, COL_DISTRICT_CODE,
                    COL_COMMUNE, COL_COMMUNE_CODE, COL_COMMUNE_TYPE]
MAX_UNIT_ROWS = 20_000  # the national list had about 11,000 units (three tiers, before 1/7/2025)
CODE_LENGTHS = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}
LEVELS = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
BATCH = 1000

# Unit type from the official name's prefix (or the bare `Cấp` value); longest prefixes first.
NAME_PREFIXES = [
    ("thành phố trực thuộc trung ương", UnitType.THANH_PHO_TW),
    ("thành phố", UnitType.THANH_PHO),
    ("thị trấn", UnitType.THI_TRAN),
    ("thị xã", UnitType.THI_XA),
    ("đặc khu", UnitType.DAC_KHU),
    ("tỉnh", UnitType.TINH),
    ("quận", UnitType.QUAN),
    ("huyện", UnitType.HUYEN),
    ("phường", UnitType.PHUONG),
    ("xã", UnitType.XA),
]
COMMUNE_TYPES = {UnitType.XA, UnitType.PHUONG, UnitType.THI_TRAN, UnitType.DAC_KHU}

Key = tuple[str, str]  # (level, code)


@dataclass
class UnitRecord:
    level: str
    code: str
    name: str
    unit_type: str
    parent: Key | None
    name_en: str = ""
    line: int = 0  # first line of the file that names it

    @property
    def key(self) -> Key:
        return (self.level, self.code)


@dataclass
class ImportResult:
    created: int = 0     # codes that had no current unit
    changed: int = 0     # current units that differed: retired, and a new unit created in their place
    unchanged: int = 0   # the same unit continues
    name_en_filled: int = 0  # English names written onto units that continue (not part of a unit's identity)
    counts: dict = field(default_factory=dict)

    @property
    def nothing_changed(self) -> bool:
        return not (self.created or self.changed or self.name_en_filled)


@functools.lru_cache(maxsize=4096)  # province and district names repeat on every row of their communes
def unit_type_from_name(name: str) -> str | None:
    """"Huyện Hiệp Hòa" → huyen; a bare type such as "Thị trấn" is read the same way."""
    lowered = " ".join(name.split()).lower() + " "
    for prefix, unit_type in NAME_PREFIXES:
        if lowered.startswith(prefix + " "):
            return unit_type
    return None


def import_units(data: bytes, filename: str, valid_from: date | None = None) -> ImportResult:
    """Validate every row, then write the list as of `valid_from` in one transaction (all or nothing)."""
    rows = read_table(data, filename, TWO_TIER_COLUMNS, max_rows=MAX_UNIT_ROWS)
    has_districts = bool(rows) and (COL_DISTRICT_CODE in rows[0].values or COL_DISTRICT in rows[0].values)
    if has_districts:
        missing = [c for c in (COL_DISTRICT, COL_DISTRICT_CODE) if c not in rows[0].values]
        if missing:
            raise ImportRejected([RowError(1, _("Thiếu cột: %(columns)s") % {"columns": ", ".join(missing)})])
    return import_rows(rows, has_districts, valid_from)


def import_rows(rows: list[Row], has_districts: bool, valid_from: date | None = None) -> ImportResult:
    units, errors = _parse_rows(rows, has_districts)
    if errors:
        raise ImportRejected(errors)
    return _write(units, valid_from)


def _parse_rows(rows: list[Row], has_districts: bool) -> tuple[dict[Key, UnitRecord], list[RowError]]:
    units: dict[Key, UnitRecord] = {}
    errors: list[RowError] = []
    for row in rows:
        records, row_errors = _row_units(row, has_districts)
        for record in records:
            problem = _conflict(units.get(record.key), record)
            if problem:
                row_errors.append(problem)
            units.setdefault(record.key, record)
        errors.extend(RowError(row.line, message) for message in row_errors)
    return units, errors


def _row_units(row: Row, has_districts: bool) -> tuple[list[UnitRecord], list[str]]:
    errors: list[str] = []
    records = _row_records(row, has_districts, errors)
    for record in records:
        record.line = row.line
    return ([] if errors else records), errors


def _row_records(row: Row, has_districts: bool, errors: list[str]) -> list[UnitRecord]:
    province = UnitRecord(Level.PROVINCE, _code(row, COL_PROVINCE_CODE, Level.PROVINCE, errors),
                          row.get(COL_PROVINCE), _province_type(row.get(COL_PROVINCE), errors), None)
    records = [province]
    if has_districts:
        records.append(UnitRecord(Level.DISTRICT, _code(row, COL_DISTRICT_CODE, Level.DISTRICT, errors),
                                  row.get(COL_DISTRICT), _name_type(row.get(COL_DISTRICT), errors), province.key))
    if not _is_district_without_commune(row, has_districts):
        kind = _name_type(row.get(COL_COMMUNE_TYPE), errors)
        if kind and kind not in COMMUNE_TYPES:
            errors.append(_("“%(kind)s” không phải loại đơn vị cấp xã") % {"kind": row.get(COL_COMMUNE_TYPE)})
        records.append(UnitRecord(Level.COMMUNE, _code(row, COL_COMMUNE_CODE, Level.COMMUNE, errors),
                                  row.get(COL_COMMUNE), kind, records[-1].key, row.get(COL_NAME_EN)))
    return records


def _is_district_without_commune(row: Row, has_districts: bool) -> bool:
    """The 2021 national export lists island districts that have no commune (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa,
    Lý Sơn, Côn Đảo) with an empty commune code and `Cấp` = "Huyện"."""
    return (has_districts and not row.get(COL_COMMUNE_CODE)
            and unit_type_from_name(row.get(COL_COMMUNE_TYPE)) == UnitType.HUYEN)


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


def _province_type(name: str, errors: list[str]) -> str:
    """A province-level "Thành phố X" (Hà Nội, Hồ Chí Minh, Hải Phòng, Đà Nẵng, Cần Thơ, Huế since 2025) is a
    centrally-run city."""
    unit_type = _name_type(name, errors)
    if unit_type == UnitType.THANH_PHO:
        return UnitType.THANH_PHO_TW
    if unit_type and unit_type not in (UnitType.TINH, UnitType.THANH_PHO_TW):
        errors.append(_("“%(name)s” không phải tên một tỉnh hay thành phố trực thuộc trung ương") % {"name": name})
    return unit_type


def _conflict(existing: UnitRecord | None, record: UnitRecord) -> str | None:
    if existing is None:
        return None
    if record.level == Level.COMMUNE:
        return _("mã xã %(code)s bị lặp") % {"code": record.code}
    if (existing.name, existing.parent) != (record.name, record.parent):
        return _("mã %(code)s đã dùng cho “%(name)s” ở dòng trước") % {
            "code": record.code, "name": existing.name}
    return None


# --- Writing -------------------------------------------------------------------------------------------

@dataclass(eq=False)
class Known:
    """A unit already stored, as plain values (a national list is 11,000 of them: model instances cost
    a second more on every rerun)."""
    pk: int
    level: str
    code: str
    name: str
    name_en: str
    unit_type: str
    parent_id: int | None
    path: str
    valid_from: date | None
    valid_to: date | None


@dataclass
class _Plan:
    valid_from: date | None
    in_force: dict[Key, Known]  # the unit of each code in force on valid_from (of any later fate)
    current: dict[Key, date | None]  # code of every current unit -> its valid_from
    paths: set[str]
    resolved: dict[Key, Known | Locality] = field(default_factory=dict)
    result: ImportResult = field(default_factory=ImportResult)
    errors: list[RowError] = field(default_factory=list)


@transaction.atomic
def _write(units: dict[Key, UnitRecord], valid_from: date | None) -> ImportResult:
    plan = _Plan(valid_from, _units_in_force(valid_from),
                 {(level, code): since for level, code, since in Locality.objects.current().values_list(
                     "level", "code", "valid_from")},
                 set(Locality.objects.values_list("path", flat=True)))
    retired_any = False
    for level in LEVELS:
        records = [unit for unit in units.values() if unit.level == level]
        plan.result.counts[level] = len(records)
        retired_any |= _write_level(plan, records)
        if plan.errors:
            break  # the units below would only repeat the problem
    if plan.errors:
        raise ImportRejected(plan.errors)  # rolls back the levels already written
    if retired_any or plan.result.created:
        refresh_grounds()
    return plan.result


def _units_in_force(day: date | None) -> dict[Key, Known]:
    """A list without a date describes the first era (units valid_from NULL): rerunning the 2023 list after
    the 2025 one is loaded finds the 2023 units, unchanged."""
    units = Locality.objects.valid_on(day) if day else Locality.objects.filter(valid_from__isnull=True)
    found: dict[Key, Known] = {}
    rows = units.order_by("valid_from").values_list(*Known.__dataclass_fields__)
    for row in rows:  # NULL first: the latest era wins
        unit = Known(*row)
        found[(unit.level, unit.code)] = unit
    return found


def _write_level(plan: _Plan, records: list[UnitRecord]) -> bool:
    created, retired, translated = [], [], []
    for record in records:
        parent = plan.resolved.get(record.parent) if record.parent else None
        current = plan.in_force.get(record.key)
        if current is not None and _same(current, record, parent):
            plan.resolved[record.key] = current
            plan.result.unchanged += 1
            if record.name_en and record.name_en != current.name_en:
                current.name_en = record.name_en
                translated.append(current)
            continue
        if current is not None:
            if not _can_retire(plan, current, record.line):
                continue
            retired.append(current)
        elif record.key in plan.current:
            _code_taken_later(plan, record)
            continue
        new = _new_unit(plan, record, parent)
        created.append(new)
        plan.resolved[record.key] = new
    if plan.errors:
        return False
    _save_level(plan, created, retired, translated)
    return bool(retired)


def _same(current: Known, record: UnitRecord, parent: Locality | None) -> bool:
    return (current.name, current.unit_type, current.parent_id) == (
        record.name, record.unit_type, parent.pk if parent else None)


def _can_retire(plan: _Plan, current: Known, line: int) -> bool:
    if current.valid_to is not None:
        plan.errors.append(RowError(line, _(
            "Đơn vị “%(name)s” (mã %(code)s) đã được một danh sách sau thay thế; không sửa lại lịch sử của nó.")
            % {"name": current.name, "code": current.code}))
        return False
    if plan.valid_from is None:
        plan.errors.append(RowError(line, _(
            "Danh sách thay đổi đơn vị “%(name)s” (mã %(code)s): cần cho biết ngày hiệu lực (--valid-from).")
            % {"name": current.name, "code": current.code}))
        return False
    if current.valid_from and current.valid_from >= plan.valid_from:
        plan.errors.append(RowError(line, _(
            "Đơn vị “%(name)s” (mã %(code)s) có hiệu lực từ %(since)s, không thể thay bằng đơn vị mới từ %(day)s.")
            % {"name": current.name, "code": current.code, "since": current.valid_from, "day": plan.valid_from}))
        return False
    return True


def _code_taken_later(plan: _Plan, record: UnitRecord) -> None:
    """The code names a current unit that began after this list's date: a list of an earlier era cannot
    add a second unit under it (it would have no end date)."""
    plan.errors.append(RowError(record.line, _(
        "Mã %(code)s thuộc một đơn vị hiện hành có hiệu lực từ %(since)s; danh sách này không thêm được đơn vị "
        "khác cùng mã.") % {"code": record.code, "since": plan.current[record.key]}))


def _new_unit(plan: _Plan, record: UnitRecord, parent: "Known | Locality | None") -> Locality:
    prefix = parent.path if parent else ""
    taken = f"{prefix}{record.code}." in plan.paths
    unit = Locality(level=record.level, code=record.code, name=record.name, name_en=record.name_en,
                    unit_type=record.unit_type, parent_id=parent.pk if parent else None,
                    valid_from=plan.valid_from)
    try:
        unit.path = prefix + path_segment(record.code, plan.valid_from, taken)
    except ValueError:
        plan.errors.append(RowError(record.line, _(
            "Mã %(code)s đã có đơn vị khác dùng trước đây: cần cho biết ngày hiệu lực (--valid-from).")
            % {"code": record.code}))
        return unit
    plan.paths.add(unit.path)
    plan.result.changed += record.key in plan.in_force
    plan.result.created += record.key not in plan.in_force
    return unit


def _save_level(plan: _Plan, created: list[Locality], retired: list[Known], translated: list[Known]):
    if retired:
        # Retire first: the new unit takes over the (level, code) that only one current unit may hold.
        Locality.objects.filter(pk__in=[unit.pk for unit in retired]).update(
            valid_to=plan.valid_from - timedelta(days=1))
    Locality.objects.bulk_create(created, batch_size=BATCH)
    if retired:
        new_by_key = {(unit.level, unit.code): unit for unit in created}
        _link_new_versions(plan.valid_from, {unit: new_by_key[(unit.level, unit.code)] for unit in retired})
    if translated:
        update_column(Locality, "name_en", {unit.pk: unit.name_en for unit in translated})
        plan.result.name_en_filled += len(translated)


def _link_new_versions(effective: date, versions: dict[Known, Locality]) -> None:
    """The new unit under an old unit's code is its default successor until a reform file says otherwise."""
    Succession.objects.filter(predecessor_id__in=[old.pk for old in versions]).delete()
    Succession.objects.bulk_create(
        [Succession(predecessor_id=old.pk, successor=new, effective=effective, is_default=True)
         for old, new in versions.items()], batch_size=BATCH)
    update_column(Locality, "successor_id", {old.pk: new.pk for old, new in versions.items()})


# --- The current national list -------------------------------------------------------------------------

CURRENT_MAP_DATE = date(2025, 7, 1)  # Resolution 202/2025/QH15: 34 provinces, communes under them directly


def import_mapping_rows(rows, valid_from: date | None = CURRENT_MAP_DATE) -> ImportResult:
    """Rows given as mappings keyed by the official column names (as `localities.data.national.
    current_country_rows()` yields them: the no-district layout), numbered like a file's lines."""
    table = [Row(line=number, values={key: str(value if value is not None else "").strip()
                                      for key, value in row.items()})
             for number, row in enumerate(rows, start=2)]
    if not table:
        raise ImportRejected([RowError(1, _("Danh sách trống."))])
    return import_rows(table, COL_DISTRICT_CODE in table[0].values, valid_from)

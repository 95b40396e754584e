"""Loading a reform file: which unit's ground passed to which unit on which day (successor links).

Columns: Cấp cũ, Mã cũ, Ngày của mã cũ, Cấp mới, Mã mới, Ngày hiệu lực, Mặc định, Tỷ lệ. An old unit is the
one that carried `Mã cũ` on `Ngày của mã cũ` (codes are reused across eras); the new unit must be in force
on `Ngày hiệu lực`. Every old unit named in the file gets exactly the links of the file (one of them the
default) and is retired the day before, if it is still current. All or nothing; a rerun changes nothing.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lms.tabular import ImportRejected, Row, RowError, read_table

from .bulk import update_column
from .grounds import refresh_grounds
from .models import Level, Locality, Succession
from .services import BATCH, CODE_LENGTHS

COL_OLD_LEVEL, COL_OLD_CODE, COL_OLD_DATE = "Cấp cũ", "Mã cũ", "Ngày của mã cũ"
COL_NEW_LEVEL, COL_NEW_CODE, COL_EFFECTIVE = "Cấp mới", "Mã mới", "Ngày hiệu lực"
COL_DEFAULT, COL_SHARE = "Mặc định", "Tỷ lệ"
REFORM_COLUMNS = [COL_OLD_LEVEL, COL_OLD_CODE, COL_OLD_DATE, COL_NEW_LEVEL, COL_NEW_CODE, COL_EFFECTIVE,
                  COL_DEFAULT]
LEVEL_CODES = {"tinh": Level.PROVINCE, "huyen": Level.DISTRICT, "xa": Level.COMMUNE}
DEFAULT_VALUES = {"1": True, "0": False}


@dataclass
class Link:
    line: int
    old_level: str
    old_code: str
    old_date: date
    new_level: str
    new_code: str
    effective: date
    is_default: bool
    share: Decimal | None
    old: Locality | None = None
    new: Locality | None = None


@dataclass
class ReformResult:
    linked: int = 0      # old units whose successor links were written
    unchanged: int = 0   # old units that already had exactly these links
    retired: int = 0     # old units retired by this file

    @property
    def nothing_changed(self) -> bool:
        return not (self.linked or self.retired)


def import_reform(data: bytes, filename: str) -> ReformResult:
    rows = read_table(data, filename, REFORM_COLUMNS)
    links, errors = _parse(rows)
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        errors = _match_units(links)
        errors += _check_links(links)
        if errors:
            raise ImportRejected(sorted(errors, key=lambda error: error.line))
        return _write(links)


# --- Reading -------------------------------------------------------------------------------------------

def _parse(rows: list[Row]) -> tuple[list[Link], list[RowError]]:
    links, errors = [], []
    for row in rows:
        problems: list[str] = []
        link = Link(
            row.line,
            _level(row, COL_OLD_LEVEL, problems), "", _day(row, COL_OLD_DATE, problems),
            _level(row, COL_NEW_LEVEL, problems), "", _day(row, COL_EFFECTIVE, problems),
            _default(row, problems), _share(row, problems))
        link.old_code = _code(row, COL_OLD_CODE, link.old_level, problems)
        link.new_code = _code(row, COL_NEW_CODE, link.new_level, problems)
        errors.extend(RowError(row.line, problem) for problem in problems)
        links.append(link)
    return links, errors


def _level(row: Row, column: str, problems: list[str]) -> str:
    value = row.get(column).lower()
    if value not in LEVEL_CODES:
        problems.append(_("cột “%(column)s” phải là tinh, huyen hoặc xa, nhận được “%(value)s”")
                        % {"column": column, "value": value})
        return ""
    return LEVEL_CODES[value]


def _code(row: Row, column: str, level: str, problems: list[str]) -> str:
    value = row.get(column)
    length = CODE_LENGTHS.get(level, 5)
    if not value.isdigit() or len(value) > length:
        problems.append(_("cột “%(column)s” phải là mã số tối đa %(length)s chữ số, nhận được “%(value)s”")
                        % {"column": column, "length": length, "value": value})
        return ""
    return value.zfill(length)


def _day(row: Row, column: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(row.get(column))
    except ValueError:
        problems.append(_("cột “%(column)s” phải là ngày dạng NNNN-TT-NN, nhận được “%(value)s”")
                        % {"column": column, "value": row.get(column)})
        return None


def _default(row: Row, problems: list[str]) -> bool:
    value = row.get(COL_DEFAULT)
    if value not in DEFAULT_VALUES:
        problems.append(_("cột “%(column)s” phải là 1 hoặc 0, nhận được “%(value)s”")
                        % {"column": COL_DEFAULT, "value": value})
    return DEFAULT_VALUES.get(value, False)


def _share(row: Row, problems: list[str]) -> Decimal | None:
    value = row.get(COL_SHARE).replace(",", ".")
    if not value:
        return None
    try:
        share = Decimal(value)
    except InvalidOperation:
        share = None
    if share is None or not 0 <= share <= 1:
        problems.append(_("cột “%(column)s” phải là số từ 0 đến 1, nhận được “%(value)s”")
                        % {"column": COL_SHARE, "value": value})
        return None
    return share.quantize(Decimal("0.0001"))


# --- Matching and checking -----------------------------------------------------------------------------

def _match_units(links: list[Link]) -> list[RowError]:
    """Find each link's old and new unit among every era's units of those codes (one read)."""
    wanted = defaultdict(set)
    for link in links:
        wanted[link.old_level].add(link.old_code)
        wanted[link.new_level].add(link.new_code)
    condition = Q(pk__in=[])
    for level, codes in wanted.items():
        condition |= Q(level=level, code__in=codes)
    by_code = defaultdict(list)
    for unit in Locality.objects.select_for_update().filter(condition):
        by_code[(unit.level, unit.code)].append(unit)
    errors = []
    for link in links:
        link.old = _valid_on(by_code[(link.old_level, link.old_code)], link.old_date)
        link.new = _valid_on(by_code[(link.new_level, link.new_code)], link.effective)
        errors.extend(RowError(link.line, problem) for problem in _unit_problems(link, by_code))
    return errors


def _valid_on(units: list[Locality], day: date) -> Locality | None:
    return next((unit for unit in units if (unit.valid_from is None or unit.valid_from <= day)
                 and (unit.valid_to is None or unit.valid_to >= day)), None)


def _unit_problems(link: Link, by_code) -> list[str]:
    problems = []
    if link.old is None:
        problems.append(_("không có đơn vị cũ mã %(code)s vào ngày %(day)s") % {
            "code": link.old_code, "day": link.old_date})
    if not by_code[(link.new_level, link.new_code)]:
        problems.append(_("không có đơn vị mới mã %(code)s") % {"code": link.new_code})
    elif link.new is None:
        problems.append(_("đơn vị mới mã %(code)s không có hiệu lực vào ngày %(day)s") % {
            "code": link.new_code, "day": link.effective})
    if link.old is not None and link.old.valid_to and link.old.valid_to != link.effective - timedelta(days=1):
        problems.append(_("đơn vị cũ mã %(code)s đã hết hiệu lực từ %(end)s, không phải ngày trước %(day)s") % {
            "code": link.old_code, "end": link.old.valid_to, "day": link.effective})
    if link.old is not None and link.old.valid_from and link.old.valid_from >= link.effective:
        problems.append(_("đơn vị cũ mã %(code)s chỉ có hiệu lực từ %(since)s") % {
            "code": link.old_code, "since": link.old.valid_from})
    return problems


def _check_links(links: list[Link]) -> list[RowError]:
    errors = []
    by_old = _by_old(links)
    for group in by_old.values():
        errors.extend(_group_problems(group))
    errors.extend(_cycles(by_old))
    return errors


def _by_old(links: list[Link]) -> dict[int, list[Link]]:
    groups = defaultdict(list)
    for link in links:
        if link.old is not None and link.new is not None:
            groups[link.old.pk].append(link)
    return groups


def _group_problems(group: list[Link]) -> list[RowError]:
    first, errors = group[0], []
    defaults = sum(link.is_default for link in group)
    if defaults != 1:
        errors.append(RowError(first.line, _(
            "đơn vị cũ mã %(code)s có %(count)s dòng mặc định, cần đúng 1") % {
            "code": first.old_code, "count": defaults}))
    seen = set()
    for link in group:
        if link.new.pk in seen:
            errors.append(RowError(link.line, _("dòng lặp: %(old)s → %(new)s") % {
                "old": link.old_code, "new": link.new_code}))
        seen.add(link.new.pk)
        if link.effective != first.effective:
            errors.append(RowError(link.line, _("đơn vị cũ mã %(code)s có hai ngày hiệu lực khác nhau") % {
                "code": link.old_code}))
    return errors


def _cycles(by_old: dict[int, list[Link]]) -> list[RowError]:
    """A unit may not (through any chain of links, old or from this file) succeed itself."""
    edges = defaultdict(set)
    for predecessor, successor in Succession.objects.exclude(predecessor_id__in=list(by_old)).values_list(
            "predecessor_id", "successor_id"):
        edges[predecessor].add(successor)
    for old, group in by_old.items():
        edges[old].update(link.new.pk for link in group)
    errors = []
    for old, group in by_old.items():
        if _reaches(edges, group, old):
            errors.append(RowError(group[0].line, _("vòng lặp: đơn vị mã %(code)s lại kế thừa chính nó") % {
                "code": group[0].old_code}))
    return errors


def _reaches(edges, group: list[Link], target: int) -> bool:
    stack, seen = [link.new.pk for link in group], set()
    while stack:
        unit = stack.pop()
        if unit == target:
            return True
        if unit not in seen:
            seen.add(unit)
            stack.extend(edges.get(unit, ()))
    return False


# --- Writing -------------------------------------------------------------------------------------------

def _write(links: list[Link]) -> ReformResult:
    result = ReformResult()
    groups = _by_old(links)
    existing = defaultdict(set)
    for row in Succession.objects.filter(predecessor_id__in=list(groups)).values_list(
            "predecessor_id", "successor_id", "effective", "is_default", "share"):
        existing[row[0]].add(row[1:])
    stale, fresh, changed_units = [], [], []
    for old_id, group in groups.items():
        wanted = {(link.new.pk, link.effective, link.is_default, link.share) for link in group}
        old = group[0].old
        if wanted == existing[old_id]:
            result.unchanged += 1
        else:
            stale.append(old_id)
            fresh.extend(Succession(predecessor=old, successor=link.new, effective=link.effective,
                                    is_default=link.is_default, share=link.share) for link in group)
            result.linked += 1
        default = next(link.new for link in group if link.is_default)
        if old.successor_id != default.pk or old.valid_to is None:
            result.retired += old.valid_to is None
            old.successor = default  # the denormalised default that reports read
            old.valid_to = old.valid_to or group[0].effective - timedelta(days=1)
            changed_units.append(old)
    _save(stale, fresh, changed_units)
    return result


def _save(stale: list[int], fresh: list[Succession], changed_units: list[Locality]) -> None:
    Succession.objects.filter(predecessor_id__in=stale).delete()
    Succession.objects.bulk_create(fresh, batch_size=BATCH)
    by_end = defaultdict(list)
    for unit in changed_units:
        by_end[unit.valid_to].append(unit.pk)
    for valid_to, ids in by_end.items():  # one end date per reform day
        Locality.objects.filter(pk__in=ids).update(valid_to=valid_to)
    update_column(Locality, "successor_id", {unit.pk: unit.successor_id for unit in changed_units})
    if stale or changed_units:
        refresh_grounds()

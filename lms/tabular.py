"""Reading uploaded spreadsheets (CSV or XLSX) row by row, for every importer.

Importers validate every row first and write nothing unless all rows are valid;
this module gives them rows with their line numbers and a shared error type.

A hostile file is refused early and cheaply (docs/security.md, "Spreadsheets in and out"):
- an XLSX is a zip archive: its directory is checked before anything is unpacked (number of entries, total
  unpacked size, compression ratio). Python's zipfile never unpacks more than an entry's declared size, so
  the declared sizes can be trusted;
- rows are streamed (openpyxl's sheet parser cell by cell, the csv module over the bytes) and reading stops at
  the first row past the limit, so a million-row file costs what 5,000 rows cost; cells past column 64 are
  ignored, and a row of far more cells than any real sheet, or a file of far more XML elements than its
  allowed lines need, is refused;
- cells are values: a formula cell gives the value Excel last computed and saved with it (data_only), never
  its formula, and nothing is evaluated; a formula cell without a saved value reads as empty;
- a cell longer than Excel's own limit (32,767 characters) is a row error, and so is a CSV field past the csv
  module's limit (131,072 characters), instead of a server error.
XML is parsed by defusedxml (openpyxl uses it when it is installed): no entity expansion, no external entities.
"""

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_ROWS = 5000  # data rows per import, unless the importer says otherwise
BLANK_LINE_ALLOWANCE = 1000  # blank lines tolerated on top of MAX_ROWS (formatted but empty rows)
MAX_COLUMNS = 64  # cells to the right of this column are ignored
MAX_CELL_CHARS = 32_767  # Excel's own limit for a cell
MAX_CELLS_PER_ROW = 1024  # cells stored in one row (real sheets: the columns used, a few dozen at most)
# XML elements read in all, per line allowed (a row of ten text cells is about 21: <row>, then <c><v> each).
# The safe XML parser takes some 5 µs an element: 6,000 lines cost at most 2 s.
ELEMENTS_PER_LINE = 64
MAX_ZIP_ENTRIES = 1000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # real workbooks compress 5-15 times; bombs hundreds or thousands of times
RATIO_CHECKED_FROM = 1024 * 1024  # small entries (styles, themes) may compress well and harm no one


@dataclass(frozen=True)
class Row:
    line: int  # line number as the user sees it in the file (header is line 1)
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self):
        return _("Dòng %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class ImportRejected(Exception):
    """Raised with every problem found; the importer has written nothing."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:20]))


def _reject(line: int, message: str) -> ImportRejected:
    return ImportRejected([RowError(line, message)])


def read_table(data: bytes, filename: str, required_columns: list[str], max_rows: int = MAX_ROWS) -> list[Row]:
    """Parse CSV (UTF-8, with or without BOM) or XLSX bytes into rows keyed by header; at most `max_rows`."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        records = _xlsx_records(data, max_rows)
    elif suffix in (".csv", ".txt"):
        records = _csv_records(data)
    else:
        raise _reject(0, _("Chỉ nhận tệp .csv hoặc .xlsx."))
    try:
        header = _header(next(records, None), required_columns)
        return list(_rows(records, header, max_rows))
    finally:
        records.close()  # closes the workbook at once, also when a limit stopped the reading


def _header(record, required_columns: list[str]) -> list[str]:
    if record is None:
        raise _reject(1, _("Tệp trống."))
    header = [_cell_text(cell) for cell in record[1][:MAX_COLUMNS]]
    missing = [c for c in required_columns if c not in header]
    if missing:
        raise _reject(1, _("Thiếu cột: %(columns)s") % {"columns": ", ".join(missing)})
    return header


def _rows(records: Iterator[tuple[int, Sequence]], header: list[str], max_rows: int) -> Iterator[Row]:
    """Non-blank rows; stops at the first row past the limit (or too far down the sheet) instead of reading on."""
    too_many = _("Tối đa %(max)s dòng mỗi lần nhập.") % {"max": max_rows}
    last_line = max_rows + BLANK_LINE_ALLOWANCE + 1
    count = 0
    for seen, (line, record) in enumerate(records, start=2):
        if line > last_line or seen > last_line:
            raise _reject(line, too_many)
        cells = [_cell_text(cell) for cell in record[:MAX_COLUMNS]]
        if not any(cells):
            continue
        count += 1
        if count > max_rows:
            raise _reject(line, too_many)
        _check_cell_lengths(line, header, cells)
        yield Row(line=line, values=dict(zip(header, cells, strict=False)))


def _check_cell_lengths(line: int, header: list[str], cells: list[str]) -> None:
    for column, cell in enumerate(cells):
        name = header[column] if column < len(header) and header[column] else str(column + 1)
        if len(cell) > MAX_CELL_CHARS:
            raise _reject(line, _("ô ở cột “%(column)s” dài quá %(max)s ký tự") % {
                "column": name, "max": number_format(MAX_CELL_CHARS, force_grouping=True)})
        if "\x00" in cell:  # never meaningful in a name or a code; PostgreSQL cannot store it
            raise _reject(line, _("ô ở cột “%(column)s” chứa ký tự NUL không hợp lệ") % {"column": name})


def _cell_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


# CSV ----------------------------------------------------------------------------------------------------

def _csv_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) for each record; the line counts records, as a spreadsheet shows them."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader, line = csv.reader(text), 0
    try:
        for record in reader:
            line += 1
            yield line, record
    except UnicodeDecodeError as exc:
        raise _reject(0, _("Tệp CSV phải mã hoá UTF-8.")) from exc
    except csv.Error as exc:  # a field past csv.field_size_limit() (131,072 characters), or a broken line
        raise _reject(line + 1, _("ô dài quá %(max)s ký tự hoặc dòng không đọc được") % {
            "max": number_format(MAX_CELL_CHARS, force_grouping=True)}) from exc


# XLSX ---------------------------------------------------------------------------------------------------
# openpyxl's read-only workbook is not used as such: opening it reads the whole of every sheet that lacks a
# <dimension> element (ReadOnlyWorksheet._get_size parses up to the end of <sheetData>: 34 s for a 2.7 MB
# file of a million rows). The same reader parts are called here, minus that step, and the first
# sheet is parsed row by row with openpyxl's WorkSheetParser (the one its read-only sheets use), so values,
# dates and shared strings come out as openpyxl gives them.

def _xlsx_records(data: bytes, max_rows: int) -> Iterator[tuple[int, list]]:
    """(row number, values of the first MAX_COLUMNS columns) for each row present in the first worksheet."""
    _check_archive(data)
    reader = _open_workbook(data)
    try:
        yield from _sheet_rows(reader, _Budget((max_rows + BLANK_LINE_ALLOWANCE + 1) * ELEMENTS_PER_LINE))
    except ImportRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet: openpyxl and the XML parser raise many types
        raise _reject(0, _("Không đọc được tệp Excel (.xlsx).")) from exc
    finally:
        reader.archive.close()


def _open_workbook(data: bytes):
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    try:
        # data_only: a formula cell gives its saved value, never the formula; keep_links: no external workbooks
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)  # number formats: which numbers are dates
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a damaged file
        raise _reject(0, _("Không đọc được tệp Excel (.xlsx).")) from exc
    return reader


def _sheet_rows(reader, budget: "_Budget") -> Iterator[tuple[int, list]]:
    from openpyxl.worksheet._reader import WorkSheetParser

    target = next((rel.target for _sheet, rel in reader.parser.find_sheets()
                   if rel.target in reader.valid_files and "chartsheet" not in rel.Type), None)
    if target is None:
        return
    workbook = reader.wb
    with reader.archive.open(target) as source:
        # The parser turns one <c> element into a value (shared strings, types, dates); the loop below walks
        # the XML itself so that a row is never built whole in memory (one row of a million cells would be).
        cells = WorkSheetParser(source, reader.shared_strings, data_only=True, epoch=workbook.epoch,
                                date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        yield from _walk_sheet(source, cells, budget)


def _walk_sheet(source, cells, budget: "_Budget") -> Iterator[tuple[int, list]]:
    """(number, values) per row. Every element leaves the tree once it is read, so memory stays flat whatever
    the sheet holds (a row of a million cells, or a million stray elements); a cell's parts wait for the cell."""
    from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG
    from openpyxl.xml.functions import iterparse  # defusedxml's when it is installed

    open_elements, values, in_cell = [], None, False
    for event, element in iterparse(source, events=("start", "end")):
        if event == "start":
            open_elements.append(element)
            if element.tag == ROW_TAG:
                values = _start_row(cells, element, budget)
            in_cell = in_cell or element.tag == CELL_TAG
            continue
        open_elements.pop()
        budget.spend(cells.row_counter, cell=element.tag == CELL_TAG)
        if element.tag == CELL_TAG:
            in_cell = False
            if values is not None:
                _put(values, cells.parse_cell(element))
        elif element.tag == ROW_TAG:
            yield cells.row_counter, values
            values = None
        elif in_cell:
            continue  # the cell's <v>, <f> or <is> is read when the cell ends
        if open_elements:
            open_elements[-1].remove(element)


def _start_row(cells, row, budget: "_Budget") -> list:
    cells.row_counter = int(row.get("r") or cells.row_counter + 1)
    cells.col_counter = 0
    budget.in_row = 0
    return []


class _Budget:
    """What one sheet may cost: XML elements read in all, cells in one row."""

    def __init__(self, elements: int):
        self.elements, self.in_row = elements, 0

    def spend(self, line: int, cell: bool) -> None:
        self.elements -= 1
        self.in_row += cell
        if self.elements < 0 or self.in_row > MAX_CELLS_PER_ROW:
            raise _reject(line, _("Quá nhiều ô hoặc thành phần XML trong một dòng hoặc trong tệp; không nhập."))


def _put(values: list, cell: dict) -> None:
    column = cell["column"]
    if column <= MAX_COLUMNS:
        values.extend([None] * (column - len(values)))
        values[column - 1] = cell["value"]


def _check_archive(data: bytes) -> None:
    """Refuse a zip bomb from the archive's directory alone, before any entry is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _reject(0, _("Không đọc được tệp Excel (.xlsx).")) from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _reject(0, _("Tệp Excel có quá nhiều thành phần (trên %(max)s); không nhập.") % {
            "max": MAX_ZIP_ENTRIES})
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise _reject(0, _("Tệp Excel khi giải nén lớn quá %(max)s MB; hãy chia nhỏ tệp.") % {
            "max": MAX_UNPACKED_BYTES // (1024 * 1024)})
    if any(_looks_like_bomb(entry) for entry in entries):
        raise _reject(0, _("Tệp Excel có dấu hiệu là tệp nén độc hại (tỉ lệ nén bất thường); không nhập."))


def _looks_like_bomb(entry: zipfile.ZipInfo) -> bool:
    return entry.file_size >= RATIO_CHECKED_FROM and entry.file_size > MAX_COMPRESSION_RATIO * entry.compress_size

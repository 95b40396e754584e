"""Writing spreadsheets (XLSX and CSV): the one writer every export goes through.

An export hands over its lines as an iterable (a generator streams: XLSX through XlsxWriter's constant-memory
mode, which keeps one row in memory; CSV line by line). A line is a list of values, or a `Styled` line (bold
headers and totals, a larger title); CSV ignores styles. An XLSX workbook may hold several sheets
(`sheets_to_bytes`, each with its own layout and lines).

Cells are typed: numbers are numbers, dates and date-times are date cells (an aware date-time is written in
local time without tzinfo: Excel has none), `None` is an empty cell, and everything else is text. Every text
cell is neutralised against formula injection (OWASP "CSV injection"): a text starting with = + - @, tab or
carriage return gets a leading apostrophe, and in XLSX it is always written as a string cell, never a formula
or a hyperlink. A learner named `=HYPERLINK(...)` therefore reaches Excel as the text `'=HYPERLINK(...)`.
See docs/security.md, "Spreadsheets in and out".
"""

import csv
import datetime
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from django.utils import timezone

XLSX, CSV = "xlsx", "csv"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"


def neutralise(text: str) -> str:
    """Text that a spreadsheet shows as text: a leading apostrophe before a formula trigger (OWASP)."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


@dataclass(frozen=True)
class Styled:
    values: Sequence
    bold: bool = False
    size: int | None = None


def bold(values: Sequence) -> Styled:
    return Styled(tuple(values), bold=True)


def title(values: Sequence, size: int = 13) -> Styled:
    return Styled(tuple(values), bold=True, size=size)


@dataclass(frozen=True)
class Layout:
    """How the XLSX sheet looks (CSV has no such thing): its name, text-formatted columns (official codes keep
    their leading zeros when someone edits them), column widths; columns count from 0."""

    sheet_name: str = "Sheet1"
    text_columns: tuple[int, ...] = ()
    widths: dict[int, float] = field(default_factory=dict)


def to_bytes(file_format: str, lines: Iterable, layout: Layout | None = None) -> bytes:
    output = io.BytesIO()
    if file_format == CSV:
        write_csv(output, lines)
    else:
        write_xlsx(output, lines, layout or Layout())
    return output.getvalue()


def _values(line) -> tuple[Sequence, Styled | None]:
    return (line.values, line) if isinstance(line, Styled) else (line, None)


def _local(moment: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(moment):
        return timezone.localtime(moment).replace(tzinfo=None)
    return moment


# CSV ----------------------------------------------------------------------------------------------------

def write_csv(output: BinaryIO, lines: Iterable) -> None:
    """UTF-8 with a BOM, so that Excel reads Vietnamese correctly."""
    text = io.TextIOWrapper(output, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    for line in lines:
        writer.writerow([_csv_cell(value) for value in _values(line)[0]])
    text.flush()
    text.detach()  # leave `output` open for the caller


def _csv_cell(value):
    """Moments as "dd/mm/yyyy HH:MM" in local time and dates as "dd/mm/yyyy", as the XLSX cells show them
    (Vietnamese order, not Python's ISO text with microseconds)."""
    if isinstance(value, datetime.datetime):
        return _local(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    return neutralise(str(value))


# XLSX ---------------------------------------------------------------------------------------------------

class _Formats:
    """XlsxWriter formats, made once per (bold, size, number format)."""

    def __init__(self, workbook):
        self.workbook, self.made = workbook, {}

    def get(self, style: Styled | None, number_format: str | None = None):
        key = (bool(style and style.bold), style.size if style else None, number_format)
        if key == (False, None, None):
            return None
        if key not in self.made:
            properties = {"bold": key[0], "font_size": key[1], "num_format": key[2]}
            self.made[key] = self.workbook.add_format({k: v for k, v in properties.items() if v})
        return self.made[key]


def write_xlsx(output: BinaryIO, lines: Iterable, layout: Layout) -> None:
    write_xlsx_sheets(output, [(layout, lines)])


def sheets_to_bytes(sheets: Iterable[tuple[Layout, Iterable]]) -> bytes:
    """An XLSX workbook of several sheets, each (layout, lines), written one after the other."""
    output = io.BytesIO()
    write_xlsx_sheets(output, sheets)
    return output.getvalue()


def write_xlsx_sheets(output: BinaryIO, sheets: Iterable[tuple[Layout, Iterable]]) -> None:
    import xlsxwriter

    # The options switch off XlsxWriter's guessing (a string becoming a formula, URL or number) for any
    # write() that might ever slip in; cells are written with the typed calls below anyway.
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    formats = _Formats(workbook)
    for layout, lines in sheets:
        _write_sheet(workbook.add_worksheet(layout.sheet_name), formats, layout, lines)
    workbook.close()


def _write_sheet(sheet, formats: _Formats, layout: Layout, lines: Iterable) -> None:
    # Constant-memory mode flushes a sheet row by row; the next sheet starts once this one is written.
    for column in sorted(set(layout.text_columns) | set(layout.widths)):
        text_format = formats.get(None, "@") if column in layout.text_columns else None
        sheet.set_column(column, column, layout.widths.get(column), text_format)
    for row_number, line in enumerate(lines):
        values, style = _values(line)
        for column, value in enumerate(values):
            _write_cell(sheet, formats, row_number, column, value, style)


def _write_cell(sheet, formats: _Formats, row: int, column: int, value, style: Styled | None) -> None:
    if value is None or value == "":
        sheet.write_blank(row, column, None, formats.get(style))
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, formats.get(style))
    elif isinstance(value, int | float | Decimal) and math.isfinite(value):
        sheet.write_number(row, column, float(value) if isinstance(value, Decimal) else value, formats.get(style))
    elif isinstance(value, datetime.datetime):
        sheet.write_datetime(row, column, _local(value), formats.get(style, DATETIME_FORMAT))
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, formats.get(style, DATE_FORMAT))
    else:
        sheet.write_string(row, column, neutralise(str(value)), formats.get(style))

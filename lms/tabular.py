"""Reading uploaded spreadsheets (CSV or XLSX) row by row, for every importer.

Importers validate every row first and write nothing unless all rows are valid;
this module gives them rows with their line numbers and a shared error type.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _


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


def read_table(data: bytes, filename: str, required_columns: list[str]) -> list[Row]:
    """Parse CSV (UTF-8, with or without BOM) or XLSX bytes into rows keyed by header."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        records = _xlsx_records(data)
    elif suffix in (".csv", ".txt"):
        records = _csv_records(data)
    else:
        raise ImportRejected([RowError(0, _("Chỉ nhận tệp .csv hoặc .xlsx."))])
    if not records:
        raise ImportRejected([RowError(1, _("Tệp trống."))])
    header = [str(cell or "").strip() for cell in records[0]]
    missing = [c for c in required_columns if c not in header]
    if missing:
        message = _("Thiếu cột: %(columns)s") % {"columns": ", ".join(missing)}
        raise ImportRejected([RowError(1, message)])
    return [
        Row(line=number, values=dict(zip(header, (_cell_text(c) for c in record), strict=False)))
        for number, record in enumerate(records[1:], start=2)
        if any(_cell_text(c) for c in record)
    ]


def _cell_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _csv_records(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowError(0, _("Tệp CSV phải mã hoá UTF-8."))]) from exc
    return list(csv.reader(io.StringIO(text)))


def _xlsx_records(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportRejected([RowError(0, _("Không đọc được tệp Excel (.xlsx)."))]) from exc
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]

"""Hostile spreadsheets are refused early and cheaply by the one reader every import uses (issue 14, item 5).

The files are built here in a fraction of a second: the sheet XML is written straight into a zip (no
spreadsheet library), and the zip bomb repeats one deflate block (after a full flush a deflate stream starts
afresh, so one compressed megabyte can stand for any number of megabytes).
"""

import contextlib
import functools
import io
import signal
import struct
import time
import tracemalloc
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.services import IMPORT_COLUMNS, import_learners
from lms import tabular
from lms.tabular import ImportRejected, read_table

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets>'
        '<sheet name="Học viên" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}
SHEET_START = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'.encode()
SHEET_END = b"</sheetData></worksheet>"


def header_row(columns) -> bytes:
    return ("<row>" + "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in columns) + "</row>").encode()


HEADER_ROW = header_row(IMPORT_COLUMNS)


def _deflate(chunks, level=1) -> tuple[bytes, int, int]:
    """Raw deflate (what a zip entry holds), its CRC and unpacked size."""
    compressor, parts, crc, size = zlib.compressobj(level, zlib.DEFLATED, -15), [], 0, 0
    for chunk in chunks:
        parts.append(compressor.compress(chunk))
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
    parts.append(compressor.flush())
    return b"".join(parts), crc, size


def _repeated(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """head + chunk * times + tail, deflated without compressing `times` chunks (a zip bomb in milliseconds)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    return start + block * times + end, zlib.crc32(tail, crc), len(head) + len(chunk) * times + len(tail)


def _zip(entries: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip archive of already deflated entries, written by hand (zipfile cannot take deflated data)."""
    out, directory = io.BytesIO(), []
    for name, (data, crc, size) in entries.items():
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0, crc, len(data), size,
                              len(encoded), 0) + encoded + data)
        directory.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, 0, crc, len(data),
                                     size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    out.write(b"".join(directory))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), out.tell() - start,
                          start, 0))
    return out.getvalue()


def xlsx(sheet: tuple[bytes, int, int], extra: dict | None = None) -> bytes:
    parts = {name: _deflate([text.encode()]) for name, text in PARTS.items()}
    return _zip({**parts, "xl/worksheets/sheet1.xml": sheet, **(extra or {})})


def sheet_of(rows, columns=IMPORT_COLUMNS, level=1) -> tuple[bytes, int, int]:
    """A sheet (no <dimension>, like a hand-made file) from an iterable of <row> XML bytes, streamed."""
    return _deflate([SHEET_START, header_row(columns), *rows, SHEET_END], level)


@functools.cache
def million_rows(kind: str, columns: tuple[str, ...] = tuple(IMPORT_COLUMNS)) -> bytes:
    """`small`: under a megabyte, like the file seen (the same 97 learners over and over: compressed 126 times);
    `plausible`: rows that pass every archive check (31 MB unpacked, compressed 11 times): the row limit acts."""
    if kind == "small":
        block = b"".join(b"<row><c><v>Hoc vien %d</v></c></row>" % n for n in range(97))
        return xlsx(sheet_of([block * 200] * 52, columns, level=6))  # 1,008,800 rows

    def batches():
        for start in range(0, 1_000_000, 20_000):
            yield b"".join(b"<row><c><v>%d</v></c></row>" % n for n in range(start, start + 20_000))

    return xlsx(sheet_of(batches(), columns))


@pytest.fixture
def small_million_row_file() -> bytes:
    return million_rows("small")


@pytest.fixture
def plausible_million_row_file() -> bytes:
    return million_rows("plausible")


@pytest.fixture(autouse=True)
def vietnamese():
    """Messages are asserted in the source language, whatever an earlier test left active."""
    with translation.override("vi"):
        yield


@contextlib.contextmanager
def deadline(seconds: int):
    """Stop the code under test after `seconds` (the code before this fix ran for minutes)."""
    def expire(*_args):
        raise TimeoutError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def refused(action, *args) -> tuple[ImportRejected, float, float]:
    """The rejection, the CPU seconds it took (the machine may be busy: wall time would be noisy), and the
    peak of memory allocated meanwhile, in MB."""
    with deadline(30), pytest.raises(ImportRejected) as raised:
        started = time.process_time()
        action(*args)
    seconds = time.process_time() - started
    tracemalloc.start()
    try:
        with deadline(60), contextlib.suppress(ImportRejected):
            action(*args)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return raised.value, seconds, peak


def message(rejected: ImportRejected) -> str:
    return " ".join(str(error) for error in rejected.errors)


# XLSX ---------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_small_file_of_a_million_rows_is_refused_fast_and_small(small_million_row_file, district_manager):
    assert len(small_million_row_file) < 900_000
    rejected, seconds, peak_mb = refused(import_learners, district_manager, small_million_row_file, "hv.xlsx")
    assert seconds < 2 and peak_mb < 100
    assert "nén" in message(rejected) or "Tối đa 5000 dòng" in message(rejected)
    assert not User.objects.filter(learner_profile__isnull=False).exists()


@pytest.mark.django_db
def test_a_million_rows_that_pass_the_archive_check_stop_at_the_row_limit(plausible_million_row_file,
                                                                            district_manager):
    rejected, seconds, peak_mb = refused(import_learners, district_manager, plausible_million_row_file, "hv.xlsx")
    assert seconds < 2 and peak_mb < 100
    assert [(e.line, e.message) for e in rejected.errors] == [(5002, "Tối đa 5000 dòng mỗi lần nhập.")]


def test_zip_bomb_is_refused_from_the_directory_without_unpacking():
    row = b"<row><c><v>1</v></c></row>" * 40_000  # about a megabyte
    bomb = xlsx(_repeated(SHEET_START + HEADER_ROW, row, 256, SHEET_END))  # 266 MB unpacked
    assert len(bomb) < 1_000_000
    rejected, seconds, peak_mb = refused(read_table, bomb, "bomb.xlsx", IMPORT_COLUMNS)
    assert seconds < 0.5 and peak_mb < 5
    assert "giải nén lớn quá 50 MB" in message(rejected)


def test_a_part_that_compresses_like_a_bomb_is_refused():
    """Under the size limit, but a thousand times smaller packed than unpacked: no real workbook does that."""
    bomb = xlsx(_repeated(SHEET_START + HEADER_ROW, b"<row><c><v>1</v></c></row>" * 40_000, 20, SHEET_END))
    rejected, seconds, _peak = refused(read_table, bomb, "bomb.xlsx", IMPORT_COLUMNS)
    assert "tỉ lệ nén bất thường" in message(rejected) and seconds < 0.5


def test_an_archive_of_too_many_parts_is_refused():
    many = {f"xl/media/image{n}.png": _deflate([b"x"]) for n in range(tabular.MAX_ZIP_ENTRIES)}
    rejected, _seconds, _peak = refused(read_table, xlsx(sheet_of([]), many), "many.xlsx", IMPORT_COLUMNS)
    assert "quá nhiều thành phần" in message(rejected)


def test_a_row_far_down_the_sheet_is_refused_without_walking_down_to_it():
    data = xlsx(sheet_of([b'<row r="1048576"><c><v>1</v></c></row>']))
    rejected, seconds, _peak = refused(read_table, data, "far.xlsx", IMPORT_COLUMNS)
    assert rejected.errors[0].line == 1048576 and "Tối đa 5000 dòng" in message(rejected) and seconds < 0.5


def test_a_row_of_too_many_cells_is_refused_before_it_is_built():
    wide = b"<row>" + b"".join(b"<c><v>%d</v></c>" % n for n in range(300_000)) + b"</row>"
    rejected, seconds, peak_mb = refused(read_table, xlsx(sheet_of([wide])), "wide.xlsx", IMPORT_COLUMNS)
    assert "Quá nhiều ô" in message(rejected) and seconds < 1 and peak_mb < 20


def test_stray_elements_are_dropped_as_read_and_counted(monkeypatch):
    """Elements that are no cells: memory stays flat while they are read, and the element budget stops them."""
    monkeypatch.setattr(tabular, "MAX_COMPRESSION_RATIO", 10**6)  # let the archive through: the walker acts
    stray = xlsx(sheet_of([b"<row><c><v>1</v></c></row>", b"<x/>" * 200_000]))
    monkeypatch.setattr(tabular, "ELEMENTS_PER_LINE", 1000)  # 6 million: all of them are read
    assert [row.line for row in read_table(stray, "stray.xlsx", IMPORT_COLUMNS)] == [2]
    tracemalloc.start()
    try:
        read_table(stray, "stray.xlsx", IMPORT_COLUMNS)
        assert tracemalloc.get_traced_memory()[1] < 5 * 2**20  # kept, the 200,000 elements took 16 MB
    finally:
        tracemalloc.stop()
    monkeypatch.setattr(tabular, "ELEMENTS_PER_LINE", 16)  # 96,016 elements: the 200,000 do not fit
    rejected, _seconds, _peak = refused(read_table, stray, "stray.xlsx", IMPORT_COLUMNS)
    assert "Quá nhiều ô" in message(rejected)


def test_entity_expansion_is_refused():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
              b']><worksheet xmlns="' + NS.encode() + b'"><sheetData>' + HEADER_ROW
              + b'<row><c t="inlineStr"><is><t>&lol2;</t></is></c></row>' + SHEET_END)
    rejected, _seconds, _peak = refused(read_table, xlsx(_deflate([laughs])), "lol.xlsx", IMPORT_COLUMNS)
    assert "Không đọc được tệp Excel" in message(rejected)


def test_formula_cells_give_their_saved_value_never_the_formula():
    cells = ('<c t="inlineStr"><is><t>Lan</t></is></c><c t="str"><f>"09"&amp;"12345678"</f><v>0912345678</v></c>'
             '<c><f>HYPERLINK("http://x","y")</f></c><c t="inlineStr"><is><t>A</t></is></c>')
    rows = read_table(xlsx(sheet_of([f"<row>{cells}</row>".encode()])), "f.xlsx", IMPORT_COLUMNS)
    assert [(row.line, row.get("Họ và tên"), row.get("Số điện thoại"), row.get("Mã xã"), row.get("Nhóm"))
            for row in rows] == [(2, "Lan", "0912345678", "", "A")]


def test_a_cell_longer_than_excel_allows_is_a_row_error():
    long_name = "A" * (tabular.MAX_CELL_CHARS + 1)
    row = f'<row><c t="inlineStr"><is><t>{long_name}</t></is></c></row>'.encode()
    rejected, _seconds, _peak = refused(read_table, xlsx(sheet_of([row])), "long.xlsx", IMPORT_COLUMNS)
    assert rejected.errors[0].line == 2 and "Họ và tên" in message(rejected)


@pytest.mark.django_db
@pytest.mark.parametrize("importer", ["questions", "units"])
def test_every_import_uses_the_guarded_reader(importer):
    from assessments import importing
    from localities import services

    action, columns = {"questions": (importing.parse_table, importing.REQUIRED_COLUMNS),
                       "units": (services.import_units, services.REQUIRED_COLUMNS)}[importer]
    for kind in ("small", "plausible"):
        rejected, seconds, _peak = refused(action, million_rows(kind, tuple(columns)), "file.xlsx")
        assert seconds < 2 and "Thiếu cột" not in message(rejected)


# CSV ----------------------------------------------------------------------------------------------------

def _csv(lines) -> bytes:
    return ("\n".join([",".join(IMPORT_COLUMNS), *lines]) + "\n").encode()


def test_a_million_csv_rows_stop_at_the_row_limit():
    data = _csv(f"Học viên {n},09{n:08d},06001,A,," for n in range(1_000_000))
    rejected, seconds, peak_mb = refused(read_table, data, "hv.csv", IMPORT_COLUMNS)
    assert rejected.errors[0].line == 5002 and seconds < 2 and peak_mb < 100


@pytest.mark.django_db
def test_a_csv_cell_over_131072_characters_is_a_row_error_not_a_500(client, district_manager, commune):
    data = _csv([f"Lan,0912000001,{commune.code},A,,", "X" * 131_073 + f",0912000002,{commune.code},A,,"])
    client.force_login(district_manager)
    response = client.post(reverse("accounts_admin:import"), {"file": SimpleUploadedFile("hv.csv", data)})
    assert response.status_code == 200
    assert "Dòng 3" in response.content.decode() and "ký tự" in response.content.decode()
    assert not User.objects.filter(phone__in=["0912000001", "0912000002"]).exists()


def test_csv_that_is_not_utf8_is_refused_with_a_message():
    with pytest.raises(ImportRejected, match="UTF-8"):
        data = _csv(["Lê Văn Tám,0912000001,06001,A,,"]).decode().encode("cp1258", errors="replace")
        read_table(data, "hv.csv", IMPORT_COLUMNS)

"""The one spreadsheet writer: text cells never become formulas (issue 14, item 4), numbers stay numbers.

Every export goes through lms.spreadsheets; the last tests put a learner named like a formula through the
learner export (XLSX and CSV), the quiz results and the classes report and look for formulas in the files.
"""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lms.spreadsheets import CSV, XLSX, Layout, bold, neutralise, to_bytes

HYPERLINK = '=HYPERLINK("http://x","y")'
AT_FORMULA = "@SUM(A1)"
TRIGGERS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", HYPERLINK, "=cmd|' /C calc'!A0"]


def sheet_cells(data: bytes) -> list:
    return [cell for row in load_workbook(io.BytesIO(data)).active.iter_rows() for cell in row]


def assert_no_formula(data: bytes) -> None:
    """No <f> element in any sheet, and openpyxl (formulas kept) sees no formula cell."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    assert not [cell.value for cell in sheet_cells(data) if cell.data_type == "f"]


def csv_lines(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads Vietnamese correctly
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("text", TRIGGERS)
def test_xlsx_text_cell_starting_with_a_trigger_is_a_quoted_string(text):
    data = to_bytes(XLSX, [["Họ và tên"], [text]])
    cell = load_workbook(io.BytesIO(data)).active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("'")
    if text.isprintable():  # XlsxWriter stores a CR as _x000D_, which openpyxl leaves as it is
        assert cell.value == "'" + text
    assert_no_formula(data)


@pytest.mark.parametrize("text", TRIGGERS)
def test_csv_text_cell_starting_with_a_trigger_is_quoted(text):
    lines = csv_lines(to_bytes(CSV, [["Họ và tên"], [text]]))
    assert lines[1] == ["'" + text]


def test_plain_text_numbers_and_moments_are_kept_as_they_are():
    moment = datetime.datetime(2026, 3, 2, 9, 15)
    line = ["Nguyễn Văn A", "a=b", "0912345678", 5, 2.5, Decimal("1.25"), -3, moment, datetime.date(2026, 3, 2),
            None, ""]
    data = to_bytes(XLSX, [bold(["x"]), line], Layout(text_columns=(2,)))
    cells = list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2))[0]
    assert [c.value for c in cells[:7]] == ["Nguyễn Văn A", "a=b", "0912345678", 5, 2.5, 1.25, -3]
    assert [c.data_type for c in cells[:7]] == ["s", "s", "s", "n", "n", "n", "n"]
    assert cells[7].value == moment and cells[7].is_date and cells[8].value.date() == datetime.date(2026, 3, 2)
    assert len(cells) == 9  # None and "" leave their cells empty
    assert csv_lines(to_bytes(CSV, [line]))[0] == ["Nguyễn Văn A", "a=b", "0912345678", "5", "2.5", "1.25", "-3",
                                                   "02/03/2026 09:15", "02/03/2026", "", ""]


def test_aware_moments_are_written_in_local_time():
    from django.utils import timezone

    aware = datetime.datetime(2026, 3, 2, 2, 15, tzinfo=datetime.UTC)
    local = timezone.localtime(aware).replace(tzinfo=None)
    assert sheet_cells(to_bytes(XLSX, [[aware]]))[0].value == local
    assert csv_lines(to_bytes(CSV, [[aware]]))[0] == [local.strftime("%d/%m/%Y %H:%M")] == ["02/03/2026 09:15"]


def test_neutralise_leaves_other_text_alone():
    assert neutralise("Xã Tân Sơn") == "Xã Tân Sơn" and neutralise("") == "" and neutralise(" =1") == " =1"


# The exports, with learners named like formulas ---------------------------------------------------------

@pytest.fixture
def formula_learners(commune):
    from tests.conftest import make_learner

    return [make_learner(commune, phone="0912000101", full_name=HYPERLINK),
            make_learner(commune, phone="0912000102", full_name=AT_FORMULA)]


@pytest.fixture
def exported(formula_learners, province_manager, province, django_capture_on_commit_callbacks, home_page):
    """Both learners enrolled, then the learner export run as a task would, in each format."""
    from courses import services
    from reports import services as report_services
    from tests.courses.builders import make_course

    program = make_course(home_page, lessons_per_module=1, code="CT1")[0]

    def export(file_format):
        with django_capture_on_commit_callbacks(execute=True):
            for learner in formula_learners:
                services.enrol(learner, program)
        with django_capture_on_commit_callbacks(execute=True):
            job = report_services.start_export(province_manager, province, {"period": "all"}, file_format)
        job.refresh_from_db()
        with job.file.open("rb") as stored:
            return stored.read()

    return export


@pytest.mark.django_db
def test_learner_export_xlsx_has_no_formula(exported):
    data = exported("xlsx")
    assert_no_formula(data)
    names = {cell.value for cell in sheet_cells(data) if isinstance(cell.value, str)}
    assert {"'" + HYPERLINK, "'" + AT_FORMULA} <= names and HYPERLINK not in names


@pytest.mark.django_db
def test_learner_export_csv_has_no_formula(exported):
    cells = {cell for line in csv_lines(exported("csv")) for cell in line}
    assert {"'" + HYPERLINK, "'" + AT_FORMULA} <= cells and HYPERLINK not in cells and AT_FORMULA not in cells


@pytest.mark.django_db
def test_quiz_results_xlsx_has_no_formula(client, formula_learners, district_manager):
    from assessments import services
    from tests.assessments.builders import make_quiz, make_single

    quiz = make_quiz([make_single()])
    for learner in formula_learners:
        services.submit_attempt(services.start_attempt(learner, quiz))
    client.force_login(district_manager)
    data = client.get(reverse("assessments_admin:export_results", args=[quiz.pk])).content
    assert_no_formula(data)
    rows = [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    assert sorted(row[0] for row in rows[1:]) == sorted(["'" + HYPERLINK, "'" + AT_FORMULA])
    assert all(isinstance(row[4], int) for row in rows[1:])  # attempts stay numbers


@pytest.mark.django_db
def test_statistics_xlsx_with_class_figures_has_no_formula(client, province_manager, district, home_page):
    from wagtail.models import Site

    from content.models import OrganiserSettings

    OrganiserSettings.objects.update_or_create(site=Site.objects.get(is_default_site=True),
                                               defaults={"organiser_name": AT_FORMULA})
    district.name = HYPERLINK  # unit names come from an imported list
    district.save()
    client.force_login(province_manager)
    data = client.get(reverse("reports_admin:export"), {"format": "xlsx"}).content
    assert_no_formula(data)
    values = {cell.value for cell in sheet_cells(data)}
    assert {"'" + HYPERLINK, "Đơn vị tổ chức: " + AT_FORMULA} <= values

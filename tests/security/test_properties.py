"""Hostile input for every import and every JSON endpoint: a clear refusal or a whole success, never a 500.

Each property runs every example inside a transaction that is rolled back, so the examples are independent.
An import either raises its own `ImportRejected` and leaves every row as it was, or writes all of its rows, each
of which fits its columns (SQLite does not enforce a column's length; PostgreSQL answers a 500 to one too long).
Examples per property: the "dev" / "ci" profiles in conftest.py (CI=true selects "ci").
"""

import csv
import hashlib
import io
import json
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import models, transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from accounts.models import LearnerProfile, User
from accounts.services import COL_EMAIL, IMPORT_COLUMNS, import_learners
from assessments import importing
from assessments.models import Answer, Choice, Question, Topic
from assessments.services import import_questions
from courses.classes.services import import_roster
from courses.models import Enrolment, LessonProgress, Participant
from lms.tabular import ImportRejected
from localities import services as units
from localities.models import Locality

pytestmark = pytest.mark.django_db

# The imports (a file written, parsed and imported per example) run at most IMPORT_CAP examples: at 1,000 each
# the ci profile took 13 minutes on the shared 2-core machine (4 minutes of CPU). The JSON endpoints always run
# the profile's number (1,000 in CI).
IMPORT_CAP = 300
imports = settings(max_examples=min(settings().max_examples, IMPORT_CAP))


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def digest(*querysets) -> str:
    """A fingerprint of every row the import may touch: equal before and after means nothing was written."""
    text = repr([list(qs) for qs in querysets])
    return hashlib.sha256(text.encode()).hexdigest()


def fits_columns(instance) -> None:
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(field, models.CharField) and field.max_length and isinstance(value, str):
            assert len(value) <= field.max_length, f"{type(instance).__name__}.{field.name}: {len(value)} characters"


# Hostile cells ------------------------------------------------------------------------------------------------

FORMULAS = ["=", "+", "-", "@", "\t", "\r", '=HYPERLINK("http://evil.example","Bấm")', "=1+1", "@SUM(A1:A9)",
            "-2+3", "+84912345678", "=cmd|' /C calc'!A0"]
ODD = ["NaN", "nan", "Infinity", "-Infinity", "1e400", "-1e400", "1E-400", "0x1F", "٣٤", "²", "", " ", "None",
       "null", "0", "-0", "00000", "9" * 40, "\u200b", "\ufeff", "𝟚𝟙𝟡", "Đ\u0301"]

formula = st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(FORMULAS), st.text(max_size=12))
control = st.text(alphabet=st.characters(max_codepoint=31), min_size=1, max_size=6)
long_cell = st.builds(lambda char, n: char * n, st.sampled_from("xẮ=9 "), st.integers(100, 6000))
huge_number = st.one_of(st.integers(-(10**40), 10**40).map(str), st.floats().map(repr))
hostile = st.one_of(st.text(max_size=20), formula, control, long_cell, huge_number, st.sampled_from(ODD))


def cells(*good) -> st.SearchStrategy:
    """A column's cell: mostly a value that passes (so that whole rows pass too), otherwise something hostile."""
    if not good:
        return hostile
    return st.integers(0, 9).flatmap(lambda n: st.sampled_from(good) if n < 7 else hostile)


def header(columns: list[str]) -> st.SearchStrategy:
    """The right header, or one with a column missing, doubled, renamed or moved."""
    def spoil(choice, index, junk):
        spoilt = list(columns)
        i = index % len(spoilt)
        if choice == "drop":
            del spoilt[i]
        elif choice == "double":
            spoilt.insert(i, spoilt[i])
        elif choice == "rename":
            spoilt[i] = junk
        elif choice == "swap":
            spoilt[0], spoilt[i] = spoilt[i], spoilt[0]
        return spoilt

    return st.one_of(st.just(columns), st.builds(spoil, st.sampled_from(["drop", "double", "rename", "swap"]),
                                                 st.integers(0, 20), st.text(max_size=10)))


def to_csv(head, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(head)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def to_xlsx(head, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [head, *rows]:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", str(cell)) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Table:
    """A file as drawn: kept as cells (a failing example prints readably, shrinks fast), built on demand."""

    kind: str  # "csv", "xlsx", or a file name for raw bytes
    head: tuple = ()
    rows: tuple = ()
    raw: bytes = b""

    @property
    def name(self) -> str:
        return f"danh-sach.{self.kind}" if self.kind in ("csv", "xlsx") else self.kind

    def data(self) -> bytes:
        if self.kind == "csv":
            return to_csv(self.head, self.rows)
        if self.kind == "xlsx":
            return to_xlsx(self.head, self.rows)
        return self.raw


@st.composite
def table_file(draw, columns, row_cells, max_rows=8):
    """A CSV or XLSX table with a spoilt header now and then, a duplicate row now and then; or garbage bytes."""
    if draw(st.integers(0, 19)) == 0:
        return Table(draw(st.sampled_from(["x.csv", "x.xlsx", "x.txt", "x.pdf"])), raw=draw(st.binary(max_size=300)))
    head = draw(header(columns))
    rows = draw(st.lists(row_cells, max_size=max_rows))
    if rows and draw(st.booleans()):
        rows.append(list(rows[draw(st.integers(0, len(rows) - 1))]))
    return Table(draw(st.sampled_from(["csv", "xlsx"])), tuple(head), tuple(tuple(row) for row in rows))


# Learner import and class roster ------------------------------------------------------------------------------

def learner_rows(world):
    communes = [c.code for c in world.district.children.order_by("code")[:3]]
    other = world.other_district.children.order_by("code").first().code
    phones = ["0912000101", "0912000102", "+84912000103", "0912 000 104", world.learner.phone,
              world.outsider_learner.phone]
    return st.tuples(
        cells("Nguyễn Văn An", "Lò Thị Bình", "Hà Văn Chiến"), cells(*phones), cells(*communes, other, "99999"),
        cells("A", "B", "a"), cells("Cán bộ văn hoá", ""), cells("UBND xã", ""), cells("an@example.vn", ""),
    ).map(list)


def learner_state():
    return digest(User.objects.order_by("pk").values_list("pk", "username", "full_name", "email", "phone",
                                                          "is_active"),
                  LearnerProfile.objects.order_by("pk").values_list("user_id", "commune_id", "target_group",
                                                                    "position", "organisation"))


def _learner_file(world):
    return table_file(IMPORT_COLUMNS + [COL_EMAIL], learner_rows(world))


def _check_written(result, before_users):
    touched = [user for user, _password in result.created] + list(result.updated)
    assert User.objects.count() == before_users + len(result.created)
    for user in User.objects.filter(pk__in=[u.pk for u in touched]).select_related("learner_profile"):
        fits_columns(user)
        fits_columns(user.learner_profile)


def test_learner_import(world):
    @imports
    @given(file=_learner_file(world))
    def prop(file):
        data, name = file.data(), file.name
        with rolled_back():
            before, users = learner_state(), User.objects.count()
            try:
                result = import_learners(world.district_manager, data, name)
            except ImportRejected:
                assert learner_state() == before
            else:
                _check_written(result, users)

    prop()


def test_class_roster_import(world):
    klass = world.training_class

    @imports
    @given(file=_learner_file(world))
    def prop(file):
        data, name = file.data(), file.name
        with rolled_back():
            before = learner_state(), Participant.objects.count(), Enrolment.objects.count()
            try:
                added = import_roster(world.trainer, klass, data, name)
            except ImportRejected:
                assert (learner_state(), Participant.objects.count(), Enrolment.objects.count()) == before
            else:
                assert Participant.objects.filter(training_class=klass).count() <= klass.capacity
                assert added >= 0

    prop()


# Question import (XLSX and GIFT) ------------------------------------------------------------------------------

def question_state():
    return digest(Question.objects.order_by("pk").values_list("pk", "text", "points"),
                  Choice.objects.order_by("pk").values_list("pk", "text", "is_correct"),
                  Topic.objects.order_by("pk").values_list("pk", "name"))


def _import_questions(parse) -> None:
    before, count = question_state(), Question.objects.count()
    try:
        created = import_questions(parse())
    except ImportRejected:
        assert question_state() == before
        return
    assert Question.objects.count() == count + len(created)
    for question in Question.objects.filter(pk__in=[q.pk for q in created]).select_related("topic"):
        fits_columns(question)
        fits_columns(question.topic)
        for choice in question.choices.all():
            fits_columns(choice)
        for tag in question.tags.all():
            fits_columns(tag)


question_row = st.tuples(
    cells("Thông tin cơ sở", "Chủ đề mới"), cells("Một lựa chọn", "Nhiều lựa chọn", "Đúng sai", "Trả lời ngắn",
                                                  "Sắp xếp", "Tự luận", "Nộp tệp", "MOT LUA CHON"),
    cells("Đài truyền thanh xã do ai quản lý?"), cells("1", "2,5", "0.25", "1000", "NaN", "sNaN", "-1", "1e3"),
    cells("Dễ", "Trung bình", "KHÓ", ""), cells("A | B | C", "Một | Hai", "x|"), cells("1", "1, 2", "Đúng", "Sai"),
    cells("Giải thích", ""), cells("đài xã, bản tin", ""), cells("Nội dung | 5", ""),
).map(list)


def test_question_import_xlsx(db):
    @imports
    @given(file=table_file(importing.TEMPLATE_COLUMNS, question_row))
    def prop(file):
        data, name = file.data(), file.name
        with rolled_back():
            _import_questions(lambda: importing.parse_table(data, name))

    prop()


gift_piece = st.one_of(
    st.text(max_size=15), formula, control, long_cell, st.sampled_from(ODD),
    st.sampled_from(["{", "}", "=", "~", "#", "::", "->", "%50%", "%-100%", "$CATEGORY: ", "\\=", "\\{", "\n\n",
                     "\n", "//", "TRUE", "F", "####", "[html]", "%1e400%", "%NaN%"]),
)
gift_question = st.builds(
    lambda title, text, answers: f"::{title}::{text} {{{answers}}}",
    st.text(max_size=10), st.one_of(st.text(max_size=30), long_cell, formula),
    st.lists(st.builds(lambda mark, body: mark + body, st.sampled_from(["=", "~", "~%50%", "=%100%", ""]),
                       st.one_of(st.text(max_size=12), long_cell, formula)), max_size=4).map(" ".join),
)
gift_text = st.one_of(
    st.lists(st.one_of(gift_question, st.lists(gift_piece, max_size=12).map("".join)), max_size=6).map("\n\n".join),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
)


def test_question_import_gift(db):
    @imports
    @given(text=gift_text, raw=st.booleans())
    def prop(text, raw):
        data = text.encode("utf-8") if not raw else text.encode("utf-16")
        with rolled_back():
            _import_questions(lambda: importing.parse_gift(data, "Chưa phân loại"))

    prop()


# Unit list ----------------------------------------------------------------------------------------------------

unit_row = st.tuples(
    cells("Tỉnh Bắc Giang", "Tỉnh Mới"), cells("24", "99", "7"), cells("Huyện Lục Ngạn", "Huyện Mới", "Quận 1"),
    cells("219", "999", "1"), cells("Xã Mới", "Phường Một", "Thị trấn Chũ"), cells("07201", "99999", "1"),
    cells("Xã", "Phường", "Thị trấn"), cells("New Commune", ""),
).map(list)


def unit_state():
    return digest(Locality.objects.order_by("pk").values_list("pk", "level", "code", "name", "name_en",
                                                              "unit_type", "parent_id", "path"))


def test_unit_list_import(db, world):
    @imports
    @given(file=table_file(units.REQUIRED_COLUMNS + [units.COL_NAME_EN], unit_row))
    def prop(file):
        data, name = file.data(), file.name
        with rolled_back():
            before, count = unit_state(), Locality.objects.count()
            try:
                result = units.import_units(data, name)
            except ImportRejected:
                assert unit_state() == before
                return
            assert Locality.objects.count() == count + result.created + result.changed  # a changed unit is a new one
            for locality in Locality.objects.order_by("-pk")[: result.created + result.changed]:
                fits_columns(locality)

    prop()


# Values longer than their columns: SQLite stores them, PostgreSQL answers a 500 ---------------------------------
# The properties above draw hostile cells that never make a whole row valid; these rows are valid but for one
# over-long value. Widen `cells()` (a valid value plus padding) once they pass.

LONG = "Nguyễn " + "x" * 200
TOO_LONG = pytest.mark.xfail(strict=True, reason="a value longer than its column: DataError (500) on PostgreSQL, "
                                                  "stored on SQLite; the importer should refuse the row")


def _learner_row(world, **change):
    row = {"name": "Lò Thị Bình", "phone": "0912000201", "commune": world.commune.code, "group": "A",
           "position": "", "organisation": "", "email": ""}
    row.update(change)
    return list(row.values())


@pytest.mark.parametrize("change", [{"name": LONG}, {"position": LONG}, {"organisation": LONG * 2},
                                    {"email": "a" * 250 + "@example.vn"}], ids=lambda c: next(iter(c)))
def test_learner_import_long_values(db, world, change):
    """A whole refusal (ImportRejected, nothing written) or a success whose values fit their columns."""
    data = to_csv(IMPORT_COLUMNS + [COL_EMAIL], [_learner_row(world, **change)])
    before, users = learner_state(), User.objects.count()
    try:
        result = import_learners(world.district_manager, data, "danh-sach.csv")
    except ImportRejected:
        assert learner_state() == before
    else:
        _check_written(result, users)


@TOO_LONG
def test_unit_list_import_long_name(db, world):
    row = ["Tỉnh Bắc Giang", "24", "Huyện Lục Ngạn", "219", "Xã " + "Mới" * 60, "07999", "Xã", ""]
    data = to_csv(units.REQUIRED_COLUMNS + [units.COL_NAME_EN], [row])
    before = unit_state()
    try:
        result = units.import_units(data, "don-vi.csv")
    except ImportRejected:
        assert unit_state() == before
    else:
        for locality in Locality.objects.order_by("-pk")[: result.created]:
            fits_columns(locality)


# The progress API (JSON) --------------------------------------------------------------------------------------

INT64 = st.integers(-(2**63), 2**63 - 1)
FINITE_ODD = [2**63 - 1, -(2**63), 1e308, -1.0, 0, True, None, "", "1", "abc", "1e400", [], {}, [1], {"a": 1}]
NON_FINITE = [float("inf"), float("-inf"), float("nan"), 1e400, 2**63, 10**400]  # and integers beyond 64 bits


def json_value(good, odd):
    return st.one_of(st.sampled_from(good), st.sampled_from(odd), INT64, st.text(max_size=20),
                     st.booleans(), st.floats(allow_nan=False, allow_infinity=False))


def progress_payload(world, odd):
    lesson = world.lesson.pk
    fields = st.fixed_dictionaries({}, optional={
        "event_id": json_value([str(uuid.uuid4()), "7d3c2f6e-0000-4000-8000-000000000001", "not-a-uuid"], odd),
        "lesson": json_value([lesson, str(lesson), world.program.pk, 10**12], odd),
        "seconds": json_value([30, 3600, 3601, "30"], odd),
        "position": json_value([12.5, 0, None, "12.5"], odd),
        "completed": json_value([True, False, "yes", 1], odd),
    })
    raw = st.one_of(st.text(max_size=60), st.sampled_from(["[]", "null", '"x"', "{" * 50, '{"lesson": []}']))
    return st.one_of(fields.map(lambda d: json.dumps(d, allow_nan=True, default=str)), raw)


def strict_json(text: str):
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def progress_state(world):
    return digest(LessonProgress.objects.filter(user=world.learner).order_by("pk").values_list(
        "lesson_id", "status", "seconds_spent", "position", "completed_at"))


def _progress_property(client, world, odd):
    client.force_login(world.learner)

    @given(body=progress_payload(world, odd))
    def prop(body):
        with rolled_back():
            before = progress_state(world)
            response = client.post("/learning/api/progress/", body, content_type="application/json")
            assert response.status_code < 500
            if response.status_code != 200:  # 400/403 answer JSON; 404 (no such lesson for you) Django's page
                assert progress_state(world) == before
            else:
                answer = strict_json(response.content.decode())
                assert set(answer) == {"status", "position", "seconds_spent", "completed"}

    prop()


def test_progress_api(client, world):
    """Anything but non-finite numbers and integers beyond 64 bits (the property below and the known bad inputs)."""
    _progress_property(client, world, FINITE_ODD)


def test_progress_api_non_finite(client, world):
    _progress_property(client, world, FINITE_ODD + NON_FINITE)


KNOWN_BAD_PROGRESS = {  # True: failed before #14 item 12 (a 500, or Infinity stored and sent back as invalid JSON)
    "seconds 1e400": ('{"event_id": "%s", "lesson": %d, "seconds": 1e400}', True),
    "seconds Infinity": ('{"event_id": "%s", "lesson": %d, "seconds": Infinity}', True),
    "seconds NaN": ('{"event_id": "%s", "lesson": %d, "seconds": NaN}', False),
    "position Infinity": ('{"event_id": "%s", "lesson": %d, "position": Infinity}', True),
    "position 1e400": ('{"event_id": "%s", "lesson": %d, "position": 1e400}', True),
    "position NaN": ('{"event_id": "%s", "lesson": %d, "position": NaN}', False),
    "lesson 1e400": ('{"event_id": "%s", "lesson": 1e400, "x": %d}', True),
    "lesson 2**63": ('{"event_id": "%s", "lesson": 9223372036854775808, "x": %d}', True),  # SQLite OverflowError
}


@pytest.mark.parametrize("body", [
    pytest.param(body, id=name) for name, (body, _failed_before) in KNOWN_BAD_PROGRESS.items()])
def test_progress_known_bad_inputs(client, db, world, body):
    """Each of these is refused with a 4xx and changes nothing, or accepted with strict JSON back."""
    client.force_login(world.learner)
    before = progress_state(world)
    response = client.post("/learning/api/progress/", body % (uuid.uuid4(), world.lesson.pk),
                           content_type="application/json")
    assert response.status_code < 500
    if response.status_code != 200:
        assert progress_state(world) == before
    else:
        strict_json(response.content.decode())


# The quiz autosave (answers JSON when asked for it) -----------------------------------------------------------

def answers_state(world):
    return digest(Answer.objects.filter(attempt_question__attempt=world.attempt).order_by("pk").values_list(
        "attempt_question_id", "response", "file"))


def save_body(world):
    question = world.question.pk
    ids = st.one_of(st.sampled_from([str(question), str(world.quiz.pk), "0", "1" * 12, "1" * 13, "-1", "1e3",
                                     ""]), hostile)
    return st.fixed_dictionaries({"question": st.lists(ids, max_size=3)}, optional={
        f"q{question}": st.lists(hostile, max_size=3), "review": st.just("1"), "q0": st.lists(hostile, max_size=2),
    })


def test_quiz_autosave(client, world):
    client.force_login(world.learner)

    @given(body=save_body(world))
    def prop(body):
        with rolled_back():
            before = answers_state(world)
            response = client.post(f"/quizzes/attempts/{world.attempt.pk}/save/", body,
                                   HTTP_ACCEPT="application/json")
            assert response.status_code in (200, 400, 409), response.status_code
            answer = strict_json(response.content.decode())
            if response.status_code != 200:
                assert "error" in answer and answers_state(world) == before

    prop()

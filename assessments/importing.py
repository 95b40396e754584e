"""Parsing question files (the XLSX template and Moodle GIFT) into specs; nothing here writes.

Both parsers return every problem with its line number, so the service can refuse the whole
file when one question is bad.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from lms.spreadsheets import XLSX, Layout, to_bytes
from lms.tabular import ImportRejected, Row, RowError, read_table

from . import gift
from .grading import fold_text
from .models import Difficulty
from .specs import (  # noqa: F401 - QuestionSpec and the kinds are imported from here by other apps
    DESCRIPTION,
    ESSAY,
    FILE,
    MATCHING,
    MULTIPLE,
    NUMERICAL,
    ORDERING,
    SHORT,
    SINGLE,
    TRUE_FALSE,
    AnswerSpec,
    QuestionSpec,
    SpecError,
)

# XLSX template ----------------------------------------------------------------------------

COL_TOPIC, COL_KIND, COL_TEXT, COL_POINTS = "Chủ đề", "Loại", "Câu hỏi", "Điểm"
COL_DIFFICULTY, COL_CHOICES, COL_ANSWER = "Độ khó", "Phương án", "Đáp án"
COL_EXPLANATION, COL_TAGS, COL_RUBRIC = "Giải thích", "Thẻ", "Hướng dẫn chấm"
REQUIRED_COLUMNS = [COL_TOPIC, COL_KIND, COL_TEXT, COL_CHOICES, COL_ANSWER]
TEMPLATE_COLUMNS = [COL_TOPIC, COL_KIND, COL_TEXT, COL_POINTS, COL_DIFFICULTY, COL_CHOICES, COL_ANSWER,
                    COL_EXPLANATION, COL_TAGS, COL_RUBRIC]
# Kind names as trainers type them, compared without case or diacritics.
KIND_NAMES = {"mot lua chon": SINGLE, "nhieu lua chon": MULTIPLE, "dung sai": TRUE_FALSE,
              "tra loi ngan": SHORT, "sap xep": ORDERING, "tu luan": ESSAY, "nop tep": FILE,
              "ghep doi": MATCHING, "so": NUMERICAL}
DIFFICULTY_NAMES = {"de": Difficulty.EASY, "trung binh": Difficulty.MEDIUM, "kho": Difficulty.HARD, "": None}
TEMPLATE_EXAMPLES = [
    ["Thông tin cơ sở", "Một lựa chọn", "Đài truyền thanh cấp xã do cơ quan nào quản lý?", "1", "Dễ",
     "UBND xã | Hội Nông dân | Trường học", "1", "Theo quy chế hoạt động thông tin cơ sở.", "đài xã", ""],
    ["Thông tin cơ sở", "Nhiều lựa chọn", "Những thể loại nào là tác phẩm báo chí?", "2", "Trung bình",
     "Tin | Phóng sự | Quảng cáo", "1, 2", "", "", ""],
    ["Thông tin cơ sở", "Đúng sai", "Bản tin thông tin cơ sở phải có số giấy phép.", "1", "", "", "Đúng",
     "", "", ""],
    ["Thông tin cơ sở", "Trả lời ngắn", "Tỉnh nào triển khai đề án này?", "1", "", "", "Bắc Giang | Bac Giang",
     "", "", ""],
    ["Sản xuất chương trình", "Sắp xếp", "Sắp xếp các bước sản xuất một bản tin phát thanh", "1", "",
     "Lên kế hoạch | Viết tin | Thu âm | Phát sóng", "", "", "", ""],
    ["Sản xuất chương trình", "Tự luận", "Trình bày kế hoạch tuyên truyền tháng tới của xã", "5", "", "", "",
     "", "", "Nêu mục tiêu, đối tượng, kênh truyền thông"],
    ["Sản xuất chương trình", "Nộp tệp", "Gửi một bản tin phát thanh dài 3 phút bạn đã thu", "10", "", "", "",
     "", "", "Nội dung | 4\nGiọng đọc | 3\nKỹ thuật thu | 3"],
    ["Thông tin cơ sở", "Ghép đôi", "Ghép mỗi sản phẩm với kênh phát", "2", "",
     "Bản tin phát thanh -> Đài truyền thanh xã | Bản tin thông tin cơ sở -> Bảng tin nhà văn hoá | "
     "-> Báo in", "", "Vế trống bên trái: đáp án gây nhiễu", "", ""],
    ["Thông tin cơ sở", "Số", "Một bản tin phát thanh nên dài bao nhiêu phút?", "1", "", "",
     "3:1 | %50%1..10", "Đáp án: số; 3:1 là 3 ± 1; 1..10 là từ 1 đến 10; %50% là được nửa điểm", "", ""],
]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def parse_table(data: bytes, filename: str) -> list[QuestionSpec]:
    rows = read_table(data, filename, REQUIRED_COLUMNS)
    specs, errors = [], []
    for row in rows:
        try:
            specs.append(_parse_row(row))
        except ValueError as error:
            errors.append(RowError(row.line, str(error)))
    if errors:
        raise ImportRejected(errors)
    if not specs:
        raise ImportRejected([RowError(1, _("Tệp không có câu hỏi nào."))])
    return specs


def _parse_row(row: Row) -> QuestionSpec:
    kind = KIND_NAMES.get(fold_text(row.get(COL_KIND), ignore_case=True, ignore_diacritics=True))
    if kind is None:
        raise ValueError(_("loại câu hỏi “%(kind)s” không có trong mẫu") % {"kind": row.get(COL_KIND)})
    if not row.get(COL_TOPIC) or not row.get(COL_TEXT):
        raise ValueError(_("thiếu chủ đề hoặc nội dung câu hỏi"))
    spec = QuestionSpec(line=row.line, kind=kind, topic=row.get(COL_TOPIC), text=row.get(COL_TEXT),
                        explanation=row.get(COL_EXPLANATION), tags=_split(row.get(COL_TAGS).replace(",", "|")),
                        rubric=row.get(COL_RUBRIC), points=_points(row.get(COL_POINTS)),
                        difficulty=_difficulty(row.get(COL_DIFFICULTY)))
    _ROW_ANSWER_READERS[kind](spec, _split(row.get(COL_CHOICES)), row.get(COL_ANSWER))
    spec.check()
    return spec


def _points(cell: str) -> Decimal:
    try:
        points = Decimal(cell.replace(",", ".")) if cell else Decimal(1)
    except InvalidOperation:
        points = Decimal(-1)
    if not points.is_finite() or not (0 < points <= 1000):  # comparing NaN raises InvalidOperation
        raise ValueError(_("điểm “%(points)s” không hợp lệ") % {"points": cell})
    return points


def _difficulty(cell: str) -> str:
    value = DIFFICULTY_NAMES.get(fold_text(cell, ignore_case=True, ignore_diacritics=True), "?")
    if value == "?":
        raise ValueError(_("độ khó phải là Dễ, Trung bình hoặc Khó"))
    return value or Difficulty.MEDIUM


def _choice_numbers(answer: str, count: int) -> set[int]:
    try:
        numbers = {int(part) for part in re.split(r"[,;\s]+", answer) if part}
    except ValueError:
        numbers = {0}
    if not numbers or any(not 1 <= n <= count for n in numbers):
        raise ValueError(_("đáp án phải là số thứ tự phương án, từ 1 đến %(count)s") % {"count": count})
    return numbers


def _needs_choices(choices: list[str]) -> None:
    if len(choices) < 2:
        raise ValueError(_("cần ít nhất hai phương án, cách nhau bởi dấu |"))


def _read_single(spec, choices, answer):
    _needs_choices(choices)
    correct = _choice_numbers(answer, len(choices))
    if len(correct) != 1:
        raise ValueError(_("câu một lựa chọn phải có đúng một đáp án"))
    spec.choices = [(text, i in correct) for i, text in enumerate(choices, start=1)]


def _read_multiple(spec, choices, answer):
    _needs_choices(choices)
    correct = _choice_numbers(answer, len(choices))
    spec.choices = [(text, i in correct) for i, text in enumerate(choices, start=1)]


def _read_true_false(spec, choices, answer):
    value = fold_text(answer, ignore_case=True, ignore_diacritics=True)
    if value not in ("dung", "sai"):
        raise ValueError(_("đáp án câu đúng/sai phải là Đúng hoặc Sai"))
    spec.correct_answer = value == "dung"


def _read_short(spec, choices, answer):
    spec.accepted = _split(answer)
    if not spec.accepted:
        raise ValueError(_("cần ít nhất một đáp án được chấp nhận"))


def _read_ordering(spec, choices, answer):
    _needs_choices(choices)
    spec.choices = [(text, False) for text in choices]


def _read_manual(spec, choices, answer):
    if spec.kind == FILE and not spec.rubric:
        raise ValueError(_("câu nộp tệp cần tiêu chí chấm"))


def _read_matching(spec, choices, answer):
    pairs = []
    for pair in choices:
        if "->" not in pair:
            raise ValueError(_("mỗi cặp ghép đôi phải có dạng vế trái -> vế phải, các cặp cách nhau bởi dấu |"))
        stem, match = (part.strip() for part in pair.split("->", 1))
        pairs.append(AnswerSpec(text=stem, match=match))
    if sum(1 for pair in pairs if pair.text) < 2 or not all(pair.match for pair in pairs):
        raise ValueError(_("câu ghép đôi cần ít nhất hai cặp, mỗi cặp có vế phải"))
    spec.answers = pairs


def _read_numerical(spec, choices, answer):
    """Answers as in GIFT, by |: 3, 3:0,5 (± 0,5), 1..5 (a range), %50%4 (half the points)."""
    spec.answers = [gift._number(part.replace(",", ".")) for part in _split(answer)]
    if not any(a.weight > 0 for a in spec.answers):
        raise ValueError(_("câu trả lời bằng số cần ít nhất một đáp án đúng"))


_ROW_ANSWER_READERS = {SINGLE: _read_single, MULTIPLE: _read_multiple, TRUE_FALSE: _read_true_false,
                       SHORT: _read_short, ORDERING: _read_ordering, ESSAY: _read_manual, FILE: _read_manual,
                       MATCHING: _read_matching, NUMERICAL: _read_numerical}


# GIFT -------------------------------------------------------------------------------------

def _decode(data: bytes, label: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowError(0, _("Tệp %(format)s phải mã hoá UTF-8.") % {"format": label})]) from exc
    if "\x00" in text:  # a binary file, never a question bank; PostgreSQL cannot store the character
        raise ImportRejected([RowError(text[:text.index("\x00")].count("\n") + 1,
                                       _("Tệp %(format)s chứa ký tự NUL không hợp lệ.") % {"format": label})])
    return text


def _all_or_nothing(specs, errors) -> list[QuestionSpec]:
    if errors:
        raise ImportRejected([RowError(line, message) for line, message in errors])
    if not specs:
        raise ImportRejected([RowError(1, _("Tệp không có câu hỏi nào."))])
    return specs


def parse_gift(data: bytes, default_topic: str) -> list[QuestionSpec]:
    """Moodle GIFT, every construct Moodle documents (see gift.py); $CATEGORY sets the topic."""
    return _all_or_nothing(*gift.parse(_decode(data, "GIFT"), default_topic))


def parse_moodle_xml(data: bytes, default_topic: str) -> list[QuestionSpec]:
    """Moodle XML (see moodle_xml.py), read with defusedxml."""
    from . import moodle_xml

    return _all_or_nothing(*moodle_xml.parse(data, default_topic))


def template_workbook() -> bytes:
    """The XLSX template trainers download: the columns and one example per question type."""
    return to_bytes(XLSX, [TEMPLATE_COLUMNS, *TEMPLATE_EXAMPLES], Layout(sheet_name=_("Câu hỏi")))

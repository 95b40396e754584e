"""Parsing question files (the XLSX template and Moodle GIFT) into specs; nothing here writes.

Both parsers return every problem with its line number, so the service can refuse the whole
file when one question is bad.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from lms.spreadsheets import XLSX, Layout, to_bytes
from lms.tabular import ImportRejected, Row, RowError, read_table

from .grading import fold_text
from .models import Choice, Difficulty, QuestionTag, Topic

SINGLE, MULTIPLE, TRUE_FALSE, SHORT, ORDERING, ESSAY, FILE = (
    "single", "multiple", "true_false", "short", "ordering", "essay", "file")


@dataclass
class QuestionSpec:
    line: int
    kind: str
    topic: str
    text: str
    points: Decimal = Decimal(1)
    difficulty: str = Difficulty.MEDIUM
    explanation: str = ""
    tags: list[str] = field(default_factory=list)
    choices: list[tuple[str, bool]] = field(default_factory=list)
    correct_answer: bool = True
    accepted: list[str] = field(default_factory=list)
    rubric: str = ""


# XLSX template ----------------------------------------------------------------------------

COL_TOPIC, COL_KIND, COL_TEXT, COL_POINTS = "Chủ đề", "Loại", "Câu hỏi", "Điểm"
COL_DIFFICULTY, COL_CHOICES, COL_ANSWER = "Độ khó", "Phương án", "Đáp án"
COL_EXPLANATION, COL_TAGS, COL_RUBRIC = "Giải thích", "Thẻ", "Hướng dẫn chấm"
REQUIRED_COLUMNS = [COL_TOPIC, COL_KIND, COL_TEXT, COL_CHOICES, COL_ANSWER]
TEMPLATE_COLUMNS = [COL_TOPIC, COL_KIND, COL_TEXT, COL_POINTS, COL_DIFFICULTY, COL_CHOICES, COL_ANSWER,
                    COL_EXPLANATION, COL_TAGS, COL_RUBRIC]
# Kind names as trainers type them, compared without case or diacritics.
KIND_NAMES = {"mot lua chon": SINGLE, "nhieu lua chon": MULTIPLE, "dung sai": TRUE_FALSE,
              "tra loi ngan": SHORT, "sap xep": ORDERING, "tu luan": ESSAY, "nop tep": FILE}
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
    _check_lengths(spec)
    return spec


def _check_lengths(spec: QuestionSpec) -> None:
    """What the columns hold: PostgreSQL refuses a longer value with an error page, SQLite stores it."""
    limits = [(spec.topic, Topic, "name", _("chủ đề")), *[(text, Choice, "text", _("phương án"))
                                                         for text, _correct in spec.choices],
              *[(tag, QuestionTag.tag_model(), "name", _("thẻ")) for tag in spec.tags]]
    for value, model, field_name, label in limits:
        limit = model._meta.get_field(field_name).max_length
        if len(value) > limit:
            raise ValueError(_("%(what)s dài quá %(limit)s ký tự") % {"what": label, "limit": limit})


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


_ROW_ANSWER_READERS = {SINGLE: _read_single, MULTIPLE: _read_multiple, TRUE_FALSE: _read_true_false,
                       SHORT: _read_short, ORDERING: _read_ordering, ESSAY: _read_manual, FILE: _read_manual}


# GIFT -------------------------------------------------------------------------------------

_ESCAPES = {"\\=": "\x01", "\\~": "\x02", "\\#": "\x03", "\\{": "\x04", "\\}": "\x05", "\\:": "\x06"}
_UNESCAPE = {v: k[1] for k, v in _ESCAPES.items()}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def _protect(text: str) -> str:
    for escaped, marker in _ESCAPES.items():
        text = text.replace(escaped, marker)
    return text


def _restore(text: str) -> str:
    for marker, char in _UNESCAPE.items():
        text = text.replace(marker, char)
    return " ".join(text.split())


def parse_gift(data: bytes, default_topic: str) -> list[QuestionSpec]:
    """The GIFT subset: single/multiple choice, true/false, short answer, essay; $CATEGORY sets the topic."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowError(0, _("Tệp GIFT phải mã hoá UTF-8."))]) from exc
    if "\x00" in text:  # a binary file, never a question bank; PostgreSQL cannot store the character
        raise ImportRejected([RowError(text[:text.index("\x00")].count("\n") + 1,
                                       _("Tệp GIFT chứa ký tự NUL không hợp lệ."))])
    specs, errors, topic = [], [], default_topic
    for line, block in _gift_blocks(text):
        if block.startswith("$CATEGORY:"):
            topic = block.split(":", 1)[1].strip().split("/")[-1] or default_topic
            continue
        try:
            specs.append(_parse_gift_question(line, block, topic))
        except ValueError as error:
            errors.append(RowError(line, str(error)))
    if errors:
        raise ImportRejected(errors)
    if not specs:
        raise ImportRejected([RowError(1, _("Tệp không có câu hỏi nào."))])
    return specs


def _gift_blocks(text: str):
    """Questions are separated by blank lines; yields (first line number, joined text)."""
    start, lines = 0, []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("//"):
            continue
        if not stripped:
            if lines:
                yield start, "\n".join(lines)
            lines = []
            continue
        if not lines:
            start = number
        lines.append(stripped)
    if lines:
        yield start, "\n".join(lines)


def _parse_gift_question(line: int, block: str, topic: str) -> QuestionSpec:
    block = _protect(block)
    title_match = re.match(r"^::(.*?)::", block, re.S)
    if title_match:
        block = block[title_match.end():]
    if block.count("{") != 1 or block.count("}") != 1 or block.index("{") > block.index("}"):
        raise ValueError(_("mỗi câu hỏi cần đúng một cặp ngoặc { } chứa đáp án"))
    before, rest = block.split("{", 1)
    answer, after = rest.split("}", 1)
    question_text = _restore(re.sub(r"^\[\w+\]", "", (before + " " + after).strip()))
    if not question_text:
        raise ValueError(_("thiếu nội dung câu hỏi"))
    answer, _sep, general_feedback = answer.partition("####")
    spec = QuestionSpec(line=line, kind=ESSAY, topic=topic, text=question_text,
                        explanation=_restore(general_feedback))
    _read_gift_answer(spec, answer.strip())
    _check_lengths(spec)
    return spec


def _read_gift_answer(spec: QuestionSpec, answer: str) -> None:
    if not answer:
        return  # {} is an essay
    if answer.upper() in ("T", "TRUE", "F", "FALSE"):
        spec.kind, spec.correct_answer = TRUE_FALSE, answer.upper().startswith("T")
        return
    if answer.startswith("#") or "->" in answer:
        raise ValueError(_("chỉ hỗ trợ câu một/nhiều lựa chọn, đúng/sai, trả lời ngắn và tự luận"))
    parts = re.findall(r"([=~])([^=~]*)", answer)
    if not parts or answer[0] not in "=~":
        raise ValueError(_("đáp án phải bắt đầu bằng = hoặc ~"))
    entries = [(mark, _restore(body.split("#", 1)[0])) for mark, body in parts]
    if any(not body for _mark, body in entries):
        raise ValueError(_("có phương án trống"))
    if all(mark == "=" for mark, _body in entries):
        spec.kind, spec.accepted = SHORT, [body for _mark, body in entries]
        return
    _read_gift_choices(spec, entries)


def _read_gift_choices(spec: QuestionSpec, entries) -> None:
    weighted = [_WEIGHT.match(body) for _mark, body in entries]
    if any(weighted):
        spec.kind = MULTIPLE
        spec.choices = [(_WEIGHT.sub("", body).strip(), bool(w and float(w.group(1)) > 0))
                        for (_mark, body), w in zip(entries, weighted, strict=True)]
    else:
        spec.kind = SINGLE
        spec.choices = [(body, mark == "=") for mark, body in entries]
        if sum(correct for _text, correct in spec.choices) != 1:
            raise ValueError(_("câu một lựa chọn phải có đúng một đáp án đúng (=)"))
    if not any(correct for _text, correct in spec.choices):
        raise ValueError(_("không có phương án đúng"))


def template_workbook() -> bytes:
    """The XLSX template trainers download: the columns and one example per question type."""
    return to_bytes(XLSX, [TEMPLATE_COLUMNS, *TEMPLATE_EXAMPLES], Layout(sheet_name=_("Câu hỏi")))

"""Moodle XML (docs.moodle.org/en/Moodle_XML_format), read with defusedxml (no DTD, no entities, no external
references) and written with the standard library. Types: multichoice (single or multiple), truefalse,
shortanswer, numerical, matching, essay, description, ordering (qtype_ordering), and category. Other types
(cloze "multianswer", calculated, drag and drop, random...) are refused by name. Files embedded in texts
(@@PLUGINFILE@@) are not imported: their references are dropped by the sanitiser."""

import re
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree as ET  # noqa: S405 - used to build the export only, never to parse

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.utils.translation import gettext as _

from . import formats
from .gift import category_name
from .specs import (
    DESCRIPTION,
    ESSAY,
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
    number_text,
)

_FORMATS = {"html": formats.TextFormat.HTML, "moodle_auto_format": formats.TextFormat.MOODLE,
            "plain_text": formats.TextFormat.PLAIN, "markdown": formats.TextFormat.MARKDOWN}
_FORMAT_NAMES = {value: name for name, value in _FORMATS.items()}
_TYPES = {"multichoice": None, "truefalse": TRUE_FALSE, "shortanswer": SHORT, "numerical": NUMERICAL,
          "matching": MATCHING, "essay": ESSAY, "description": DESCRIPTION, "ordering": ORDERING}
EXPORTABLE = {SINGLE, MULTIPLE, TRUE_FALSE, SHORT, NUMERICAL, MATCHING, ESSAY, DESCRIPTION, ORDERING}


# Reading ----------------------------------------------------------------------------------

def parse(data: bytes, default_topic: str) -> tuple[list[QuestionSpec], list[tuple[int, str]]]:
    try:
        root = SafeET.fromstring(data)
    except SafeET.ParseError as error:
        return [], [(error.position[0], _("XML không hợp lệ: %(error)s") % {"error": error.msg})]
    except DefusedXmlException:
        return [], [(1, _("Tệp XML có DTD hoặc thực thể (entity): không nhận vì lý do an toàn."))]
    except (ValueError, UnicodeError):
        return [], [(1, _("Tệp XML phải mã hoá UTF-8."))]
    if root.tag != "quiz":
        return [], [(1, _("Tệp Moodle XML phải bắt đầu bằng thẻ <quiz>."))]
    lines = _question_lines(data, len(root.findall("question")))
    specs, errors, topic = [], [], default_topic
    for line, element in zip(lines, root.findall("question"), strict=True):
        kind = element.get("type", "")
        if kind == "category":
            topic = category_name(_text(element, "category")) or default_topic
            continue
        try:
            specs.append(_question(line, element, kind, topic))
        except SpecError as error:
            errors.append((line, str(error)))
    return specs, errors


def _question_lines(data: bytes, count: int) -> list[int]:
    """The line of each <question> start tag (ElementTree keeps no positions); numbered 1..n when the raw
    text holds more or fewer of them than the tree (one inside a comment)."""
    text = data.decode("utf-8", errors="replace")
    lines = [text.count("\n", 0, match.start()) + 1 for match in re.finditer(r"<question[\s>/]", text)]
    return lines if len(lines) == count else list(range(1, count + 1))


def _text(element, path: str) -> str:
    found = element.find(f"{path}/text") if path else element.find("text")
    return (found.text or "").strip() if found is not None else ""


def _formatted(element, path: str) -> tuple[str, str]:
    node = element.find(path)
    if node is None:
        return formats.TextFormat.PLAIN, ""
    return _FORMATS.get(node.get("format", "html"), formats.TextFormat.HTML), _text(node, "")


def _plain(element, path: str) -> str:
    text_format, text = _formatted(element, path)
    return formats.to_plain(text, text_format)


def _number(value: str, what: str) -> Decimal:
    try:
        number = Decimal((value or "0").strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise SpecError(_("%(what)s “%(value)s” không phải là số") % {"what": what, "value": value})
    return number


def _question(line: int, element, kind: str, topic: str) -> QuestionSpec:
    if kind not in _TYPES:
        raise SpecError(_("loại câu hỏi Moodle “%(type)s” chưa được hỗ trợ (chỉ nhận: nhiều lựa chọn, đúng/sai, "
                          "trả lời ngắn, số, ghép đôi, tự luận, mô tả, sắp xếp)") % {"type": kind})
    text_format, text = _formatted(element, "questiontext")
    spec = QuestionSpec(line=line, kind=_TYPES[kind] or SINGLE, topic=topic, text=text, text_format=text_format,
                        title=_text(element, "name"), explanation=_plain(element, "generalfeedback"),
                        tags=[(tag.text or "").strip() for tag in element.findall("tags/tag/text") if tag.text])
    if not spec.text.strip():
        raise SpecError(_("thiếu nội dung câu hỏi"))
    grade = element.findtext("defaultgrade")
    spec.points = Decimal(0) if spec.kind == DESCRIPTION else _number(grade or "1", _("điểm"))
    if not 0 <= spec.points <= 1000:
        raise SpecError(_("điểm “%(points)s” không hợp lệ") % {"points": grade})
    _READERS.get(kind, lambda spec, element: None)(spec, element)
    spec.check()
    return spec


def _answers(element) -> list[AnswerSpec]:
    rows = []
    for answer in element.findall("answer"):
        weight = _number(answer.get("fraction", "0"), _("trọng số"))
        if not -100 <= weight <= 100:
            raise SpecError(_("trọng số %(weight)s%% nằm ngoài khoảng -100%% đến 100%%") % {"weight": weight})
        text_format = _FORMATS.get(answer.get("format", "plain_text"), formats.TextFormat.PLAIN)
        rows.append(AnswerSpec(text=formats.to_plain(_text(answer, ""), text_format), weight=weight,
                               feedback=_plain(answer, "feedback")))
    return rows


def _read_multichoice(spec, element):
    spec.kind = SINGLE if (element.findtext("single") or "true").strip().lower() in ("true", "1") else MULTIPLE
    spec.answers = _answers(element)
    if len(spec.answers) < 2 or any(not row.text for row in spec.answers):
        raise SpecError(_("câu nhiều lựa chọn cần ít nhất hai phương án, không phương án nào trống"))
    if not any(row.weight > 0 for row in spec.answers):
        raise SpecError(_("không có phương án đúng (= hoặc trọng số dương)"))


def _read_truefalse(spec, element):
    rows = {row.text.strip().lower(): row for row in _answers(element)}
    if set(rows) != {"true", "false"}:
        raise SpecError(_("câu đúng/sai cần hai đáp án true và false"))
    spec.correct_answer = rows["true"].weight > 0
    spec.feedback_true, spec.feedback_false = rows["true"].feedback, rows["false"].feedback


def _read_shortanswer(spec, element):
    spec.answers = _answers(element)
    spec.ignore_case = (element.findtext("usecase") or "0").strip() in ("0", "false")
    if not any(row.weight > 0 and row.text for row in spec.answers):
        raise SpecError(_("không có đáp án đúng (trọng số dương)"))


def _read_numerical(spec, element):
    rows = _answers(element)
    for row, answer in zip(rows, element.findall("answer"), strict=True):
        if row.text.strip() == "*":  # any other number
            row.text = "*"
            continue
        row.tolerance = abs(_number(answer.findtext("tolerance") or "0", _("sai số")))
        row.text = number_text(_number(row.text, _("đáp án")))
    spec.answers = rows
    if not any(row.weight > 0 for row in rows):
        raise SpecError(_("câu trả lời bằng số cần ít nhất một đáp án đúng"))


def _read_matching(spec, element):
    spec.answers = [AnswerSpec(text=_plain(sub, "."), match=formats.to_plain(_text(sub, "answer"),
                                                                             formats.TextFormat.PLAIN))
                    for sub in element.findall("subquestion")]
    if sum(1 for pair in spec.answers if pair.text) < 2 or not all(pair.match for pair in spec.answers):
        raise SpecError(_("câu ghép đôi cần ít nhất hai cặp, mỗi cặp có vế phải"))


def _read_essay(spec, element):
    spec.rubric = _plain(element, "graderinfo")


def _read_ordering(spec, element):
    rows = sorted(_answers(element), key=lambda row: row.weight)  # qtype_ordering: fraction = position
    spec.answers = [AnswerSpec(text=row.text) for row in rows]
    spec.partial_credit = (element.findtext("gradingtype") or "").strip().upper() not in ("", "ALL_OR_NOTHING")
    if len(spec.answers) < 2:
        raise SpecError(_("cần ít nhất hai phương án, cách nhau bởi dấu |"))


_READERS = {"multichoice": _read_multichoice, "truefalse": _read_truefalse, "shortanswer": _read_shortanswer,
            "numerical": _read_numerical, "matching": _read_matching, "essay": _read_essay,
            "ordering": _read_ordering}


# Writing ----------------------------------------------------------------------------------

def _add_text(parent, tag: str, text: str, text_format: str | None = None):
    node = ET.SubElement(parent, tag)
    if text_format is not None:
        node.set("format", _FORMAT_NAMES[text_format])
    ET.SubElement(node, "text").text = text
    return node


def write(specs: list[QuestionSpec]) -> str:
    quiz, topic = ET.Element("quiz"), None
    for spec in specs:
        if spec.topic != topic:
            topic = spec.topic
            category = ET.SubElement(quiz, "question", type="category")
            _add_text(category, "category", "$course$/top/" + topic.replace("/", "//"))
        _write_question(quiz, spec)
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


_TYPE_NAMES = {SINGLE: "multichoice", MULTIPLE: "multichoice", TRUE_FALSE: "truefalse", SHORT: "shortanswer",
               NUMERICAL: "numerical", MATCHING: "matching", ESSAY: "essay", DESCRIPTION: "description",
               ORDERING: "ordering"}


def _write_question(quiz, spec: QuestionSpec) -> None:
    node = ET.SubElement(quiz, "question", type=_TYPE_NAMES[spec.kind])
    _add_text(node, "name", spec.title)
    _add_text(node, "questiontext", spec.text, spec.text_format)
    _add_text(node, "generalfeedback", spec.explanation, formats.TextFormat.PLAIN)
    ET.SubElement(node, "defaultgrade").text = number_text(spec.points)
    _WRITERS.get(spec.kind, lambda node, spec: None)(node, spec)
    if spec.tags:
        tags = ET.SubElement(node, "tags")
        for tag in spec.tags:
            _add_text(tags, "tag", tag)


def _answer(node, text: str, weight, feedback: str = ""):
    answer = _add_text(node, "answer", text, formats.TextFormat.PLAIN)
    answer.set("fraction", number_text(Decimal(weight)))
    _add_text(answer, "feedback", feedback, formats.TextFormat.PLAIN)
    return answer


def _write_choices(node, spec):
    ET.SubElement(node, "single").text = "true" if spec.kind == SINGLE else "false"
    ET.SubElement(node, "shuffleanswers").text = "true"
    for row in spec.answers:
        _answer(node, row.text, row.weight, row.feedback)


def _write_true_false(node, spec):
    _answer(node, "true", 100 if spec.correct_answer else 0, spec.feedback_true)
    _answer(node, "false", 0 if spec.correct_answer else 100, spec.feedback_false)


def _write_short(node, spec):
    ET.SubElement(node, "usecase").text = "0" if spec.ignore_case else "1"
    for row in spec.answers:
        _answer(node, row.text, row.weight, row.feedback)


def _write_numerical(node, spec):
    for row in spec.answers:
        answer = _answer(node, row.text, row.weight, row.feedback)
        ET.SubElement(answer, "tolerance").text = number_text(row.tolerance or Decimal(0))


def _write_matching(node, spec):
    ET.SubElement(node, "shuffleanswers").text = "true"
    for row in spec.answers:
        sub = _add_text(node, "subquestion", row.text, formats.TextFormat.PLAIN)
        _add_text(sub, "answer", row.match)


def _write_essay(node, spec):
    ET.SubElement(node, "responseformat").text = "editor"
    _add_text(node, "graderinfo", spec.rubric, formats.TextFormat.PLAIN)


def _write_ordering(node, spec):
    ET.SubElement(node, "layouttype").text = "VERTICAL"
    ET.SubElement(node, "selecttype").text = "ALL"
    ET.SubElement(node, "gradingtype").text = "ABSOLUTE_POSITION" if spec.partial_credit else "ALL_OR_NOTHING"
    for position, row in enumerate(spec.answers, start=1):
        _answer(node, row.text, position)


_WRITERS = {SINGLE: _write_choices, MULTIPLE: _write_choices, TRUE_FALSE: _write_true_false, SHORT: _write_short,
            NUMERICAL: _write_numerical, MATCHING: _write_matching, ESSAY: _write_essay, ORDERING: _write_ordering}

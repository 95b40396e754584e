"""Moodle's GIFT format, read and written, as Moodle documents it (docs.moodle.org/en/GIFT_format) and as
its importer (question/format/gift/format.php) reads it: the same type detection, the same splitting of
answers on `~` / `=`, feedback on the first `#`, general feedback after `####`, weights `%n%`, numerical
`value:tolerance` and `min..max`, matching `stem -> answer`, missing-word blanks as `_____`. pygiftparser
(MIT) was read for its test cases, not used: it has no release since 2018 and loses weights and feedback.

Nothing here writes to the database. Every problem is reported with the line where its question starts.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from . import formats
from .specs import (
    DESCRIPTION,
    ESSAY,
    MATCHING,
    MULTIPLE,
    NUMERICAL,
    SHORT,
    SINGLE,
    TRUE_FALSE,
    AnswerSpec,
    QuestionSpec,
    SpecError,
    number_text,
)

# Escaped characters become private-use code points while parsing, so that splitting ignores them.
_ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003", "\\{": "\ue004",
            "\\}": "\ue005", "\\:": "\ue006", "\\n": "\ue007"}
_UNESCAPE = {"\ue000": "\\", "\ue001": "~", "\ue002": "=", "\ue003": "#", "\ue004": "{", "\ue005": "}",
             "\ue006": ":", "\ue007": "\n"}
_WEIGHT = re.compile(r"^%(-?\d{1,3}(?:\.\d+)?)%")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
BLANK = "_____"


# Reading ----------------------------------------------------------------------------------

def blocks(text: str):
    """Questions are separated by blank lines; `//` lines are comments. Yields (first line, text)."""
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


def parse(text: str, default_topic: str) -> tuple[list[QuestionSpec], list[tuple[int, str]]]:
    """(specs, errors as (line, message)); `$CATEGORY:` changes the topic of the questions after it."""
    specs, errors, topic = [], [], default_topic
    for line, block in blocks(text):
        if block.startswith("$CATEGORY:"):
            first, _sep, rest = block.partition("\n")
            topic = category_name(first.split(":", 1)[1]) or default_topic
            if not rest.strip():
                continue
            line, block = line + 1, rest
        try:
            specs.append(parse_question(line, block, topic))
        except SpecError as error:
            errors.append((line, str(error)))
    return specs, errors


def category_name(path: str) -> str:
    """The last level of a Moodle category path; `//` is a slash inside a name."""
    return re.split(r"(?<!/)/(?!/)", path.strip().rstrip("/"))[-1].replace("//", "/").strip()


def _protect(text: str) -> str:
    for escaped, marker in _ESCAPES.items():
        text = text.replace(escaped, marker)
    return text


def _restore(text: str, keep_lines: bool = False) -> str:
    for marker, char in _UNESCAPE.items():
        text = text.replace(marker, char)
    if keep_lines:
        return "\n".join(" ".join(line.split()) for line in text.strip().split("\n"))
    return " ".join(text.split())


def _plain(text: str) -> str:
    """An answer or feedback: its own format marker, reduced to plain text (the fields hold plain text)."""
    text_format, body = formats.split_marker(_restore(text, keep_lines=True), formats.TextFormat.PLAIN)
    return " ".join(formats.to_plain(body, text_format).split())


def parse_question(line: int, block: str, topic: str) -> QuestionSpec:
    block = _protect(block)
    title = ""
    if block.startswith("::"):
        end = block.find("::", 2)
        if end < 0:
            raise SpecError(_("tên câu hỏi mở bằng :: nhưng không đóng bằng ::"))
        title, block = _restore(block[2:end]), block[end + 2:].strip()
    text_format, block = formats.split_marker(block, formats.TextFormat.PLAIN)
    spec = QuestionSpec(line=line, kind=DESCRIPTION, topic=topic, text="", title=title, text_format=text_format)
    opening, closing = block.count("{"), block.count("}")
    if opening == closing == 0:
        return _description(spec, block)
    if opening != 1 or closing != 1 or block.index("{") > block.index("}"):
        raise SpecError(_("mỗi câu hỏi cần đúng một cặp ngoặc { } chứa đáp án (ngoặc trong nội dung viết "
                          "\\{ \\})"))
    before, rest = block.split("{", 1)
    answer, after = rest.split("}", 1)
    # Moodle's missing-word form: answers inside the sentence leave a blank where they stood.
    joined = before.rstrip() + (" " + BLANK + " " + after.lstrip() if after.strip() else "")
    spec.text = _restore(joined, keep_lines=True)
    if not spec.text and not after.strip():
        raise SpecError(_("thiếu nội dung câu hỏi"))
    answer, _sep, general = answer.partition("####")
    spec.explanation = _plain(general)
    _read_answers(spec, answer.strip())
    spec.check()
    return spec


def _description(spec: QuestionSpec, block: str) -> QuestionSpec:
    if "~" in block:  # unescaped: answers whose braces were forgotten, not a description
        raise SpecError(_("thiếu cặp ngoặc { } quanh đáp án (một đoạn mô tả không chứa dấu ~; muốn viết dấu ~ "
                          "thì gõ \\~)"))
    spec.text, spec.points = _restore(block, keep_lines=True), Decimal(0)
    if not spec.text:
        raise SpecError(_("thiếu nội dung câu hỏi"))
    spec.check()
    return spec


def _read_answers(spec: QuestionSpec, answer: str) -> None:
    """Moodle's order of detection: empty → essay, # → numerical, ~ → choice, = and -> → matching,
    T/F → true/false, else short answer."""
    if not answer:
        spec.kind = ESSAY
    elif answer.startswith("#"):
        _numerical(spec, answer[1:])
    elif "~" in answer:
        _choices(spec, answer)
    elif "=" in answer and "->" in answer:
        _matching(spec, answer)
    elif answer.split("#", 1)[0].strip().upper() in _TRUE_FALSE:
        _true_false(spec, answer)
    else:
        _short(spec, answer)


def _weighted(body: str, default: Decimal) -> tuple[Decimal, str]:
    match = _WEIGHT.match(body.strip())
    if not match:
        return default, body.strip()
    weight = Decimal(match.group(1))
    if not -100 <= weight <= 100:
        raise SpecError(_("trọng số %(weight)s%% nằm ngoài khoảng -100%% đến 100%%") % {"weight": match.group(1)})
    return weight, body.strip()[match.end():]


def _entries(answer: str, marks: str) -> list[tuple[str, str]]:
    """[(mark, body)] for answers each starting with one of `marks`."""
    if answer[0] not in marks:
        raise SpecError(_("đáp án phải bắt đầu bằng = hoặc ~"))
    return re.findall(rf"([{re.escape(marks)}])([^{re.escape(marks)}]*)", answer)


def _answer(body: str, default_weight: Decimal) -> AnswerSpec:
    weight, body = _weighted(body, default_weight)
    text, _sep, feedback = body.partition("#")
    answer = AnswerSpec(text=_plain(text), weight=weight, feedback=_plain(feedback))
    if not answer.text:
        raise SpecError(_("có phương án trống"))
    return answer


def _choices(spec: QuestionSpec, answer: str) -> None:
    # Moodle: single choice (radio buttons) when an answer is marked =, else multiple (check boxes).
    spec.kind = SINGLE if "=" in answer else MULTIPLE
    spec.answers = [_answer(body, Decimal(100) if mark == "=" else Decimal(0))
                    for mark, body in _entries(answer, "=~")]
    if not any(a.weight > 0 for a in spec.answers):
        raise SpecError(_("không có phương án đúng (= hoặc trọng số dương)"))


def _short(spec: QuestionSpec, answer: str) -> None:
    spec.kind = SHORT
    if not answer.startswith("="):
        raise SpecError(_("đáp án phải bắt đầu bằng = hoặc ~"))
    spec.answers = [_answer(body, Decimal(100)) for _mark, body in _entries(answer, "=")]
    if not any(a.weight > 0 for a in spec.answers):
        raise SpecError(_("không có đáp án đúng (trọng số dương)"))


def _true_false(spec: QuestionSpec, answer: str) -> None:
    spec.kind = TRUE_FALSE
    value, _sep, feedback = answer.partition("#")
    wrong, _sep, right = feedback.partition("#")
    spec.correct_answer = _TRUE_FALSE[value.strip().upper()]
    # Moodle: the first feedback is for a wrong answer, the second for a right one.
    right_text, wrong_text = _plain(right), _plain(wrong)
    spec.feedback_true, spec.feedback_false = ((right_text, wrong_text) if spec.correct_answer
                                               else (wrong_text, right_text))


def _matching(spec: QuestionSpec, answer: str) -> None:
    spec.kind = MATCHING
    pairs = []
    for _mark, body in _entries(answer, "="):
        if "->" not in body:
            raise SpecError(_("mỗi cặp ghép đôi phải có dạng =vế trái -> vế phải"))
        stem, match = body.split("->", 1)
        pairs.append(AnswerSpec(text=_plain(stem), match=_plain(match)))
        if not pairs[-1].match:
            raise SpecError(_("có cặp ghép đôi thiếu vế phải"))
    if sum(1 for pair in pairs if pair.text) < 2:
        raise SpecError(_("câu ghép đôi cần ít nhất hai cặp"))
    spec.answers = pairs


def _numerical(spec: QuestionSpec, answer: str) -> None:
    spec.kind = NUMERICAL
    answer, _sep, wrong = answer.partition("~")  # Moodle: `~#feedback` is the feedback for any other number
    answer = answer.strip()
    bodies = [body for _mark, body in _entries(answer, "=")] if answer.startswith("=") else [answer]
    spec.answers = [_number(body) for body in bodies if body.strip()]
    if wrong.strip():
        spec.answers.append(AnswerSpec(text="*", weight=Decimal(0), feedback=_plain(wrong.partition("#")[2])))
    if not any(a.weight > 0 for a in spec.answers):
        raise SpecError(_("câu trả lời bằng số cần ít nhất một đáp án đúng"))


def _number(body: str) -> AnswerSpec:
    weight, body = _weighted(body, Decimal(100))
    text, _sep, feedback = body.partition("#")
    text = _restore(text).replace(" ", "")
    if text == "*":  # any other number
        return AnswerSpec(text="*", weight=weight, feedback=_plain(feedback))
    not_a_number = SpecError(_("“%(value)s” không phải là số (dạng 3, 3:0,5 hoặc 1..5; dấu thập phân là dấu chấm)")
                             % {"value": text})
    try:
        if ".." in text:  # min..max: Moodle stores the middle and half the width
            low, high = (_finite(part) for part in text.split("..", 1))
            value, tolerance = (low + high) / 2, (high - low) / 2
        else:
            given, _sep, tol = text.partition(":")
            value, tolerance = _finite(given), abs(_finite(tol or "0"))
    except (InvalidOperation, ValueError) as exc:
        raise not_a_number from exc
    if tolerance < 0:
        raise SpecError(_("khoảng số %(value)s: số đầu phải nhỏ hơn số sau") % {"value": text})
    return AnswerSpec(text=number_text(value), weight=weight, tolerance=tolerance, feedback=_plain(feedback))


def _finite(text: str) -> Decimal:
    """A number a person would type: finite, and not so large that writing it out costs memory."""
    number = Decimal(text)
    if not number.is_finite() or abs(number.adjusted()) > 30:
        raise ValueError(text)
    return number


# Writing ----------------------------------------------------------------------------------

def escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _weight(value: Decimal | None) -> str:
    return f"%{number_text(value if value is not None else Decimal(0))}%"


def _feedback(text: str) -> str:
    return f"#{escape(text)}" if text else ""


def write(specs: list[QuestionSpec]) -> str:
    """GIFT text for the specs, a `$CATEGORY:` line before each change of topic."""
    out, topic = [], None
    for spec in specs:
        if spec.topic != topic:
            topic = spec.topic
            out.append(f"$CATEGORY: $course$/top/{topic.replace('/', '//')}\n")
        out.append(write_question(spec) + "\n")
    return "\n".join(out)


def write_question(spec: QuestionSpec) -> str:
    head = f"::{escape(spec.title)}::" if spec.title else ""
    if spec.text_format != formats.TextFormat.PLAIN:
        head += f"[{spec.text_format}]"
    head += escape(spec.text)
    if spec.kind == DESCRIPTION:
        return head
    general = f"####{escape(spec.explanation)}" if spec.explanation else ""
    return f"{head} {{{_ANSWER_WRITERS[spec.kind](spec)}{general}}}"


def _write_true_false(spec):
    right, wrong = ((spec.feedback_true, spec.feedback_false) if spec.correct_answer
                    else (spec.feedback_false, spec.feedback_true))
    parts = [escape(wrong), escape(right)]
    while parts and not parts[-1]:
        parts.pop()
    return ("TRUE" if spec.correct_answer else "FALSE") + "".join(f"#{part}" for part in parts)


def _write_choices(spec):
    def one(answer):
        if spec.kind == SINGLE and answer.weight == 100:
            return f"={escape(answer.text)}{_feedback(answer.feedback)}"
        return f"~{_weight(answer.weight)}{escape(answer.text)}{_feedback(answer.feedback)}"
    return " ".join(one(answer) for answer in spec.answers)


def _full(weight) -> str:
    """`=` alone means 100 %; an explicit weight only when it is something else."""
    return "" if weight is None or weight == 100 else _weight(weight)


def _write_short(spec):
    return " ".join(f"={_full(a.weight)}{escape(a.text)}{_feedback(a.feedback)}" for a in spec.answers)


def _write_numerical(spec):
    def one(answer):
        value = "*" if answer.text == "*" else f"{answer.text}:{number_text(answer.tolerance or Decimal(0))}"
        return f"={_full(answer.weight)}{value}{_feedback(answer.feedback)}"
    return "#" + " ".join(one(answer) for answer in spec.answers)


def _write_matching(spec):
    return " ".join(f"={escape(a.text)} -> {escape(a.match)}" for a in spec.answers)


_ANSWER_WRITERS = {ESSAY: lambda spec: "", TRUE_FALSE: _write_true_false, SINGLE: _write_choices,
                   MULTIPLE: _write_choices, SHORT: _write_short, NUMERICAL: _write_numerical,
                   MATCHING: _write_matching}
EXPORTABLE = set(_ANSWER_WRITERS) | {DESCRIPTION}

"""A learner's answer as a reader sees it, whatever the question's type: the results export and the trainer's
marking page both use it, so that a matching or numerical answer reads the same in both.

Matching answers become one line per stem ("stem → chosen ✓", or "✗ (đúng: expected)"). A numerical answer is
the number as the learner typed it, shown with a decimal comma (3.5 → 3,5): grading reads either sign the same
way, and a Vietnamese reader expects the comma.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

RIGHT_MARK, WRONG_MARK = "✓", "✗"


@dataclass(frozen=True)
class MatchLine:
    stem: str
    chosen: str  # the answer text the learner picked; "" when none
    expected: str
    right: bool


def match_lines(choices, response: dict) -> list[MatchLine]:
    """Each stem (rows with text, in the given order) with the answer chosen for it, as grading judges it."""
    texts = {c.pk: c.match_text for c in choices}
    matches = response.get("matches", {})
    lines = []
    for stem in (c for c in choices if c.text):
        chosen_id = matches.get(str(stem.pk))
        chosen = texts.get(chosen_id, "") if chosen_id is not None else ""
        lines.append(MatchLine(stem.text, chosen, stem.match_text, chosen_id in texts and chosen == stem.match_text))
    return lines


def match_line_text(line: MatchLine) -> str:
    if line.right:
        return f"{line.stem} → {line.chosen} {RIGHT_MARK}"
    return _("%(stem)s → %(chosen)s %(mark)s (đúng: %(expected)s)") % {
        "stem": line.stem, "chosen": line.chosen or "—", "mark": WRONG_MARK, "expected": line.expected}


def number_as_entered(text: str) -> str:
    """The learner's number as typed, with a decimal comma: "3.5" → "3,5", "-2" stays "-2"."""
    return (text or "").strip().replace(".", ",")


def _chosen_texts(choices, response) -> str:
    chosen = set(response.get("choices", []))
    return "; ".join(c.text for c in choices if c.pk in chosen)


def _ordered_texts(choices, response) -> str:
    by_id = {c.pk: c.text for c in choices}
    return " → ".join(by_id[pk] for pk in response.get("order", []) if pk in by_id)


def _true_false(response) -> str:
    value = response.get("value")
    return _("Đúng") if value is True else _("Sai") if value is False else ""


def answer_text(question, choices, response: dict, file_name: str = "") -> str:
    """The answer in one text: what the learner chose, typed or sent ("" when left blank)."""
    widget = question.widget
    if widget in ("single", "multiple"):
        return _chosen_texts(choices, response)
    if widget == "true_false":
        return _true_false(response)
    if widget == "number":
        return number_as_entered(response.get("text", ""))
    if widget == "matching":
        if not response.get("matches"):
            return ""
        return "\n".join(match_line_text(line) for line in match_lines(choices, response))
    if widget == "ordering":
        return _ordered_texts(choices, response)
    if widget == "file":
        return file_name
    return response.get("text", "")


def is_blank(response: dict, file_name: str = "") -> bool:
    return not file_name and all(value in (None, "", [], {}) for value in response.values())


def verdict(question, score: Decimal | None, max_points: Decimal, blank: bool) -> str:
    """Right, partly right, wrong, left blank, or waiting for a trainer; a marked answer is "Đã chấm"."""
    # A context of their own: "Đúng" / "Sai" here judge an answer, elsewhere they are a true/false choice.
    if score is None:
        return pgettext("kết quả câu trả lời", "Chờ chấm")
    if blank:
        return pgettext("kết quả câu trả lời", "Bỏ trống")
    if question.needs_marking:
        return pgettext("kết quả câu trả lời", "Đã chấm")
    if score >= max_points:
        return pgettext("kết quả câu trả lời", "Đúng")
    if score <= 0:
        return pgettext("kết quả câu trả lời", "Sai")
    return pgettext("kết quả câu trả lời", "Đúng một phần")


@dataclass(frozen=True)
class AnswerRow:
    """One answer of an attempt as staff read it next to the answer they mark."""

    position: int
    question: object
    lines: list[str]  # the answer, a line per matched stem
    verdict: str
    score: Decimal | None
    max_points: Decimal
    feedback: list[str]  # what the author wrote for the answer given


def attempt_rows(items, leave_out: int | None = None) -> list[AnswerRow]:
    """Every answered question of an attempt (`selectors.attempt_items`) but descriptions and `leave_out`."""
    rows = []
    for item in items:
        if item.question.widget == "description" or item.attempt_question.pk == leave_out:
            continue
        answer, file_name = item.answer, item.answer.file_basename if item.answer else ""
        text = answer_text(item.question, item.choices, item.response, file_name)
        score = answer.score if answer else None
        rows.append(AnswerRow(item.attempt_question.position, item.question, text.split("\n") if text else [],
                              verdict(item.question, score, item.attempt_question.max_points,
                                      is_blank(item.response, file_name)),
                              score, item.attempt_question.max_points, item.feedback))
    return rows

"""Pure scorers and response readers, one per question type (property-tested with Hypothesis).

Scorers return the share of the question's points earned as an exact Fraction in [0, 1].
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from django.utils.translation import gettext as _

from . import uploads
from .exceptions import InvalidResponse

ZERO = Fraction(0)
ONE = Fraction(1)

FILE_KINDS = {
    "audio": {".mp3", ".m4a", ".ogg", ".wav", ".aac", ".amr", ".3gp"},
    "image": {".jpg", ".jpeg", ".png", ".webp"},
    "pdf": {".pdf"},
}


def score_single(correct: set[int], selected: list[int]) -> Fraction:
    return ONE if len(selected) == 1 and selected[0] in correct else ZERO


def score_multiple(correct: set[int], wrong: set[int], selected: list[int], partial: bool) -> Fraction:
    """All-or-nothing, or partial: +1/k per correct option chosen, -1/k per wrong one, floored at 0."""
    chosen = set(selected)
    if not partial:
        return ONE if chosen == correct else ZERO
    if not correct:
        return ONE if not chosen else ZERO
    earned = Fraction(len(chosen & correct) - len(chosen & wrong), len(correct))
    return max(ZERO, earned)


def score_true_false(correct: bool, given) -> Fraction:
    return ONE if given is not None and given == correct else ZERO


def fold_text(text: str, ignore_case: bool, ignore_diacritics: bool) -> str:
    """Normalise spacing, and optionally case and Vietnamese diacritics (đ → d included)."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if ignore_diacritics:
        text = text.replace("đ", "d").replace("Đ", "D")
        decomposed = unicodedata.normalize("NFD", text)
        text = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
    return text.casefold() if ignore_case else text


def score_short_answer(text: str, accepted: list[str], ignore_case: bool,
                       ignore_diacritics: bool) -> Fraction:
    given = fold_text(text, ignore_case, ignore_diacritics)
    if not given:
        return ZERO
    return ONE if any(fold_text(a, ignore_case, ignore_diacritics) == given for a in accepted) else ZERO


def weight_fraction(weight, is_correct: bool) -> Fraction:
    """A choice's Moodle fraction: its weight in percent, or 100 % / 0 % from the right/wrong flag."""
    if weight is None:
        return ONE if is_correct else ZERO
    return Fraction(Decimal(weight)) / 100


def score_weighted(fractions: dict[int, Fraction], selected: list[int]) -> Fraction:
    """Moodle's multichoice: the sum of the chosen options' fractions, kept within 0..1 per question."""
    return min(ONE, max(ZERO, sum((fractions.get(cid, ZERO) for cid in set(selected)), ZERO)))


def wildcard_match(pattern: str, given: str, ignore_case: bool, ignore_diacritics: bool) -> bool:
    r"""Moodle's shortanswer comparison: `*` stands for any text (a run of them for one), `\*` is a star.
    Matched piece by piece (leftmost is right for `*`-only patterns), not with a regular expression, whose
    backtracking on a pattern of many stars could stall grading."""
    pattern = fold_text(pattern, ignore_case, ignore_diacritics)
    given = fold_text(given, ignore_case, ignore_diacritics)
    bits = [bit.replace("\\*", "*") for bit in re.split(r"(?<!\\)\*+", pattern)]
    if len(bits) == 1:
        return given == bits[0]
    first, *middle, last = bits
    if len(given) < len(first) + len(last) or not given.startswith(first) or not given.endswith(last):
        return False
    position, end = len(first), len(given) - len(last)
    for bit in middle:
        found = given.find(bit, position, end)
        if found < 0:
            return False
        position = found + len(bit)
    return True


def match_short_answer(text: str, answers, ignore_case: bool, ignore_diacritics: bool):
    """The first (pattern, fraction, feedback) that accepts the text, in the author's order, or None.
    An empty answer matches nothing (Moodle does not grade a blank)."""
    if not fold_text(text, ignore_case, ignore_diacritics):
        return None
    return next((answer for answer in answers
                 if wildcard_match(answer[0], text, ignore_case, ignore_diacritics)), None)


def score_matching(choices, matches: dict) -> Fraction:
    """Moodle's match: share of stems (rows with text) given the answer text their own row carries."""
    stems = [c for c in choices if c.text]
    if not stems:
        return ZERO
    texts = {c.pk: c.match_text for c in choices}
    right = sum(1 for stem in stems if texts.get(matches.get(str(stem.pk))) == stem.match_text)
    return Fraction(right, len(stems))


_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d{1,3})?")


def parse_number(text: str) -> Decimal | None:
    text = (text or "").strip().replace(" ", "")
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class NumberMatch:
    fraction: Fraction
    feedback: str


def match_number(text: str, answers) -> NumberMatch | None:
    """The first answer row (value or `*`, ± tolerance) that accepts the number, as Moodle's numerical
    does; exact decimal arithmetic, so 0.1 + 0.2 style float errors cannot refuse a right answer."""
    value = parse_number(text)
    if value is None:
        return None
    for answer in answers:
        if answer.text.strip() == "*":
            return NumberMatch(answer.fraction, answer.feedback)
        expected = parse_number(answer.text)
        if expected is not None and abs(value - expected) <= abs(answer.tolerance or 0):
            return NumberMatch(answer.fraction, answer.feedback)
    return None


def score_ordering(correct: list[int], given: list[int], partial: bool) -> Fraction:
    if not correct or len(given) != len(correct):
        return ZERO
    in_place = sum(1 for expected, actual in zip(correct, given, strict=True) if expected == actual)
    if partial:
        return Fraction(in_place, len(correct))
    return ONE if in_place == len(correct) else ZERO


# Readers: turn posted strings into a stored response, refusing anything that does not fit.

def read_choice_ids(values: list[str], allowed: list[int], at_most: int | None = None) -> list[int]:
    try:
        chosen = sorted({int(v) for v in values if v != ""})
    except ValueError as exc:
        raise InvalidResponse(_("Phương án không hợp lệ.")) from exc
    if any(c not in allowed for c in chosen):
        raise InvalidResponse(_("Phương án không thuộc câu hỏi này."))
    if at_most is not None and len(chosen) > at_most:
        raise InvalidResponse(_("Chỉ được chọn một phương án."))
    return chosen


def read_boolean(values: list[str]):
    value = values[-1] if values else ""
    if value in ("", None):
        return None
    if value not in ("true", "false"):
        raise InvalidResponse(_("Câu trả lời Đúng/Sai không hợp lệ."))
    return value == "true"


def read_text(values: list[str], max_length: int) -> str:
    text = (values[-1] if values else "").strip()
    if len(text) > max_length:
        raise InvalidResponse(_("Câu trả lời dài quá %(limit)s ký tự.") % {"limit": max_length})
    return text


def read_number(values: list[str]) -> str:
    text = read_text(values, max_length=50)
    if text and parse_number(text) is None:
        raise InvalidResponse(_("Hãy nhập một số, ví dụ 12 hoặc 3,5."))
    return text


def answer_rows(choices) -> dict[str, int]:
    """Matching: each answer text with the first row (authored order) carrying it; grading compares texts, so
    any row with the text stands for it."""
    rows = {}
    for choice in sorted(choices, key=lambda c: (c.sort_order or 0, c.pk)):
        rows.setdefault(choice.match_text, choice.pk)
    return rows


def read_matches(values: list[str], stems: list[int], answers: dict[str, int]) -> dict[str, int]:
    """Pairs posted as `<stem id>:<answer text>`; an empty answer is "not chosen yet". The page names an answer
    by its text, never by a row id: the right answer's row is the stem's own row, so ids would give it away."""
    pairs = []
    try:
        for value in values:
            stem, _sep, answer = value.partition(":")
            if answer:
                pairs.append((int(stem), answer))
    except ValueError as exc:
        raise InvalidResponse(_("Câu ghép đôi không hợp lệ.")) from exc
    if any(stem not in stems or answer not in answers for stem, answer in pairs):
        raise InvalidResponse(_("Phương án không thuộc câu hỏi này."))
    return {str(stem): answers[answer] for stem, answer in pairs}


def read_ranking(values: list[str], allowed: list[int]) -> list[int]:
    """Positions posted per item (`<choice id>:<rank>`), or an ordered list of ids."""
    try:
        pairs = [v.split(":", 1) for v in values if v]
        if pairs and all(len(p) == 2 for p in pairs):
            ranked = sorted((int(rank), int(cid)) for cid, rank in pairs)
            order = [cid for _rank, cid in ranked]
        else:
            order = [int(v) for v in values if v]
    except ValueError as exc:
        raise InvalidResponse(_("Thứ tự không hợp lệ.")) from exc
    if order and sorted(order) != sorted(allowed):
        raise InvalidResponse(_("Thứ tự phải gồm đúng các mục của câu hỏi."))
    return order


def file_kind(filename: str) -> str | None:
    suffix = Path(filename).suffix.lower()
    return next((kind for kind, suffixes in FILE_KINDS.items() if suffix in suffixes), None)


def check_upload(upload, kinds: set[str], max_bytes: int) -> str:
    """Validate an uploaded file; the file itself is stored by the service."""
    if upload is None:
        return ""
    if file_kind(upload.name) not in kinds:
        raise InvalidResponse(_("Loại tệp không được nhận cho câu hỏi này."))
    if upload.size > max_bytes:
        raise InvalidResponse(_("Tệp lớn quá %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)})
    uploads.check_content(upload)  # the content, not the name, decides
    return upload.name

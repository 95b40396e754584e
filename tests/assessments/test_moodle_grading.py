"""Grades identical to Moodle's, question by question: each row is an answer and the share of the points
Moodle gives it (its GIFT documentation's examples and its question types' grading rules)."""

from fractions import Fraction

import pytest

from assessments import importing, selectors, services
from assessments.models import Question

GIFT = {
    # Moodle's docs: "Who's buried in Grant's tomb?" as multiple answers with negative weights.
    "multi": "Ai có tên trong danh sách? {~%-100%Không ai ~%50%Lan ~%50%Hùng ~%-100%Minh}",
    "single_partial": "Ai quản lý đài xã? {=UBND xã ~%50%Văn phòng ~%-100%Trường học}",
    "short": "Con gì kêu ộp ộp? {=Ếch =%50%Cóc =%25%*nhái =%0%*}",
    "short_case": "Viết tắt của Ủy ban nhân dân? {=UBND}",
    "range": "Một số từ 1 đến 5? {#1..5}",
    "tolerance": "Khoảng 3 ± 0,5? {#3:0.5}",
    "weighted_numbers": "Năm ban hành? {# =2023:0 =%50%2023:2 ~#Xem lại}",
    "matching": "Ghép tỉnh với mã. {=Bắc Giang -> 24 =Bắc Ninh -> 27 =Hà Nội -> 01 =Lạng Sơn -> 20 = -> 99}",
}


@pytest.fixture
def bank(db):
    text = "\n\n".join(f"::{name}::{gift}" for name, gift in GIFT.items())
    services.import_bank(importing.parse_gift(text.encode(), "Chấm điểm"))
    questions, choices = selectors.specific_questions(Question.objects.values_list("pk", flat=True))
    return {q.title: (q, choices.get(q.pk, [])) for q in questions.values()}


def _choice_ids(choices, texts):
    return [c.pk for c in choices if c.text in texts]


@pytest.mark.parametrize(("name", "chosen", "moodle"), [
    ("multi", ["Lan"], Fraction(1, 2)),
    ("multi", ["Lan", "Hùng"], 1),
    ("multi", ["Lan", "Hùng", "Minh"], 0),
    ("multi", ["Lan", "Minh"], 0),  # -50 % floored at 0 for the question
    ("multi", ["Không ai"], 0),
    ("multi", ["Không ai", "Lan", "Hùng", "Minh"], 0),
    ("multi", [], 0),
    ("single_partial", ["UBND xã"], 1),
    ("single_partial", ["Văn phòng"], Fraction(1, 2)),
    ("single_partial", ["Trường học"], 0),
])
def test_choices(bank, name, chosen, moodle):
    question, choices = bank[name]
    assert question.score_fraction({"choices": _choice_ids(choices, chosen)}, choices) == moodle


@pytest.mark.parametrize(("name", "typed", "moodle"), [
    ("short", "Ếch", 1),
    ("short", "  ếch ", 1),  # case ignored by default, spaces trimmed
    ("short", "Cóc", Fraction(1, 2)),
    ("short", "chẫu chàng nhái", Fraction(1, 4)),  # wildcard *nhái
    ("short", "nhái", Fraction(1, 4)),  # * also matches nothing
    ("short", "Gà", 0),  # =%0%* catches everything else at 0 %
    ("short", "%0%*", 0),  # the weight is never part of the answer
    ("short", "", 0),
    ("short_case", "ubnd", 1),
])
def test_short_answer(bank, name, typed, moodle):
    question, choices = bank[name]
    assert question.score_fraction({"text": typed}, choices) == moodle


def test_short_answer_case_sensitive(bank):
    question, choices = bank["short_case"]
    question.ignore_case = False  # Moodle's "case sensitive" (usecase=1)
    assert question.score_fraction({"text": "UBND"}, choices) == 1
    assert question.score_fraction({"text": "ubnd"}, choices) == 0


@pytest.mark.parametrize(("name", "typed", "moodle"), [
    ("range", "1", 1), ("range", "5", 1), ("range", "3,5", 1), ("range", "5.0001", 0), ("range", "0.999", 0),
    ("tolerance", "2.5", 1), ("tolerance", "3,5", 1), ("tolerance", "3.51", 0), ("tolerance", "2.49", 0),
    ("weighted_numbers", "2023", 1), ("weighted_numbers", "2025", Fraction(1, 2)),
    ("weighted_numbers", "2021", Fraction(1, 2)), ("weighted_numbers", "2026", 0),
    ("weighted_numbers", "", 0), ("weighted_numbers", "hai nghìn", 0),
])
def test_numerical(bank, name, typed, moodle):
    question, choices = bank[name]
    assert question.score_fraction({"text": typed}, choices) == moodle


def test_numerical_feedback_of_the_matching_row(bank):
    question, choices = bank["weighted_numbers"]
    assert question.feedback_for({"text": "1990"}, choices) == ["Xem lại"]


def _matches(choices, pairs):
    stems = {c.text: c for c in choices if c.text}
    by_answer = {c.match_text: c for c in choices}
    return {"matches": {str(stems[stem].pk): by_answer[answer].pk for stem, answer in pairs.items()}}


@pytest.mark.parametrize(("pairs", "moodle"), [
    ({"Bắc Giang": "24", "Bắc Ninh": "27", "Hà Nội": "01", "Lạng Sơn": "20"}, 1),
    ({"Bắc Giang": "24", "Bắc Ninh": "27", "Hà Nội": "20", "Lạng Sơn": "01"}, Fraction(1, 2)),
    ({"Bắc Giang": "99", "Bắc Ninh": "27"}, Fraction(1, 4)),  # the distractor is never right
    ({}, 0),
])
def test_matching_partial_credit(bank, pairs, moodle):
    question, choices = bank["matching"]
    assert question.score_fraction(_matches(choices, pairs), choices) == moodle


@pytest.mark.parametrize(("pattern", "typed", "matches"), [
    ("a*b*c", "a-b-c", True), ("a*b*c", "acb", False), ("ab*ba", "aba", False), ("ab*ba", "abba", True),
    ("a\\*b", "a*b", True), ("a\\*b", "axb", False), ("*", "bất kỳ", True), ("**x", "x", True),
])
def test_wildcards(pattern, typed, matches):
    from assessments.grading import wildcard_match

    assert wildcard_match(pattern, typed, ignore_case=True, ignore_diacritics=False) is matches


def test_many_stars_do_not_stall_grading():
    """A regular expression with 20 `.*` backtracks for ages on 500 characters; the piecewise match does not."""
    import time

    from assessments.grading import wildcard_match

    started = time.perf_counter()
    assert not wildcard_match("*a" * 20 + "*b", "a" * 500, ignore_case=True, ignore_diacritics=False)
    assert time.perf_counter() - started < 0.1

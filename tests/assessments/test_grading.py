"""Scorers of every auto-graded question type, with Hypothesis properties."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from assessments import grading

ids = st.integers(min_value=1, max_value=50)
id_sets = st.sets(ids, max_size=8)


@given(correct=ids, selected=st.lists(ids, max_size=3))
def test_single_choice_full_marks_only_for_the_one_right_choice(correct, selected):
    score = grading.score_single({correct}, selected)
    assert score == (1 if selected == [correct] else 0)


@given(correct=id_sets, wrong=id_sets, selected=st.lists(ids, max_size=10))
def test_multiple_choice_partial_stays_between_zero_and_one(correct, wrong, selected):
    wrong = wrong - correct
    score = grading.score_multiple(correct, wrong, selected, partial=True)
    assert 0 <= score <= 1
    if correct and set(selected) == correct:
        assert score == 1
    if correct and not set(selected) & correct:
        assert score == 0


@given(correct=id_sets.filter(bool), wrong=id_sets, selected=st.lists(ids, max_size=10))
def test_multiple_choice_all_or_nothing(correct, wrong, selected):
    score = grading.score_multiple(correct, wrong - correct, selected, partial=False)
    assert score == (1 if set(selected) == correct else 0)


def test_multiple_choice_partial_rule_values():
    # Two of three right options and one wrong: (2 - 1) / 3.
    assert grading.score_multiple({1, 2, 3}, {4}, [1, 2, 4], partial=True) == Fraction(1, 3)
    assert grading.score_multiple({1, 2}, {3, 4}, [3, 4], partial=True) == 0  # never negative


@given(correct=st.booleans(), answer=st.sampled_from([True, False, None]))
def test_true_false(correct, answer):
    assert grading.score_true_false(correct, answer) == (1 if answer is correct else 0)


@given(text=st.text(max_size=30))
def test_short_answer_accepts_its_own_answer_whatever_the_case_and_spaces(text):
    if not grading.fold_text(text, ignore_case=True, ignore_diacritics=True):
        # Blank, or nothing but combining marks once diacritics are ignored: an empty answer is never right.
        assert grading.score_short_answer(text, [text], True, True) == 0
        return
    assert grading.score_short_answer(f"  {text.upper()} ", [text], ignore_case=True, ignore_diacritics=True) == 1


def test_short_answer_vietnamese_diacritics_and_case_options():
    accepted = ["Đài truyền thanh"]
    assert grading.score_short_answer("dai truyen thanh", accepted, True, True) == 1
    assert grading.score_short_answer("dai truyen thanh", accepted, True, False) == 0
    assert grading.score_short_answer("ĐÀI TRUYỀN THANH", accepted, False, False) == 0
    assert grading.score_short_answer("đài  truyền thanh", accepted, True, False) == 1
    assert grading.score_short_answer("", accepted, True, True) == 0


@given(order=st.lists(ids, min_size=1, max_size=8, unique=True), data=st.data())
def test_ordering(order, data):
    given_order = data.draw(st.permutations(order))
    exact = grading.score_ordering(order, list(given_order), partial=False)
    partial = grading.score_ordering(order, list(given_order), partial=True)
    assert exact == (1 if list(given_order) == order else 0)
    assert partial == Fraction(sum(a == b for a, b in zip(order, given_order, strict=True)), len(order))
    assert grading.score_ordering(order, [], partial=True) == 0


@given(allowed=st.lists(ids, min_size=1, max_size=6, unique=True), extra=ids)
def test_reading_choices_refuses_ids_of_other_questions(allowed, extra):
    if extra in allowed:
        assert grading.read_choice_ids([str(extra)], allowed) == [extra]
    else:
        try:
            grading.read_choice_ids([str(extra)], allowed)
        except grading.InvalidResponse:
            return
        raise AssertionError("a foreign choice was accepted")

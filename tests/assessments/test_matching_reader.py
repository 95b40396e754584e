"""Reading a posted matching answer: `<stem id>:<answer text>`, checked against the drawn rows."""

import pytest

from assessments import importing, services
from assessments.exceptions import InvalidResponse
from assessments.models import MatchingQuestion


@pytest.fixture
def question(db):
    gift = "Ghép loại tin với kênh. {=Tin xã -> Loa =Tin thôn -> Loa =Phóng sự -> Truyền hình = -> Báo in}"
    services.import_bank(importing.parse_gift(gift.encode(), "Đọc"))
    question = MatchingQuestion.objects.get()
    return question, list(question.choices.order_by("sort_order"))


def _read(question, choices, values):
    return question.read_response(values, None, [c.pk for c in choices], choices)


def test_two_stems_sharing_an_answer_are_both_right(question):
    question, choices = question
    stems = {c.text: c.pk for c in choices if c.text}
    response = _read(question, choices, [f"{stems['Tin xã']}:Loa", f"{stems['Tin thôn']}:Loa",
                                         f"{stems['Phóng sự']}:", ])
    assert set(response["matches"]) == {str(stems["Tin xã"]), str(stems["Tin thôn"])}
    assert question.score_fraction(response, choices) == pytest.approx(2 / 3)


@pytest.mark.parametrize("bad", ["{stem}:Đài", "{other}:Loa", "x:Loa", "{distractor}:Loa"])
def test_an_answer_or_stem_not_in_the_question_is_refused(question, bad):
    question, choices = question
    stems = {c.text: c.pk for c in choices}
    value = bad.format(stem=stems["Tin xã"], other=max(stems.values()) + 100, distractor=stems[""])
    with pytest.raises(InvalidResponse):
        _read(question, choices, [value])


def test_a_row_id_is_not_an_answer(question):
    question, choices = question
    stem = next(c for c in choices if c.text == "Tin xã")
    with pytest.raises(InvalidResponse):
        _read(question, choices, [f"{stem.pk}:{stem.pk}"])

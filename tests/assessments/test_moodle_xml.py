"""Moodle XML: our own sample of every type we read (tests/assessments/data/every_type.xml), per question type,
text, answers, weights and feedback; refusals by name; defusedxml refuses entities."""

from decimal import Decimal
from pathlib import Path

import pytest

from assessments import importing, services
from assessments.models import (
    Choice,
    EssayQuestion,
    MultipleChoiceQuestion,
    MultipleChoiceRule,
    OrderingQuestion,
    Question,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from lms.tabular import ImportRejected

SAMPLE = Path(__file__).parent / "data" / "every_type.xml"
W = Decimal


def _rows(question):
    return [(c.text, c.match_text, c.weight, c.feedback, c.tolerance)
            for c in Choice.objects.filter(question=question).order_by("sort_order")]


@pytest.fixture
def imported(db):
    services.import_bank(importing.parse_moodle_xml(SAMPLE.read_bytes(), "Mặc định"))
    return {q.title: q for q in Question.objects.all()}


def test_types_topics_and_points(imported):
    assert {title: type(q).__name__ for title, q in imported.items()} == {
        "Nhiều lựa chọn": "MultipleChoiceQuestion", "Một lựa chọn": "SingleChoiceQuestion",
        "Đúng sai": "TrueFalseQuestion", "Trả lời ngắn": "ShortAnswerQuestion", "Số": "NumericalQuestion",
        "Ghép đôi": "MatchingQuestion", "Tự luận": "EssayQuestion", "Mô tả": "DescriptionQuestion",
        "Sắp xếp": "OrderingQuestion"}
    assert imported["Nhiều lựa chọn"].topic.name == "Đài truyền thanh"
    assert imported["Số"].topic.name == "Số và ghép"
    assert imported["Nhiều lựa chọn"].points == 2 and imported["Tự luận"].points == 5
    assert imported["Một lựa chọn"].points == 1 and imported["Mô tả"].points == 0


def test_multichoice(imported):
    multiple = MultipleChoiceQuestion.objects.get(pk=imported["Nhiều lựa chọn"].pk)
    assert multiple.scoring_rule == MultipleChoiceRule.WEIGHTED and multiple.text_format == "html"
    assert "@@PLUGINFILE@@" not in multiple.text_html() and "<b>thể loại</b>" in multiple.text_html()
    assert multiple.explanation == "Tin & phóng sự."
    assert list(multiple.tags.names()) == ["báo chí"]
    assert _rows(multiple) == [("Tin", "", W(50), "Một nửa", None), ("Phóng sự", "", W(50), "", None),
                               ("Quảng cáo", "", W(-100), "Bị trừ", None)]
    assert _rows(imported["Một lựa chọn"]) == [("UBND xã", "", W(100), "Đúng", None),
                                               ("Văn phòng", "", W("33.33333"), "", None),
                                               ("Trường học", "", W(0), "", None)]


def test_truefalse_shortanswer_numerical_matching(imported):
    true_false = TrueFalseQuestion.objects.get(pk=imported["Đúng sai"].pk)
    assert true_false.correct_answer is False
    assert (true_false.feedback_true, true_false.feedback_false) == ("Không cần giấy phép.", "Đúng vậy.")
    short = ShortAnswerQuestion.objects.get(pk=imported["Trả lời ngắn"].pk)
    assert short.ignore_case is False and short.text_format == "markdown"
    assert _rows(short) == [("Bắc Giang", "", W(100), "", None), ("*Giang", "", W(50), "Gần đúng", None)]
    assert _rows(imported["Số"]) == [("2023", "", W(100), "Đúng", W(0)), ("2023", "", W(50), "", W(1)),
                                     ("*", "", W(0), "Xem lại", None)]
    assert [(text, match) for text, match, *_r in _rows(imported["Ghép đôi"])] == [
        ("Bản tin phát thanh", "Đài"), ("Bản tin in", "Bảng tin"), ("", "Báo điện tử")]


def test_essay_description_ordering(imported):
    assert EssayQuestion.objects.get().rubric == "Nêu mục tiêu"
    ordering = OrderingQuestion.objects.get()
    assert ordering.partial_credit is True
    assert [row[0] for row in _rows(ordering)] == ["Lên kế hoạch", "Viết tin", "Phát sóng"]


def _xml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{body}\n</quiz>\n'.encode()


def test_unsupported_types_are_refused_by_name_with_their_line(db):
    data = _xml('<question type="essay"><questiontext><text>Một</text></questiontext></question>\n'
                '<question type="multianswer"><questiontext><text>{1:SHORTANSWER:=a}</text></questiontext>'
                '</question>\n<question type="calculated"><questiontext><text>x</text></questiontext></question>')
    with pytest.raises(ImportRejected) as rejected:
        importing.parse_moodle_xml(data, "Mặc định")
    assert [(e.line, "multianswer" in e.message or "calculated" in e.message) for e in rejected.value.errors] == [
        (4, True), (5, True)]


@pytest.mark.parametrize("data", [
    b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">]><quiz>&a;</quiz>',
    b"<quiz><question type='essay'>",
    b"<other/>",
])
def test_unsafe_or_broken_xml_is_refused(db, data):
    with pytest.raises(ImportRejected):
        importing.parse_moodle_xml(data, "Mặc định")
    assert not Question.objects.exists()

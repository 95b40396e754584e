"""GIFT as Moodle documents it: our own fixture with every construct (tests/assessments/data/every_construct.gift),
imported as a trainer would, asserted per question: type, text, answers, weights, feedback."""

from decimal import Decimal
from pathlib import Path

import pytest

from assessments import importing, services
from assessments.models import (
    Choice,
    DescriptionQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    MultipleChoiceRule,
    NumericalQuestion,
    Question,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from lms.tabular import ImportRejected

FIXTURE = Path(__file__).parent / "data" / "every_construct.gift"


def _rows(question):
    return [(c.text, c.match_text, c.weight, c.feedback, c.tolerance)
            for c in Choice.objects.filter(question=question).order_by("sort_order")]


@pytest.fixture
def imported(db):
    report = services.import_bank(importing.parse_gift(FIXTURE.read_bytes(), "Mặc định"))
    assert not report.skipped
    return {q.title: q for q in Question.objects.all()}


W = Decimal


def test_every_question_type_and_topic(imported):
    kinds = {title: type(q).__name__ for title, q in imported.items()}
    assert kinds == {
        "Mô tả": "DescriptionQuestion", "Tự luận": "EssayQuestion", "Tự luận có nhận xét chung": "EssayQuestion",
        "Đúng sai": "TrueFalseQuestion", "Sai đúng": "TrueFalseQuestion", "Một lựa chọn": "SingleChoiceQuestion",
        "Nhiều lựa chọn": "MultipleChoiceQuestion", "Trả lời ngắn": "ShortAnswerQuestion",
        "Chỗ trống": "ShortAnswerQuestion", "Chọn chỗ trống": "SingleChoiceQuestion", "Ghép đôi": "MatchingQuestion",
        "Số có sai số": "NumericalQuestion", "Số theo khoảng": "NumericalQuestion",
        "Số có trọng số": "NumericalQuestion", "Html": "SingleChoiceQuestion", "Markdown": "TrueFalseQuestion",
        "Plain": "ShortAnswerQuestion", "Thoát ký tự": "SingleChoiceQuestion", "Moodle": "ShortAnswerQuestion"}
    assert imported["Mô tả"].topic.name == "Thông tin cơ sở"
    assert imported["Html"].topic.name == "Định dạng"  # the second $CATEGORY
    assert DescriptionQuestion.objects.get().points == 0


def test_essay_description_and_general_feedback(imported):
    assert imported["Mô tả"].text == "Phần sau hỏi về đài truyền thanh xã."
    assert imported["Tự luận"].text == "Trình bày kế hoạch tuyên truyền tháng tới."
    assert imported["Tự luận có nhận xét chung"].explanation == "Nêu tên người, nơi, kết quả."


def test_true_false_with_both_feedbacks_and_general_feedback(imported):
    true = TrueFalseQuestion.objects.get(pk=imported["Đúng sai"].pk)
    assert true.correct_answer is True and true.explanation == "Theo quy chế."
    # Moodle: {TRUE#feedback for a wrong answer#feedback for a right answer}
    assert (true.feedback_true, true.feedback_false) == ("Đúng rồi.", "Sai: đài thuộc UBND xã.")
    false = TrueFalseQuestion.objects.get(pk=imported["Sai đúng"].pk)
    assert false.correct_answer is False and (false.feedback_true, false.feedback_false) == ("", "")


def test_single_choice_weights_and_per_answer_feedback(imported):
    assert _rows(imported["Một lựa chọn"]) == [
        ("UBND xã", "", W(100), "Đúng; cơ quan chủ quản.", None), ("Hội Nông dân", "", W(0), "Không phải.", None),
        ("Văn phòng UBND xã", "", W(50), "Gần đúng.", None), ("Trường học", "", W(-100), "", None)]
    assert list(Choice.objects.filter(question=imported["Một lựa chọn"], is_correct=True)
                .values_list("text", flat=True)) == ["UBND xã"]


def test_multiple_choice_is_weighted_like_moodle(imported):
    question = MultipleChoiceQuestion.objects.get(pk=imported["Nhiều lựa chọn"].pk)
    assert question.scoring_rule == MultipleChoiceRule.WEIGHTED
    assert question.explanation == "Tin và phóng sự là thể loại báo chí."
    assert _rows(question) == [("Tin", "", W(50), "một nửa", None), ("Quảng cáo", "", W(-100), "bị trừ", None),
                               ("Phóng sự", "", W(50), "", None), ("Thông báo", "", W(0), "", None)]


def test_short_answer_weights_wildcards_and_missing_word(imported):
    question = ShortAnswerQuestion.objects.get(pk=imported["Trả lời ngắn"].pk)
    assert question.ignore_case and question.accepted_answers == ""
    assert _rows(question) == [("Bắc Giang", "", W(100), "", None), ("*Giang", "", W(50), "Gần đúng", None),
                               ("*", "", W(0), "Chưa đúng", None)]
    blank = imported["Chỗ trống"]
    assert blank.text == "Đài truyền thanh phát _____ lần mỗi ngày."
    assert [row[0] for row in _rows(blank)] == ["hai", "2"]
    assert imported["Chọn chỗ trống"].text == "Bản tin in _____ tại xã."


def test_matching_pairs_and_distractor(imported):
    assert MatchingQuestion.objects.count() == 1
    assert [(text, match) for text, match, *_rest in _rows(imported["Ghép đôi"])] == [
        ("Bản tin phát thanh", "Đài truyền thanh"), ("Bản tin in", "Bảng tin"),
        ("Áp phích", "Tường nhà văn hoá"), ("", "Báo điện tử")]


def test_numerical_tolerance_range_and_weighted_alternatives(imported):
    assert _rows(imported["Số có sai số"]) == [("3", "", W(100), "", W(2))]
    assert _rows(imported["Số theo khoảng"]) == [("3", "", W(100), "", W(2))]  # 1..5 = 3 ± 2
    assert _rows(imported["Số có trọng số"]) == [
        ("2023", "", W(100), "Đúng.", W(0)), ("2023", "", W(50), "Gần đúng.", W(1)),
        ("*", "", W(0), "Xem lại quyết định.", None)]
    assert NumericalQuestion.objects.count() == 3


def test_format_markers_everywhere(imported):
    html = imported["Html"]
    assert html.text_format == "html"
    assert "<script>" not in html.text_html() and "<b>một</b>" in html.text_html()
    assert [row[0] for row in _rows(html)] == ["Có", "Không"]  # [html]<b>Có</b> and [plain]Không
    markdown = imported["Markdown"]
    assert markdown.text_format == "markdown" and "<strong>Đậm</strong>" in markdown.text_html()
    plain = imported["Plain"]
    assert plain.text_format == "plain" and plain.text == "<b> không phải thẻ"
    assert "&lt;b&gt;" in plain.text_html() and [row[0] for row in _rows(plain)] == ["ok"]
    moodle = imported["Moodle"]
    assert moodle.text_format == "moodle" and moodle.text == "Dòng một\nDòng hai"
    assert "<br>" in moodle.text_html()


def test_escapes(imported):
    question = imported["Thoát ký tự"]
    assert question.text == "Dấu ~ = # { } và : vẫn là chữ"
    assert [row[0] for row in _rows(question)] == ["a=b", "c#d", "e~f"]


# (question, a fragment of the message refusing it); tests/assessments/test_import_docs.py finds each fragment in
# docs/assessments.md, so the documented messages stay the ones a trainer sees.
REFUSALS = [
    ("Thiếu ngoặc =a ~b", "thiếu cặp ngoặc"),
    ("Hai cặp {=a ~b} và {=c ~d}", "đúng một cặp ngoặc"),
    ("::Không đóng tên {=a ~b}", "không đóng bằng ::"),
    ("Ghép một cặp {=a -> 1}", "ít nhất hai cặp"),
    ("Không đúng {~a ~b}", "không có phương án đúng"),
    ("Trọng số lạ {~%150%a =b}", "ngoài khoảng"),
    ("Số sai {#abc}", "không phải là số"),
    ("Khoảng ngược {#5..1}", "số đầu phải nhỏ hơn"),
    ("Phương án trống {=a ~ ~b}", "phương án trống"),
]


@pytest.mark.parametrize(("gift", "message"), REFUSALS)
def test_refusals_are_explained_with_their_line(db, gift, message):
    with pytest.raises(ImportRejected) as rejected:
        importing.parse_gift(f"// chú thích\n\nCâu đúng {{=a ~b}}\n\n{gift}\n".encode(), "Mặc định")
    (error,) = rejected.value.errors
    assert error.line == 5 and message in error.message
    assert not Question.objects.exists()

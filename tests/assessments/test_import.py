"""XLSX template and GIFT imports: all or nothing, every bad row reported with its number."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments import importing, services
from assessments.models import (
    Choice,
    MultipleChoiceQuestion,
    OrderingQuestion,
    Question,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from lms.tabular import ImportRejected

from .builders import question_sheet


def test_template_examples_import_every_type(db):
    specs = importing.parse_table(importing.template_workbook(), "mau.xlsx")
    created = services.import_questions(specs)
    assert {type(q).__name__ for q in created} == {
        "SingleChoiceQuestion", "MultipleChoiceQuestion", "TrueFalseQuestion", "ShortAnswerQuestion",
        "OrderingQuestion", "EssayQuestion", "FileAnswerQuestion", "MatchingQuestion", "NumericalQuestion"}
    single = SingleChoiceQuestion.objects.get()
    assert [(c.text, c.is_correct) for c in single.choices.order_by("sort_order")] == [
        ("UBND xã", True), ("Hội Nông dân", False), ("Trường học", False)]
    assert list(single.tags.names()) == ["đài xã"]
    assert MultipleChoiceQuestion.objects.get().points == 2
    assert TrueFalseQuestion.objects.get().correct_answer is True
    assert ShortAnswerQuestion.objects.get().accepted_list() == ["Bắc Giang", "Bac Giang"]
    assert [c.text for c in OrderingQuestion.objects.get().choices.order_by("sort_order")][0] == "Lên kế hoạch"


def test_broken_rows_are_all_reported_and_nothing_imported(db):
    data = question_sheet([
        ["Chủ đề", "Một lựa chọn", "Đúng?", "1", "", "A | B", "1", "", "", ""],      # line 2: fine
        ["Chủ đề", "Câu đố", "?", "1", "", "", "", "", "", ""],                       # 3: unknown kind
        ["Chủ đề", "Một lựa chọn", "?", "1", "", "A | B", "5", "", "", ""],           # 4: answer out of range
        ["Chủ đề", "Đúng sai", "?", "abc", "", "", "Đúng", "", "", ""],               # 5: bad points
        ["", "Tự luận", "?", "1", "", "", "", "", "", ""],                            # 6: no topic
        ["Chủ đề", "Nộp tệp", "?", "1", "", "", "", "", "", ""],                      # 7: no rubric
    ])
    with pytest.raises(ImportRejected) as rejected:
        services.import_questions(importing.parse_table(data, "cau-hoi.xlsx"))
    assert [e.line for e in rejected.value.errors] == [3, 4, 5, 6, 7]
    assert "Câu đố" in str(rejected.value.errors[0])
    assert not Question.objects.exists()


def test_missing_columns(db):
    workbook = Workbook()
    workbook.active.append(["Chủ đề", "Câu hỏi"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportRejected) as rejected:
        importing.parse_table(buffer.getvalue(), "x.xlsx")
    assert "Thiếu cột" in str(rejected.value.errors[0])


GOOD_GIFT = """// Bộ câu hỏi mẫu
$CATEGORY: $course$/Thông tin cơ sở

::Q1:: Đài truyền thanh xã do ai quản lý? {=UBND xã ~Hội Nông dân ~Trường học}

Những thể loại báo chí? {~%50%Tin ~%50%Phóng sự ~%-100%Quảng cáo}

Bản tin phát hằng tuần. {T}

Tỉnh nào? {=Bắc Giang =Bac Giang}

Trình bày kế hoạch tuyên truyền. {
####Chú ý nêu đối tượng}

Dấu bằng \\= vẫn là chữ {=a\\=b ~c}
"""


def test_gift_subset(db):
    created = services.import_questions(importing.parse_gift(GOOD_GIFT.encode(), "Mặc định"))
    kinds = [type(q).__name__ for q in created]
    assert kinds == ["SingleChoiceQuestion", "MultipleChoiceQuestion", "TrueFalseQuestion",
                     "ShortAnswerQuestion", "EssayQuestion", "SingleChoiceQuestion"]
    assert {q.topic.name for q in created} == {"Thông tin cơ sở"}
    multiple = created[1]
    assert sorted(multiple.choices.filter(is_correct=True).values_list("text", flat=True)) == ["Phóng sự", "Tin"]
    assert created[4].explanation == "Chú ý nêu đối tượng"
    assert created[5].text == "Dấu bằng = vẫn là chữ"
    assert Choice.objects.filter(question=created[5], text="a=b", is_correct=True).exists()


def test_broken_gift_reports_line_numbers(db):
    text = ("Đúng câu {=a ~b}\n\nThiếu ngoặc =a ~b\n\nHai đáp án đúng (Moodle nhận) {=a =b ~c}\n\n"
            "Ghép {=a -> 1}\n\nKhông đúng {~a ~b}\n")
    with pytest.raises(ImportRejected) as rejected:
        services.import_questions(importing.parse_gift(text.encode(), "Mặc định"))
    assert [e.line for e in rejected.value.errors] == [3, 7, 9]
    assert not Question.objects.exists()


def test_admin_import_view(client, trainer):
    client.force_login(trainer)
    url = reverse("assessments_admin:import")
    assert client.get(url).status_code == 200
    template = client.get(reverse("assessments_admin:import_template"))
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.content)).active.max_row == 1 + len(importing.TEMPLATE_EXAMPLES)
    bad = SimpleUploadedFile("bad.gift", "Thiếu ngoặc =a ~b\n".encode())
    response = client.post(url, {"file": bad, "topic": ""})
    assert "Dòng 1" in response.content.decode() and not Question.objects.exists()
    good = SimpleUploadedFile("ok.gift", GOOD_GIFT.encode())
    response = client.post(url, {"file": good, "topic": "Mặc định"})
    assert "Đã nhập 6 câu hỏi." in response.content.decode()
    assert Question.objects.count() == 6


def test_learner_cannot_import(client, learner):
    client.force_login(learner)
    assert client.get(reverse("assessments_admin:import")).status_code in (302, 403)


@pytest.mark.parametrize("points", ["NaN", "nan", "sNaN", "-NaN", "Infinity"])
def test_points_that_are_not_numbers_are_a_row_error(db, points):
    """Found by tests/security/test_properties.py: "NaN" raised decimal.InvalidOperation (a 500)."""
    data = question_sheet([["Chủ đề", "Một lựa chọn", "Câu hỏi?", points, "", "A | B", "1", "", "", ""]])
    with pytest.raises(ImportRejected) as rejected:
        importing.parse_table(data, "cau-hoi.xlsx")
    assert rejected.value.errors[0].line == 2 and points in rejected.value.errors[0].message
    assert not Question.objects.exists()


def test_values_longer_than_their_columns_are_row_errors(db):
    """Found by tests/security/test_properties.py: a 501-character GIFT choice was a 500 on PostgreSQL."""
    long_choice = "x" * 501
    with pytest.raises(ImportRejected) as rejected:
        importing.parse_gift(f"Câu hỏi? {{={long_choice} ~Hai}}".encode(), "Chủ đề")
    assert "500" in rejected.value.errors[0].message
    rows = [["T" * 201, "Một lựa chọn", "Câu hỏi?", "1", "", "A | B", "1", "", "", ""],
            ["Chủ đề", "Một lựa chọn", "Câu hỏi?", "1", "", "A | B", "1", "", "t" * 101, ""]]
    with pytest.raises(ImportRejected) as rejected:
        importing.parse_table(question_sheet(rows), "cau-hoi.xlsx")
    assert [error.line for error in rejected.value.errors] == [2, 3]
    assert not Question.objects.exists()


def test_template_authors_matching_and_numerical_questions(db):
    """The template's matching and numerical rows, and a trainer's own rows with a decimal comma, import with
    their pairs, values, tolerances and weights, and grade as authored."""
    from decimal import Decimal

    from assessments.models import MatchingQuestion, NumericalQuestion

    own = question_sheet([["Số học", "Số", "Bao nhiêu phần trăm?", "2", "", "", "2,5:0,5 | %50%4", "", "", ""],
                 ["Số học", "ghep doi", "Ghép đơn vị", "1", "", "Mét -> m | Gam -> g", "", "", "", ""]])
    services.import_questions(importing.parse_table(importing.template_workbook(), "mau.xlsx")
                              + importing.parse_table(own, "cua-toi.xlsx"))
    template_matching = MatchingQuestion.objects.get(topic__name="Thông tin cơ sở")
    assert [(c.text, c.match_text) for c in template_matching.choices.order_by("sort_order")] == [
        ("Bản tin phát thanh", "Đài truyền thanh xã"), ("Bản tin thông tin cơ sở", "Bảng tin nhà văn hoá"),
        ("", "Báo in")]
    template_number = NumericalQuestion.objects.get(topic__name="Thông tin cơ sở")
    assert [(c.text, c.tolerance, c.weight) for c in template_number.choices.order_by("sort_order")] == [
        ("3", Decimal(1), Decimal(100)), ("5.5", Decimal("4.5"), Decimal(50))]
    number = NumericalQuestion.objects.get(topic__name="Số học")
    choices = list(number.choices.order_by("sort_order"))
    assert [(c.text, c.tolerance, c.weight) for c in choices] == [
        ("2.5", Decimal("0.5"), Decimal(100)), ("4", Decimal(0), Decimal(50))]
    assert number.points == 2
    assert number.score_fraction({"text": "2,9"}, choices) == 1
    assert number.score_fraction({"text": "4"}, choices) == Decimal("0.5")
    matching = MatchingQuestion.objects.get(topic__name="Số học")
    pairs = list(matching.choices.order_by("sort_order"))
    assert matching.score_fraction({"matches": {str(pairs[0].pk): pairs[1].pk}}, pairs) == 0
    assert matching.score_fraction({"matches": {str(p.pk): p.pk for p in pairs}}, pairs) == 1

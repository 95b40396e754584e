"""The results workbook's answer sheet: every answer readable whatever its type (matching: each stem → the
answer chosen, right or wrong; numerical: the number as typed with a decimal comma), its score, in the
exporter's scope, and safe against formula injection."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments import importing, services
from assessments.models import Question, Quiz
from assessments.services import PostedAnswer
from tests.lms.test_spreadsheet_writer import assert_no_formula

from .builders import make_quiz

GIFT = """::Ghép::Ghép tỉnh với mã. {=Bắc Giang -> 24 =Bắc Ninh -> 27 =Lạng Sơn -> 20 = -> 99}

::Số::Một bản tin dài mấy phút? {#=3:1#Vừa đủ. =%50%6:1#Hơi dài.}

::Đúng sai::Bản tin phát hằng tuần. {T}

::Ngắn::Tỉnh nào? {=Bắc Giang}

::Mô tả::Phần hai của bài.
"""


def _quiz():
    services.import_bank(importing.parse_gift(GIFT.encode(), "Báo cáo"))
    questions = {q.title: q for q in Question.objects.all()}
    return make_quiz([questions[t] for t in ("Ghép", "Mô tả", "Số", "Đúng sai", "Ngắn")]), questions


def _answer(learner, quiz, questions, number, short="Bắc Giang", matches=None):
    attempt = services.start_attempt(learner, quiz)
    rows = list(questions["Ghép"].choices.all())
    stems = {c.text: c.pk for c in rows if c.text}
    chosen = matches if matches is not None else {"Bắc Giang": "24", "Bắc Ninh": "99"}
    services.save_answers(attempt, [
        PostedAnswer(questions["Ghép"].pk, [f"{stems[stem]}:{answer}" for stem, answer in chosen.items()],
                     None),
        PostedAnswer(questions["Số"].pk, [number], None),
        PostedAnswer(questions["Đúng sai"].pk, ["false"], None),
        PostedAnswer(questions["Ngắn"].pk, [short], None),
    ])
    services.submit_attempt(attempt)
    return attempt


def _answer_sheet(data: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Kết quả", "Câu trả lời"]
    return [list(row) for row in workbook["Câu trả lời"].iter_rows(values_only=True)]


@pytest.fixture
def exported(client, learner, outsider_learner, district_manager):
    quiz, questions = _quiz()
    _answer(learner, quiz, questions, "6.5")
    _answer(outsider_learner, quiz, questions, "-3", short="=HYPERLINK(\"http://x\")")
    client.force_login(district_manager)
    return client.get(reverse("assessments_admin:export_results", args=[quiz.pk])).content


@pytest.mark.django_db
def test_answer_sheet_shows_matching_and_numerical_answers_readably(exported, learner, commune):
    rows = _answer_sheet(exported)
    header, *lines = rows
    assert header[9:13] == ["Câu trả lời", "Đúng / sai", "Điểm", "Điểm tối đa"]
    assert [line[0] for line in lines] == [learner.full_name] * 4  # the outsider is out of scope
    by_question = {line[7]: line for line in lines}
    assert "Phần hai của bài." not in by_question  # a description has no answer
    matching = by_question["Ghép tỉnh với mã."]
    assert matching[2] == commune.name and matching[4] == 1 and matching[6] == 1 and matching[8] == "Ghép đôi"
    assert matching[9].split("\n") == ["Bắc Giang → 24 ✓", "Bắc Ninh → 99 ✗ (đúng: 27)",
                                       "Lạng Sơn → — ✗ (đúng: 20)"]
    assert matching[10:13] == ["Đúng một phần", pytest.approx(0.33), 1]
    number = by_question["Một bản tin dài mấy phút?"]
    assert number[9:13] == ["6,5", "Đúng một phần", 0.5, 1]  # as typed, with the decimal comma
    assert by_question["Bản tin phát hằng tuần."][9:11] == ["Sai", "Sai"]
    assert by_question["Tỉnh nào?"][9:12] == ["Bắc Giang", "Đúng", 1]


@pytest.mark.django_db
def test_answer_sheet_is_safe_against_formulas(client, exported, province_manager):
    assert_no_formula(exported)
    client.force_login(province_manager)
    data = client.get(reverse("assessments_admin:export_results", args=[Quiz.objects.get().pk])).content
    assert_no_formula(data)
    answers = {line[9] for line in _answer_sheet(data)[1:]}
    assert {"'-3", "'=HYPERLINK(\"http://x\")"} <= answers  # neutralised text, never a formula or a number
    scores = [line[11] for line in _answer_sheet(data)[1:]]
    assert all(isinstance(score, int | float) for score in scores)


@pytest.mark.django_db
def test_answer_sheet_reads_a_fixed_number_of_queries(client, learner, outsider_learner, province_manager,
                                                      django_assert_max_num_queries):
    from assessments import exports

    quiz, questions = _quiz()
    _answer(learner, quiz, questions, "3")
    with django_assert_max_num_queries(6) as one:
        list(exports.answer_lines(province_manager, quiz))
    _answer(outsider_learner, quiz, questions, "4")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(list(exports.answer_lines(province_manager, quiz))) == 8

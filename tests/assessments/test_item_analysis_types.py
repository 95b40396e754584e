"""Item analysis beyond choice questions: matching (per-stem share right, mean partial credit), numerical (share
within tolerance, most frequent wrong values); essays and descriptions listed apart with their reason."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import importing, item_analysis, services
from assessments.models import Answer, Attempt, AttemptState, Question
from assessments.services import PostedAnswer
from tests.conftest import make_learner

from .builders import make_quiz

GIFT = """::Ghép::Ghép tỉnh với mã. {=Bắc Giang -> 24 =Bắc Ninh -> 27 =Lạng Sơn -> 20 = -> 99}

::Số::Một bản tin dài mấy phút? {#=3:1#Vừa đủ. =%50%6:1#Hơi dài.}

::Tự luận::Trình bày kế hoạch tuyên truyền. {}

::Mô tả::Phần hai của bài.
"""
# One learner per line: the stems matched (stem → answer), the number typed.
ANSWERS = [
    ({"Bắc Giang": "24", "Bắc Ninh": "27", "Lạng Sơn": "20"}, "3"),    # all right; within 3 ± 1
    ({"Bắc Giang": "24", "Bắc Ninh": "99"}, "3,5"),                    # 1 of 3; within
    ({"Bắc Giang": "24", "Bắc Ninh": "27", "Lạng Sơn": "99"}, "6"),    # 2 of 3; 50 % (6 ± 1)
    ({}, "10"),                                                         # blank; wrong
    ({"Bắc Giang": "27", "Bắc Ninh": "24", "Lạng Sơn": "20"}, "10.0"),  # 1 of 3; wrong, the same 10
    ({"Bắc Giang": "24", "Bắc Ninh": "27", "Lạng Sơn": "20"}, "-12,5"),  # all right; wrong
]


@pytest.fixture
def analysed(commune, trainer):
    services.import_bank(importing.parse_gift(GIFT.encode(), "Phân tích"))
    questions = {q.title: q for q in Question.objects.all()}
    quiz = make_quiz([questions[t] for t in ("Ghép", "Số", "Tự luận", "Mô tả")])
    rows = list(questions["Ghép"].choices.all())
    stems = {c.text: c.pk for c in rows if c.text}
    for n, (matches, number) in enumerate(ANSWERS):
        attempt = services.start_attempt(make_learner(commune, phone=f"09870003{n:02d}"), quiz)
        services.save_answers(attempt, [
            PostedAnswer(questions["Ghép"].pk, [f"{stems[s]}:{a}" for s, a in matches.items()], None),
            PostedAnswer(questions["Số"].pk, [number], None),
            PostedAnswer(questions["Tự luận"].pk, ["Loa xã mỗi sáng."], None),
        ])
        services.submit_attempt(attempt)
    for answer in Answer.objects.filter(score__isnull=True):
        services.mark_answer(trainer, answer.pk, Decimal(1), "")
    assert Attempt.objects.filter(state=AttemptState.GRADED).count() == len(ANSWERS)
    return quiz, questions, item_analysis.analyse(quiz.pk, None)


@pytest.mark.django_db
def test_matching_statistics_per_stem_and_partial_credit(analysed):
    _quiz, questions, stored = analysed
    item = next(i for i in stored.items if i["question_id"] == questions["Ghép"].pk)
    details = item["matching"]
    assert [(s["text"], s["expected"], s["right"]) for s in details["stems"]] == [
        ("Bắc Giang", "24", 4), ("Bắc Ninh", "27", 3), ("Lạng Sơn", "20", 3)]
    assert details["stems"][0]["share"] == pytest.approx(4 / 6)
    assert details["partial_mean"] == pytest.approx((1 + 1 / 3 + 2 / 3 + 0 + 1 / 3 + 1) / 6)
    assert (details["full"], details["partial"], details["none"]) == (2, 3, 1)
    assert item["facility"] == pytest.approx(details["partial_mean"], abs=0.01)  # scores are kept to 0.01
    assert item["blank"] == 1 and item["options"] == []
    assert "unchosen" not in item["reasons"]  # matching rows are not options nobody picked


@pytest.mark.django_db
def test_numerical_statistics_within_tolerance_and_common_wrong_values(analysed):
    _quiz, questions, stored = analysed
    item = next(i for i in stored.items if i["question_id"] == questions["Số"].pk)
    details = item["numerical"]
    assert details["within"] == pytest.approx(2 / 6) and details["partly"] == pytest.approx(1 / 6)
    assert details["wrong_values"] == [["10", 2], ["-12,5", 1]]  # 10 and 10.0 are one value; decimal comma
    assert item["blank"] == 0


@pytest.mark.django_db
def test_essays_and_descriptions_are_listed_apart_with_the_reason(client, trainer, district, analysed):
    quiz, questions, stored = analysed
    item_analysis.analyse(quiz.pk, district.pk)  # what the district's trainer reads
    excluded = {i["question_id"]: i["excluded"] for i in stored.items if i.get("excluded")}
    assert excluded == {questions["Tự luận"].pk: "marked", questions["Mô tả"].pk: "description"}
    assert [i["question_id"] for i in stored.items][-2:] == [questions["Tự luận"].pk, questions["Mô tả"].pk]
    client.force_login(trainer)
    page = client.get(reverse("assessments_admin:item_analysis", args=[quiz.pk])).content.decode()
    tail = page[page.index("Câu hỏi không phân tích"):]
    assert "Trình bày kế hoạch tuyên truyền." in tail and "Giảng viên chấm tay" in tail
    assert "Phần hai của bài." in tail and "Đoạn mô tả: không có câu trả lời" in tail
    head = page[:page.index("Câu hỏi không phân tích")]
    assert "Bắc Giang → 24: 4 người ghép đúng (67 %)" in head
    assert "Điểm từng phần trung bình: 56 %" in head
    assert "Trong sai số của đáp án đúng: 33 %" in head and "10 (2 lượt); -12,5 (1 lượt)" in head

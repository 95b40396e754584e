"""Matching and numerical answers where people read them: the trainer's marking page shows the whole attempt
(every type, with right/wrong and the author's feedback), and the learner's result page shows answers and
per-answer feedback only as the quiz's review policy allows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import importing, services
from assessments.models import Answer, Attempt, Question, ReviewPolicy
from assessments.services import PostedAnswer

from .builders import make_quiz

GIFT = """::Ghép::Ghép tỉnh với mã. {=Bắc Giang -> 24 =Bắc Ninh -> 27 = -> 99}

::Số::Một bản tin dài mấy phút? {#=3:1#Vừa đủ. =%50%6:1#Hơi dài.}

::Tự luận::Trình bày kế hoạch tuyên truyền. {}

::Mô tả::Phần hai của bài.
"""


def _questions():
    services.import_bank(importing.parse_gift(GIFT.encode(), "Xem lại"))
    return {q.title: q for q in Question.objects.all()}


def _take(learner, quiz, questions, essay=True):
    attempt = services.start_attempt(learner, quiz)
    rows = list(questions["Ghép"].choices.all())
    stems = {c.text: c.pk for c in rows if c.text}
    posted = [PostedAnswer(questions["Ghép"].pk, [f"{stems['Bắc Giang']}:24",
                                                  f"{stems['Bắc Ninh']}:99"], None),
              PostedAnswer(questions["Số"].pk, ["6.5"], None)]
    if essay:
        posted.append(PostedAnswer(questions["Tự luận"].pk, ["Loa xã mỗi sáng."], None))
    services.save_answers(attempt, posted)
    services.submit_attempt(attempt)
    attempt.refresh_from_db()
    return attempt


@pytest.mark.django_db
def test_marking_page_shows_the_rest_of_the_attempt(client, learner, trainer):
    questions = _questions()
    quiz = make_quiz([questions[t] for t in ("Ghép", "Mô tả", "Số", "Tự luận")])
    attempt = _take(learner, quiz, questions)
    essay = Answer.objects.get(attempt_question__attempt=attempt, score__isnull=True)
    client.force_login(trainer)
    page = client.get(reverse("assessments_admin:mark", args=[essay.pk])).content.decode()
    others = page[page.index("Các câu khác của bài làm"):]
    assert "Bắc Giang → 24 ✓<br>Bắc Ninh → 99 ✗ (đúng: 27)" in others
    assert "6,5" in others and "Phản hồi: Hơi dài." in others and "Vừa đủ." not in others
    assert others.count("Đúng một phần") == 2 and others.count("0,50 / 1") == 2
    assert "Phần hai của bài." not in others and "Trình bày kế hoạch" not in others


@pytest.mark.django_db
@pytest.mark.parametrize(("policy", "closes_in", "shown"), [
    (ReviewPolicy.AFTER_SUBMIT, None, True),
    (ReviewPolicy.NEVER, None, False),
    (ReviewPolicy.AFTER_PASS, None, False),  # 1.5 of 3 points, pass mark 80 %
    (ReviewPolicy.AFTER_CLOSE, timedelta(days=1), False),
])
def test_result_page_follows_the_review_policy(client, learner, policy, closes_in, shown):
    questions = _questions()
    until = timezone.now() + closes_in if closes_in else None
    quiz = make_quiz([questions[t] for t in ("Ghép", "Mô tả", "Số")], review_policy=policy, pass_mark=80,
                     available_until=until)
    attempt = _take(learner, quiz, questions, essay=False)
    assert attempt.score == Decimal("1.00")  # matching 1/2 of 1 point, numerical 50 % of 1
    client.force_login(learner)
    page = client.get(reverse("assessments:result", args=[attempt.pk])).content.decode()
    details = ["Bắc Giang → 24 ✓", "Bắc Ninh → 99 (đúng là 27)", "Bạn trả lời: 6,5", "Hơi dài."]
    assert all(text in page for text in details) is shown, page
    assert any(text in page for text in details) is shown
    assert "Vừa đủ." not in page  # feedback of an answer not given is never shown


@pytest.mark.django_db
def test_result_page_after_the_quiz_closes(client, learner):
    questions = _questions()
    quiz = make_quiz([questions["Số"]], review_policy=ReviewPolicy.AFTER_CLOSE,
                     available_until=timezone.now() + timedelta(hours=1))
    attempt = services.start_attempt(learner, quiz)
    services.save_answers(attempt, [PostedAnswer(questions["Số"].pk, ["3,5"], None)])
    services.submit_attempt(attempt)
    client.force_login(learner)
    url = reverse("assessments:result", args=[attempt.pk])
    assert "Vừa đủ." not in client.get(url).content.decode()
    Attempt.objects.filter(pk=attempt.pk).update(started_at=timezone.now() - timedelta(hours=3))
    quiz.available_from = timezone.now() - timedelta(hours=4)
    quiz.available_until = timezone.now() - timedelta(minutes=1)
    quiz.save()
    page = client.get(url).content.decode()
    assert "Bạn trả lời: 3,5" in page and "Vừa đủ." in page


@pytest.mark.django_db
def test_a_description_is_not_an_unanswered_question(client, learner):
    questions = _questions()
    quiz = make_quiz([questions[t] for t in ("Mô tả", "Số")])
    attempt = services.start_attempt(learner, quiz)
    services.save_answers(attempt, [PostedAnswer(questions["Số"].pk, ["3"], None)])
    client.force_login(learner)
    page = client.get(reverse("assessments:review", args=[attempt.pk])).content.decode()
    assert "chưa trả lời" not in page

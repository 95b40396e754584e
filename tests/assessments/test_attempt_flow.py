"""A learner starts, answers (autosave and plain POST), reviews, submits and sees results."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Answer, Attempt, AttemptQuestion, AttemptState

from .builders import make_quiz, make_single, make_topic
from .helpers import right_answers


def _start(client, learner, quiz) -> Attempt:
    client.force_login(learner)
    response = client.post(reverse("assessments:begin", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    assert response.status_code == 302 and response.url == reverse("assessments:attempt", args=[attempt.pk])
    return attempt


def test_quiz_url_is_the_start_page(client, learner, auto_quiz):
    client.force_login(learner)
    assert auto_quiz.get_absolute_url() == f"/quizzes/{auto_quiz.pk}/"
    response = client.get(auto_quiz.get_absolute_url())
    assert response.status_code == 200
    assert auto_quiz.title in response.content.decode()


def test_start_freezes_questions_choice_order_deadline_and_commune(client, learner, commune, auto_quiz):
    auto_quiz.time_limit_minutes = 20
    auto_quiz.save()
    attempt = _start(client, learner, auto_quiz)
    rows = list(AttemptQuestion.objects.filter(attempt=attempt).order_by("position"))
    assert [r.position for r in rows] == [1, 2, 3, 4, 5]
    assert len(rows[0].choice_order) == 3 and rows[2].choice_order == []
    assert attempt.deadline == attempt.started_at + __import__("datetime").timedelta(minutes=20)
    assert attempt.commune_id == commune.pk and attempt.max_score == Decimal(6)
    # Starting again resumes the same attempt instead of drawing a new one.
    client.post(reverse("assessments:begin", args=[auto_quiz.pk]))
    assert Attempt.objects.filter(user=learner).count() == 1


def test_full_marks_flow_grades_once_and_announces(client, learner, auto_quiz, graded_events,
                                                   django_capture_on_commit_callbacks):
    attempt = _start(client, learner, auto_quiz)
    page = client.get(reverse("assessments:attempt", args=[attempt.pk]))
    assert page.status_code == 200 and "autosave.js" in page.content.decode()
    response = client.post(reverse("assessments:save", args=[attempt.pk]), {**right_answers(attempt),
                                                                            "review": "1"})
    assert response.status_code == 302 and response.url.endswith("/review/")
    assert Answer.objects.filter(attempt_question__attempt=attempt).count() == 5
    assert client.get(response.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:submit", args=[attempt.pk]))
    assert response.url == reverse("assessments:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED
    assert (attempt.score, attempt.percent, attempt.passed) == (Decimal(6), Decimal(100), True)
    assert graded_events == [attempt.pk]
    result = client.get(response.url).content.decode()
    assert "100%" in result and "Đạt" in result


def test_autosave_answers_one_question_as_json(client, learner, auto_quiz):
    attempt = _start(client, learner, auto_quiz)
    single = auto_quiz.fixed_questions.first().question
    choice = single.choices.filter(is_correct=False).first()
    response = client.post(reverse("assessments:save", args=[attempt.pk]),
                           {"question": single.pk, f"q{single.pk}": choice.pk}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["saved"] == 1
    answer = Answer.objects.get(attempt_question__attempt=attempt)
    assert answer.response == {"choices": [choice.pk]}
    # Changing the answer updates the same row.
    right = single.choices.get(is_correct=True)
    client.post(reverse("assessments:save", args=[attempt.pk]), {"question": single.pk, f"q{single.pk}": right.pk})
    assert Answer.objects.get(attempt_question__attempt=attempt).response == {"choices": [right.pk]}


def test_wrong_answers_fail_and_review_policy_hides_answers(client, learner, auto_quiz):
    auto_quiz.review_policy = "after_pass"
    auto_quiz.save()
    attempt = _start(client, learner, auto_quiz)
    client.post(reverse("assessments:submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (Decimal(0), False)
    page = client.get(reverse("assessments:result", args=[attempt.pk])).content.decode()
    assert "Chưa đạt" in page and "Đáp án" not in page


def test_essay_waits_for_marking(client, learner, essay_quiz, graded_events,
                                 django_capture_on_commit_callbacks):
    attempt = _start(client, learner, essay_quiz)
    client.post(reverse("assessments:save", args=[attempt.pk]), right_answers(attempt))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.AWAITING_MARKING and attempt.score is None
    assert graded_events == []
    assert "chờ giảng viên chấm" in client.get(reverse("assessments:result", args=[attempt.pk])).content.decode()


def test_unanswered_essay_needs_no_marking(learner, essay_quiz):
    attempt = services.start_attempt(learner, essay_quiz)
    services.submit_attempt(attempt)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED and attempt.score == 0


def test_random_draw_per_topic(learner):
    bank = make_topic("Ngân hàng")
    pool = [make_single(bank, text=f"Câu {i}") for i in range(10)]
    fixed = make_single(make_topic("Cố định"))
    quiz = make_quiz([fixed], draws=[(bank, 3)], shuffle_questions=True, shuffle_choices=True)
    attempt = services.start_attempt(learner, quiz)
    drawn = set(AttemptQuestion.objects.filter(attempt=attempt).values_list("question_id", flat=True))
    assert len(drawn) == 4 and fixed.pk in drawn and drawn - {fixed.pk} <= {q.pk for q in pool}


def test_quiz_outside_its_window_cannot_start(client, learner, auto_quiz):
    from django.utils import timezone
    auto_quiz.available_from = timezone.now() + __import__("datetime").timedelta(days=1)
    auto_quiz.save()
    client.force_login(learner)
    response = client.post(reverse("assessments:begin", args=[auto_quiz.pk]), follow=True)
    assert "Bài kiểm tra chưa mở." in response.content.decode()
    assert not Attempt.objects.exists()


@pytest.mark.parametrize("method", ["get"])
def test_pages_need_login(client, auto_quiz, method):
    response = getattr(client, method)(reverse("assessments:start", args=[auto_quiz.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url

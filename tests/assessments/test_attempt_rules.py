"""The server enforces the rules: deadline, attempt limit, tampered ids, no change after submit."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.exceptions import AttemptClosed, AttemptLimitReached
from assessments.models import Answer, Attempt, AttemptState

from .builders import make_quiz, make_single


def _save(client, attempt, data, **extra):
    return client.post(reverse("assessments:save", args=[attempt.pk]), data, **extra)


@pytest.fixture
def started(client, learner, auto_quiz):
    client.force_login(learner)
    return services.start_attempt(learner, auto_quiz)


def _first_question(quiz):
    return quiz.fixed_questions.order_by("sort_order").first().question


def test_another_learners_attempt_is_404_and_untouched(client, started, outsider_learner, auto_quiz):
    client.force_login(outsider_learner)
    question = _first_question(auto_quiz)
    data = {"question": question.pk, f"q{question.pk}": question.choices.first().pk}
    for name in ("attempt", "review", "result"):
        assert client.get(reverse(f"assessments:{name}", args=[started.pk])).status_code == 404
    assert _save(client, started, data).status_code == 404
    assert client.post(reverse("assessments:submit", args=[started.pk])).status_code == 404
    assert not Answer.objects.exists()
    assert Attempt.objects.get(pk=started.pk).state == AttemptState.IN_PROGRESS


def test_question_not_drawn_is_refused_and_nothing_written(client, started, auto_quiz):
    stranger = make_single(text="Câu không có trong bài")
    question = _first_question(auto_quiz)
    data = {"question": [question.pk, stranger.pk], f"q{question.pk}": question.choices.first().pk,
            f"q{stranger.pk}": stranger.choices.first().pk}
    response = _save(client, started, data)
    assert response.status_code == 400
    assert "Câu hỏi không thuộc bài làm này." in response.content.decode()
    assert not Answer.objects.exists()


def test_choice_of_another_question_is_refused(client, started, auto_quiz):
    question = _first_question(auto_quiz)
    other = auto_quiz.fixed_questions.order_by("sort_order")[1].question
    response = _save(client, started, {"question": question.pk, f"q{question.pk}": other.choices.first().pk},
                     HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "error" in response.json()
    assert not Answer.objects.exists()


def test_garbage_ids_are_400(client, started):
    assert _save(client, started, {"question": "abc"}).status_code == 400
    assert _save(client, started, {}).status_code == 400
    assert not Answer.objects.exists()


def test_no_change_after_submit(client, started, auto_quiz):
    services.submit_attempt(started)
    question = _first_question(auto_quiz)
    response = _save(client, started, {"question": question.pk, f"q{question.pk}": question.choices.first().pk},
                     HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert not Answer.objects.filter(response__has_key="choices").exists()
    assert services.submit_attempt(started) is False  # a second submit grades nothing


def test_deadline_with_grace(learner, auto_quiz):
    auto_quiz.time_limit_minutes = 10
    auto_quiz.save()
    attempt = services.start_attempt(learner, auto_quiz)
    question = _first_question(auto_quiz)
    choice = question.choices.first()
    posted = [services.PostedAnswer(question.pk, [str(choice.pk)])]
    within_grace = attempt.deadline + timedelta(seconds=services.GRACE.total_seconds() - 1)
    services.save_answers(attempt, posted, now=within_grace)
    with pytest.raises(AttemptClosed):
        services.save_answers(attempt, posted, now=attempt.deadline + services.GRACE + timedelta(seconds=1))
    assert Answer.objects.count() == 1


def test_late_save_over_http_is_409(client, learner, auto_quiz):
    auto_quiz.time_limit_minutes = 1
    auto_quiz.save()
    attempt = services.start_attempt(learner, auto_quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    client.force_login(learner)
    question = _first_question(auto_quiz)
    response = _save(client, attempt, {"question": question.pk, f"q{question.pk}": question.choices.first().pk},
                     HTTP_ACCEPT="application/json")
    assert response.status_code == 409 and not Answer.objects.exists()


def test_overdue_attempts_are_closed_with_what_was_saved(learner, outsider_learner, auto_quiz, graded_events,
                                                         django_capture_on_commit_callbacks):
    from assessments.tasks import close_overdue_attempts

    auto_quiz.time_limit_minutes = 5
    auto_quiz.save()
    late = services.start_attempt(learner, auto_quiz)
    question = _first_question(auto_quiz)
    right = question.choices.get(is_correct=True)
    services.save_answers(late, [services.PostedAnswer(question.pk, [str(right.pk)])])
    on_time = services.start_attempt(outsider_learner, auto_quiz)
    Attempt.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert close_overdue_attempts.delay().get() == 1
    late.refresh_from_db()
    assert late.state == AttemptState.GRADED and late.closed_automatically and late.score == 1
    assert Attempt.objects.get(pk=on_time.pk).state == AttemptState.IN_PROGRESS
    assert graded_events == [late.pk]


def test_attempt_limit(client, learner):
    quiz = make_quiz([make_single()], attempts_allowed=2)
    for _ in range(2):
        services.submit_attempt(services.start_attempt(learner, quiz))
    with pytest.raises(AttemptLimitReached):
        services.start_attempt(learner, quiz)
    client.force_login(learner)
    response = client.post(reverse("assessments:begin", args=[quiz.pk]), follow=True)
    assert "Bạn đã dùng hết 2 lần làm bài." in response.content.decode()
    assert Attempt.objects.filter(user=learner).count() == 2


def test_submitted_attempt_cannot_be_deleted(learner, auto_quiz):
    attempt = services.start_attempt(learner, auto_quiz)
    services.submit_attempt(attempt)
    with pytest.raises(AttemptClosed):
        attempt.delete()
    assert Attempt.objects.filter(pk=attempt.pk).exists()

"""A question fix rescored for every submitted attempt, with an audit entry and a signal."""

from decimal import Decimal

import pytest

from assessments import services
from assessments.exceptions import InvalidMark
from assessments.models import Attempt, GradeAudit

from .builders import make_essay, make_quiz, make_single


def test_regrade_after_fixing_the_key(learner, outsider_learner, province_manager, graded_events,
                                      django_capture_on_commit_callbacks):
    question = make_single()
    quiz = make_quiz([question], pass_mark=50)
    wrong = question.choices.filter(is_correct=False).first()
    attempts = []
    for user in (learner, outsider_learner):
        attempt = services.start_attempt(user, quiz)
        services.save_answers(attempt, [services.PostedAnswer(question.pk, [str(wrong.pk)])])
        services.submit_attempt(attempt)
        attempts.append(attempt)
    # The trainer finds the key was wrong: the chosen option is in fact right.
    question.choices.update(is_correct=False)
    question.choices.filter(pk=wrong.pk).update(is_correct=True)
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.regrade_question(question.pk, province_manager, "Sửa đáp án câu 1")
    assert changed == 2
    for attempt in attempts:
        attempt.refresh_from_db()
        assert (attempt.score, attempt.percent, attempt.passed) == (Decimal(1), Decimal(100), True)
    audit = GradeAudit.objects.get(attempt=attempts[0])
    assert (audit.old_score, audit.new_score, audit.old_passed, audit.new_passed) == (0, 1, False, True)
    assert audit.changed_by == province_manager and audit.reason == "Sửa đáp án câu 1"
    assert sorted(graded_events) == sorted(a.pk for a in attempts)
    # Regrading again changes nothing and writes no new audit.
    assert services.regrade_question(question.pk, province_manager, "lại") == 0
    assert GradeAudit.objects.count() == 2


def test_regrade_skips_open_attempts_and_manual_questions(learner, trainer):
    question = make_single()
    quiz = make_quiz([question])
    open_attempt = services.start_attempt(learner, quiz)
    assert services.regrade_question(question.pk, trainer, "x") == 0
    assert Attempt.objects.get(pk=open_attempt.pk).score is None
    with pytest.raises(InvalidMark):
        services.regrade_question(make_essay().pk, trainer, "x")


def test_regrade_admin_view(client, trainer, learner):
    from django.urls import reverse

    question = make_single()
    quiz = make_quiz([question])
    attempt = services.start_attempt(learner, quiz)
    wrong = question.choices.filter(is_correct=False).first()
    services.save_answers(attempt, [services.PostedAnswer(question.pk, [str(wrong.pk)])])
    services.submit_attempt(attempt)
    question.choices.update(is_correct=True)
    client.force_login(trainer)
    url = reverse("assessments_admin:regrade", args=[question.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Sửa đáp án"}, follow=True)
    assert response.status_code == 200
    assert GradeAudit.objects.filter(reason="Sửa đáp án").count() == 1

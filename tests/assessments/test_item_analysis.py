"""Item analysis on a generated set of graded attempts whose statistics are worked out by hand."""

from decimal import Decimal
from statistics import correlation

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import item_analysis
from assessments.item_analysis import Response, question_statistics
from assessments.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptState,
    ItemAnalysis,
    SingleChoiceQuestion,
)
from outbox.models import OutboxMessage
from tests.conftest import make_learner, make_user

from .builders import _with_choices, make_quiz, make_topic

# Rows: attempts; columns: questions 1–3; 1 = right (option A), 0 = wrong (option B).
MATRIX = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 1, 0), (1, 0, 1)]
# Worked by hand: Q1 x=[1,1,1,0,1], rest=[2,1,0,1,1] -> covariance 0; Q2 r = -0.6 / sqrt(1.2 * 2.8);
# Q3 r = 0.2 / sqrt(1.2 * 1.2).
HAND = {0: (0.8, 0.0), 1: (0.6, -0.6 / (1.2 * 2.8) ** 0.5), 2: (0.4, 0.2 / 1.2)}


def test_statistics_match_the_hand_worked_values():
    attempts = [{q: Response(float(right), 1.0, (10 * q + (0 if right else 1),)) for q, right in enumerate(row)}
                for row in MATRIX]
    stats = question_statistics(attempts)
    for q, (facility, discrimination) in HAND.items():
        assert stats[q]["n"] == 5
        assert stats[q]["facility"] == pytest.approx(facility)
        assert stats[q]["discrimination"] == pytest.approx(discrimination, abs=1e-9)
        # The standard library's Pearson correlation, item score against the rest of the attempt.
        xs = [row[q] for row in MATRIX]
        assert stats[q]["discrimination"] == pytest.approx(
            correlation(xs, [sum(row) - row[q] for row in MATRIX]), abs=1e-9)
    assert stats[1]["chosen"] == {10: 3, 11: 2}


def test_an_item_everybody_gets_right_has_no_discrimination():
    stats = question_statistics([{1: Response(1.0, 1.0, (5,)), 2: Response(s, 1.0)} for s in (0.0, 1.0, 1.0)])
    assert stats[1]["facility"] == 1.0 and stats[1]["discrimination"] is None


OPTIONS = [("Phương án A", True), ("Phương án B", False), ("Phương án C", False), ("Phương án D", False)]


def _world(commune, other_commune):
    topic = make_topic()
    questions = [_with_choices(SingleChoiceQuestion(topic=topic, text=f"Câu số {n}?"), OPTIONS) for n in (1, 2, 3)]
    quiz = make_quiz(questions)
    now = timezone.now()

    def attempt(user, row, where):
        a = Attempt.objects.create(user=user, quiz=quiz, number=1, state=AttemptState.GRADED, commune=where,
                                   started_at=now, submitted_at=now, graded_at=now, score=sum(row),
                                   max_score=3, percent=Decimal(sum(row) * 100) / 3)
        for position, (question, right) in enumerate(zip(questions, row, strict=True)):
            choices = list(question.choices.order_by("sort_order"))
            aq = AttemptQuestion.objects.create(attempt=a, question=question, position=position,
                                                choice_order=[c.pk for c in choices], max_points=1)
            Answer.objects.create(attempt_question=aq, response={"choices": [choices[0 if right else 1].pk]},
                                  score=right)
    for n, row in enumerate(MATRIX):
        attempt(make_learner(commune, phone=f"09870001{n:02d}"), row, commune)
    # Two learners of another district: outside a district trainer's analysis.
    for n in range(2):
        attempt(make_learner(other_commune, phone=f"09870002{n:02d}"), (0, 0, 0), other_commune)
    return quiz, questions


@pytest.mark.django_db
def test_analysis_is_computed_in_the_task_per_unit_and_shown_review_first(
        client, trainer, district, commune, other_commune, django_capture_on_commit_callbacks):
    quiz, questions = _world(commune, other_commune)
    client.force_login(trainer)
    url = reverse("assessments_admin:item_analysis", args=[quiz.pk])
    assert "Chưa có số liệu" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"unit": district.pk})
    assert response.status_code == 302
    message = OutboxMessage.objects.get(task_name=item_analysis.TASK)
    assert message.args == [quiz.pk, district.pk] and message.sent_at is not None

    stored = ItemAnalysis.objects.get(quiz=quiz, unit=district)
    assert stored.attempts == 5
    assert [item["question_id"] for item in stored.items] == [questions[1].pk, questions[0].pk, questions[2].pk]
    by_question = {item["question_id"]: item for item in stored.items}
    for q, (facility, discrimination) in HAND.items():
        item = by_question[questions[q].pk]
        assert item["facility"] == pytest.approx(facility)
        assert item["discrimination"] == pytest.approx(discrimination, abs=1e-9)
    assert by_question[questions[1].pk]["reasons"] == ["negative"]
    assert [o["count"] for o in by_question[questions[0].pk]["options"]] == [4, 1, 0, 0]

    page = client.get(url).content.decode()
    assert page.index("Câu số 2?") < page.index("Câu số 1?") < page.index("Câu số 3?")
    assert "Độ phân biệt âm" in page


@pytest.mark.django_db
def test_every_unit_for_an_administrator(commune, other_commune):
    quiz, questions = _world(commune, other_commune)
    analysis = item_analysis.analyse(quiz.pk, None)
    assert analysis.attempts == 7 and analysis.unit is None
    assert item_analysis.analyse(quiz.pk, None).pk == analysis.pk  # recomputing replaces


@pytest.mark.django_db
def test_outsider_cannot_read_or_compute_another_units_analysis(client, outsider_manager, district, commune,
                                                                 other_commune):
    quiz, _questions = _world(commune, other_commune)
    item_analysis.analyse(quiz.pk, district.pk)
    client.force_login(outsider_manager)
    url = reverse("assessments_admin:item_analysis", args=[quiz.pk])
    assert client.get(url, {"unit": district.pk}).status_code == 403
    assert client.post(url, {"unit": district.pk}).status_code == 403
    assert not OutboxMessage.objects.filter(task_name=item_analysis.TASK).exists()
    # Their own unit: only their own learners (none answered the way of the district's).
    own = client.get(url).content.decode()
    assert "Câu số" not in own
    learner_only = make_user("hocvien-ngoai")
    client.force_login(learner_only)
    assert client.get(url).status_code in (302, 403)  # not admin staff: sent to the admin sign-in


@pytest.mark.django_db
def test_analysis_reads_a_fixed_number_of_queries_whatever_the_attempts(commune, other_commune,
                                                                        django_assert_max_num_queries):
    quiz, _questions = _world(commune, other_commune)
    # quiz, attempts, answers, quiz order, question texts, choices, then update_or_create (savepoint, select
    # for update, insert, release): 12 with 7 attempts and 21 answers, none per attempt or answer.
    with django_assert_max_num_queries(13):
        assert item_analysis.analyse(quiz.pk, None).attempts == 7

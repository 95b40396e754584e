"""The read contract for courses and reports: passed quizzes and scores that count."""

from decimal import Decimal

from assessments import selectors, services
from assessments.models import GradingMethod

from .builders import make_quiz, make_single


def _attempt(user, quiz, right: bool):
    question = quiz.fixed_questions.first().question
    attempt = services.start_attempt(user, quiz)
    choice = question.choices.filter(is_correct=right).first()
    services.save_answers(attempt, [services.PostedAnswer(question.pk, [str(choice.pk)])])
    services.submit_attempt(attempt)


def test_passed_and_best_scores_follow_the_grading_method(learner, django_assert_num_queries):
    highest = make_quiz([make_single()], grading_method=GradingMethod.HIGHEST)
    last = make_quiz([make_single()], grading_method=GradingMethod.LAST)
    untouched = make_quiz([make_single()])
    for quiz in (highest, last):
        _attempt(learner, quiz, right=True)
        _attempt(learner, quiz, right=False)
    ids = [highest.pk, last.pk, untouched.pk]
    with django_assert_num_queries(1):
        assert selectors.passed_quiz_ids(learner.pk, ids) == {highest.pk}
    with django_assert_num_queries(1):
        assert selectors.best_scores(learner.pk, ids) == {highest.pk: Decimal(100), last.pk: Decimal(0)}


def test_other_learners_do_not_count(learner, outsider_learner):
    quiz = make_quiz([make_single()])
    _attempt(outsider_learner, quiz, right=True)
    assert selectors.passed_quiz_ids(learner.pk, [quiz.pk]) == set()
    assert selectors.best_scores(learner.pk, [quiz.pk]) == {}

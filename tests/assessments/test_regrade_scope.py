"""A regrade rescores only the attempts of the regrader's scope (issue #14, item 8): a district manager
who fixes a shared question's key regrades their district; another district's results stay as they were
until its own staff or the province regrade them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Attempt, GradeAudit

from .builders import make_quiz, make_single


@pytest.fixture
def wrongly_keyed(learner, outsider_learner):
    """Both learners chose the option the key wrongly marked false; the key is then fixed."""
    question = make_single()
    quiz = make_quiz([question], pass_mark=50)
    chosen = question.choices.filter(is_correct=False).first()
    for user in (learner, outsider_learner):
        attempt = services.start_attempt(user, quiz)
        services.save_answers(attempt, [services.PostedAnswer(question.pk, [str(chosen.pk)])])
        services.submit_attempt(attempt)
    question.choices.update(is_correct=False)
    question.choices.filter(pk=chosen.pk).update(is_correct=True)
    return question


def scores():
    return {a.user_id: (a.score, a.passed) for a in Attempt.objects.all()}


@pytest.mark.django_db
def test_a_district_manager_regrades_only_their_district(district_manager, learner, outsider_learner, wrongly_keyed):
    assert services.regrade_question(wrongly_keyed.pk, district_manager, "Sửa đáp án") == 1
    assert scores() == {learner.pk: (Decimal(1), True), outsider_learner.pk: (Decimal(0), False)}
    assert list(GradeAudit.objects.values_list("attempt__user_id", flat=True)) == [learner.pk]


@pytest.mark.django_db
def test_the_outsider_manager_regrades_only_theirs(outsider_manager, learner, outsider_learner, wrongly_keyed,
                                                   client):
    client.force_login(outsider_manager)
    url = reverse("assessments_admin:regrade", args=[wrongly_keyed.pk])
    page = client.get(url).content.decode()
    assert "Trong phạm vi của bạn: 1 lượt" in page and "Ngoài phạm vi" in page
    client.post(url, {"reason": "Sửa đáp án"})
    assert scores() == {learner.pk: (Decimal(0), False), outsider_learner.pk: (Decimal(1), True)}


@pytest.mark.django_db
def test_province_staff_regrade_everyone(province_manager, learner, outsider_learner, wrongly_keyed):
    assert services.regrade_question(wrongly_keyed.pk, province_manager, "Sửa đáp án") == 2
    assert all(passed for _score, passed in scores().values())

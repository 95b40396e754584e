"""Results export per learner with commune and district, in the exporter's scope; admin pages."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from assessments import services

from ..conftest import make_staff
from .builders import make_quiz, make_single


def _rows(response):
    return [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


def test_export_results_in_scope(client, learner, outsider_learner, district_manager, outsider_manager,
                                 commune, district):
    quiz = make_quiz([make_single()])
    for user in (learner, outsider_learner):
        services.submit_attempt(services.start_attempt(user, quiz))
    url = reverse("assessments_admin:export_results", args=[quiz.pk])
    client.force_login(district_manager)
    rows = _rows(client.get(url))
    assert len(rows) == 2
    assert rows[1][:6] == [learner.full_name, learner.phone, commune.name, district.name, 1, 0]
    client.force_login(outsider_manager)
    assert [r[0] for r in _rows(client.get(url))[1:]] == [outsider_learner.full_name]


def test_admin_pages_for_trainers(client, trainer):
    from accounts.models import Role

    make_quiz([make_single()])
    client.force_login(trainer)
    for name in ("new_question", "marking", "import", "results"):
        assert client.get(reverse(f"assessments_admin:{name}")).status_code == 200
    add = client.get(reverse("wagtailsnippets_assessments_singlechoicequestion:add"))
    assert add.status_code == 200
    assert client.get(reverse("wagtailsnippets_assessments_quiz:list")).status_code == 200
    assert Role.TRAINER  # the trainer persona authors questions without extra model permissions


def test_admin_pages_refuse_learners(client, learner):
    client.force_login(learner)
    assert client.get(reverse("assessments_admin:results")).status_code in (302, 403)


def test_new_staff_without_scope_sees_nothing(client, learner, other_district):
    quiz = make_quiz([make_single()])
    services.submit_attempt(services.start_attempt(learner, quiz))
    from accounts.models import Role
    stranger = make_staff("stranger", Role.TRAINER, other_district)
    client.force_login(stranger)
    rows = _rows(client.get(reverse("assessments_admin:export_results", args=[quiz.pk])))
    assert rows[1:] == []


def test_trainer_authors_a_question_with_inline_choices(client, trainer):
    from assessments.models import SingleChoiceQuestion

    from .builders import make_topic

    topic = make_topic()
    client.force_login(trainer)
    data = {
        "topic": topic.pk, "text": "Ai phụ trách đài xã?", "points": "1", "difficulty": "easy", "tags": "đài xã",
        "explanation": "", "choices-TOTAL_FORMS": "2", "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0", "choices-MAX_NUM_FORMS": "1000",
        "choices-0-text": "UBND xã", "choices-0-is_correct": "on", "choices-0-ORDER": "1", "choices-0-id": "",
        "choices-1-text": "Trường học", "choices-1-ORDER": "2", "choices-1-id": "",
    }
    response = client.post(reverse("wagtailsnippets_assessments_singlechoicequestion:add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question = SingleChoiceQuestion.objects.get()
    assert [(c.text, c.is_correct) for c in question.choices.order_by("sort_order")] == [
        ("UBND xã", True), ("Trường học", False)]

"""A learner answers imported matching, numerical and weighted questions through the pages (autosave form,
submit) and sees per-answer feedback on the result page when the quiz lets them review."""

import re
from decimal import Decimal

from django.urls import reverse

from assessments import importing, selectors, services
from assessments.models import Attempt, AttemptState, Question

from .builders import make_quiz

GIFT = """::Ghép::Ghép tỉnh với mã. {=Bắc Giang -> 24 =Bắc Ninh -> 27 = -> 99}

::Số::Một bản tin dài mấy phút? {#=3:1#Vừa đủ. =%50%6:1#Hơi dài.}

::Nhiều::Chọn thể loại báo chí. {~%50%Tin#Đúng một nửa ~%50%Phóng sự ~%-100%Quảng cáo#Không phải}

::Mô tả::[markdown]Phần **hai** của bài.
"""


def test_learner_answers_new_types_and_sees_feedback(client, learner):
    services.import_bank(importing.parse_gift(GIFT.encode(), "Luồng"))
    questions = {q.title: q for q in Question.objects.all()}
    quiz = make_quiz([questions[t] for t in ("Ghép", "Số", "Nhiều", "Mô tả")])
    client.force_login(learner)
    client.post(reverse("assessments:begin", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=learner)
    page = client.get(reverse("assessments:attempt", args=[attempt.pk])).content.decode()
    assert 'inputmode="decimal"' in page and "<strong>hai</strong>" in page and "Bắc Giang" in page
    assert "<p>Ghép tỉnh với mã.</p>" in page and "&lt;p&gt;" not in page  # Moodle-format text, as paragraphs
    items = {item.question.title: item for item in selectors.attempt_items(attempt)}
    match = items["Ghép"]
    stems = {stem.text: stem for stem, _chosen in match.match_rows}
    assert match.match_options == ["24", "27", "99"]
    # Answers are named by their text: no option's value names the row of the stem it answers.
    for stem in stems.values():
        values = set(re.findall(rf'value="{stem.pk}:([^"]*)"', page))
        assert values == {"", "24", "27", "99"}
    multiple = {c.text: c.pk for c in items["Nhiều"].choices}
    data = {"question": [str(i.question.pk) for i in items.values()],
            f"q{match.question.pk}": [f"{stems['Bắc Giang'].pk}:24", f"{stems['Bắc Ninh'].pk}:99"],
            f"q{items['Số'].question.pk}": ["6,5"],
            f"q{items['Nhiều'].question.pk}": [multiple["Tin"], multiple["Quảng cáo"]]}
    assert client.post(reverse("assessments:save", args=[attempt.pk]), data).status_code in (200, 302)
    page = client.get(reverse("assessments:attempt", args=[attempt.pk])).content.decode()
    assert f'value="{stems["Bắc Giang"].pk}:24" selected' in page  # the saved choice comes back
    client.post(reverse("assessments:submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    # matching 1/2 of 1 point, numerical 50 % of 1, multiple 50 - 100 → 0; the description counts for nothing
    assert attempt.state == AttemptState.GRADED
    assert (attempt.score, attempt.max_score) == (Decimal("1.00"), Decimal("3.00"))
    result = client.get(reverse("assessments:result", args=[attempt.pk])).content.decode()
    assert "Hơi dài." in result and "Đúng một nửa" in result and "Không phải" in result
    assert "Vừa đủ." not in result  # feedback of answers not given stays hidden


def test_refused_number_is_explained(client, learner):
    services.import_bank(importing.parse_gift("Mấy phút? {#3}".encode(), "Luồng"))
    quiz = make_quiz(list(Question.objects.all()))
    client.force_login(learner)
    client.post(reverse("assessments:begin", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=learner)
    question = Question.objects.get()
    response = client.post(reverse("assessments:save", args=[attempt.pk]),
                           {"question": question.pk, f"q{question.pk}": "ba phút"})
    assert response.status_code == 400 and "Hãy nhập một số" in response.content.decode()


def test_trainer_authors_matching_and_numerical_questions(client, trainer):
    from assessments.models import QUESTION_TYPES, MatchingQuestion, NumericalQuestion

    from .builders import make_topic

    client.force_login(trainer)
    for model in QUESTION_TYPES:
        url = reverse(f"wagtailsnippets_assessments_{model._meta.model_name}:add")
        assert client.get(url).status_code == 200, model.__name__
    topic = make_topic()
    common = {"topic": topic.pk, "points": "1", "difficulty": "easy", "tags": "", "explanation": "",
              "choices-INITIAL_FORMS": "0", "choices-MIN_NUM_FORMS": "0", "choices-MAX_NUM_FORMS": "1000"}
    matching = {**common, "text": "Ghép tỉnh với mã", "choices-TOTAL_FORMS": "2",
                "choices-0-text": "Bắc Giang", "choices-0-match_text": "24", "choices-0-ORDER": "1",
                "choices-0-id": "", "choices-1-text": "Bắc Ninh", "choices-1-match_text": "27",
                "choices-1-ORDER": "2", "choices-1-id": ""}
    response = client.post(reverse("wagtailsnippets_assessments_matchingquestion:add"), matching)
    assert response.status_code == 302, response.content.decode()[:500]
    assert [(c.text, c.match_text) for c in MatchingQuestion.objects.get().choices.order_by("sort_order")] == [
        ("Bắc Giang", "24"), ("Bắc Ninh", "27")]
    numerical = {**common, "text": "Bao nhiêu phút?", "choices-TOTAL_FORMS": "1", "choices-0-text": "3",
                 "choices-0-tolerance": "0.5", "choices-0-weight": "100", "choices-0-feedback": "",
                 "choices-0-ORDER": "1", "choices-0-id": ""}
    response = client.post(reverse("wagtailsnippets_assessments_numericalquestion:add"), numerical)
    assert response.status_code == 302, response.content.decode()[:500]
    question = NumericalQuestion.objects.get()
    assert question.score_fraction({"text": "3,4"}, list(question.choices.all())) == 1

"""Matching, numerical and weighted short-answer questions offline: the downloaded quiz holds what the learner
needs to answer and none of the answers; a synced attempt grades as online."""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import importing, services
from assessments.models import Question
from assessments.offline import OfflineSubmission, issue_draw, submit_offline_attempt

from .builders import make_quiz

GIFT = """::Ghép::Ghép tỉnh với mã. {=Bắc Giang -> 24 =Bắc Ninh -> 27 = -> 99}

::Số::Một bản tin dài mấy phút? {#=3:1#Vừa đủ. =%50%6:1#Hơi dài.}

::Ngắn::Con gì kêu ộp ộp? {=Ếch =%50%Cóc#Gần đúng}
"""


@pytest.mark.django_db
def test_the_phone_gets_no_answer_and_the_sync_grades_as_online(learner):
    services.import_bank(importing.parse_gift(GIFT.encode(), "Ngoại tuyến"))
    questions = {q.title: q for q in Question.objects.all()}
    quiz = make_quiz([questions[t] for t in ("Ghép", "Số", "Ngắn")], allow_offline=True, shuffle_choices=True)
    data = issue_draw(learner, quiz)
    package = json.dumps(data, ensure_ascii=False)
    by_title = {q["id"]: q for q in data["questions"]}
    number, short = by_title[questions["Số"].pk], by_title[questions["Ngắn"].pk]
    assert number["choices"] == [] and short["choices"] == []  # the rows are the answers
    assert "Ếch" not in package and "Cóc" not in package and "Vừa đủ" not in package
    matching = by_title[questions["Ghép"].pk]
    assert sorted(stem["text"] for stem in matching["choices"]) == ["Bắc Giang", "Bắc Ninh"]
    assert matching["options"] == ["24", "27", "99"]
    stems = {stem["text"]: stem["id"] for stem in matching["choices"]}
    now = timezone.now()
    answers = {questions["Ghép"].pk: [f"{stems['Bắc Giang']}:24", f"{stems['Bắc Ninh']}:99"],
               questions["Số"].pk: ["3,5"], questions["Ngắn"].pk: ["cóc"]}
    attempt, _replayed = submit_offline_attempt(learner, OfflineSubmission(
        uuid.uuid4(), data["draw"], now - timedelta(minutes=5), now - timedelta(minutes=1), answers))
    attempt.refresh_from_db()
    assert attempt.score == pytest.approx(0.5 + 1 + 0.5)  # matching 1 of 2 stems, 3,5 within 3 ± 1, Cóc 50 %

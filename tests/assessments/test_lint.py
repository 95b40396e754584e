"""Authoring lint: each cue is caught, the shipped bank has none, and the admin warns on save."""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments.lint import lint_quiz, question_warnings, quiz_warnings
from courses.curriculum import CURRICULUM_FILE

from .builders import _with_choices, make_quiz, make_topic

GOOD = [("Ủy ban nhân dân xã", True), ("Hội đồng nhân dân xã", False), ("Ban Chỉ huy quân sự", False),
        ("Mặt trận Tổ quốc xã", False)]


def codes(choices):
    return {w.code for w in question_warnings(choices)}


def test_balanced_question_has_no_warning():
    assert codes(GOOD) == set()


@pytest.mark.parametrize(("choices", "code"), [
    (GOOD[:3], "few_choices"),
    ([("Cả ba ý trên", False), *GOOD[:3]], None),
    ([*GOOD[:3], ("Tất cả các ý trên", False)], "all_of_the_above"),
    ([*GOOD[:3], ("All of the above", False)], "all_of_the_above"),
    ([("Ủy ban nhân dân xã, theo quy định hiện hành", True), *GOOD[1:]], "longest_correct"),
    ([GOOD[0], ("Luôn luôn là Hội đồng nhân dân", False), *GOOD[2:]], "absolute_distractors"),
    ([GOOD[0], ("Chỉ Hội đồng nhân dân xã", False), *GOOD[2:]], "absolute_distractors"),
])
def test_each_cue_is_caught(choices, code):
    found = codes(choices)
    assert (code in found) if code else found == set()


def test_chi_in_ordinary_words_and_an_absolute_key_are_not_cues():
    assert codes([("Chỉ số thu nhập", True), ("Chỉ tiêu giảm nghèo", False), ("Địa chỉ của hộ", False),
                  ("Chỉ đạo của xã", False)]) == set()
    # An absolute word also in the key gives nothing away.
    assert "absolute_distractors" not in codes([("Luôn hỏi lại nguồn", True), ("Mọi tin đều phát", False),
                                                ("Phát tin ngay", False), ("Chờ cuối tuần", False)])


def test_same_key_position_across_a_quiz():
    at = lambda pos: [(t, i == pos) for i, (t, _ok) in enumerate(GOOD)]  # noqa: E731
    assert [w.code for w in quiz_warnings([at(0), at(0), at(0), at(1)])] == ["same_position"]
    assert quiz_warnings([at(0), at(1), at(2), at(3), at(0)]) == []


def test_the_shipped_bank_has_no_warning():
    data = json.loads(CURRICULUM_FILE.read_text(encoding="utf-8"))
    found = []
    for module in (m for p in data["programs"] for m in p["modules"]):
        quiz = [[(text, i == item["correct"]) for i, text in enumerate(item["choices"])] for item in module["quiz"]]
        for number, choices in enumerate(quiz, start=1):
            found += [(module["code"], number, w.code) for w in question_warnings(choices)]
        found += [(module["code"], 0, w.code) for w in quiz_warnings(quiz)]
    assert found == []


@pytest.mark.django_db
def test_saving_a_guessable_question_in_the_admin_warns_but_saves(client, trainer):
    from assessments.models import SingleChoiceQuestion

    client.force_login(trainer)
    data = {
        "topic": make_topic().pk, "text": "Ai quản lý đài xã?", "points": "1", "difficulty": "easy", "tags": "",
        "explanation": "", "choices-TOTAL_FORMS": "3", "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0", "choices-MAX_NUM_FORMS": "1000",
        "choices-0-text": "Ủy ban nhân dân xã theo quy định hiện hành", "choices-0-is_correct": "on",
        "choices-0-ORDER": "1", "choices-0-id": "",
        "choices-1-text": "Trường học", "choices-1-ORDER": "2", "choices-1-id": "",
        "choices-2-text": "Tất cả các ý trên", "choices-2-ORDER": "3", "choices-2-id": "",
    }
    response = client.post(reverse("wagtailsnippets_assessments_singlechoicequestion:add"), data)
    assert response.status_code == 302
    assert SingleChoiceQuestion.objects.count() == 1
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("ít nhất 4" in t for t in texts)
    assert any("tất cả các ý trên" in t for t in texts)
    assert any("dài nhất" in t for t in texts)


@pytest.mark.django_db
def test_quiz_admin_page_shows_the_summary(client, trainer):
    topic = make_topic()
    from assessments.models import SingleChoiceQuestion

    questions = [_with_choices(SingleChoiceQuestion(topic=topic, text=f"Câu {n}?"), GOOD) for n in range(4)]
    quiz = make_quiz(questions)
    client.force_login(trainer)
    page = client.get(reverse("wagtailsnippets_assessments_quiz:edit", args=[quiz.pk])).content.decode()
    assert "Kiểm tra cách ra đề" in page and "vị trí A trong 4/4 câu" in page
    assert lint_quiz(quiz).by_code() == {"same_position": 1}

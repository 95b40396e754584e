"""Essay and file answers go to trainers in scope; the last mark grades the attempt."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from assessments import selectors, services
from assessments.exceptions import InvalidMark, OutOfScope
from assessments.models import Answer, AttemptState

from ..conftest import make_staff
from .builders import make_essay, make_file_question, make_quiz, make_single


@pytest.fixture
def submitted(learner):
    """An attempt with a right single choice (1), an essay (5) and a radio clip (10), awaiting marking."""
    single, essay, clip = make_single(), make_essay(), make_file_question()
    quiz = make_quiz([single, essay, clip], pass_mark=50)
    attempt = services.start_attempt(learner, quiz)
    right = single.choices.get(is_correct=True)
    upload = SimpleUploadedFile("ban-tin.mp3", b"ID3 audio", content_type="audio/mpeg")
    services.save_answers(attempt, [
        services.PostedAnswer(single.pk, [str(right.pk)]),
        services.PostedAnswer(essay.pk, ["Kế hoạch tuyên truyền"]),
        services.PostedAnswer(clip.pk, [], upload),
    ])
    services.submit_attempt(attempt)
    attempt.refresh_from_db()
    return attempt


@pytest.fixture
def other_trainer(other_district):
    return make_staff("other-trainer", Role.TRAINER, other_district)


def _manual_answers(attempt):
    return list(Answer.objects.filter(attempt_question__attempt=attempt, score__isnull=True)
                .order_by("attempt_question__position"))


def test_queue_scope(submitted, trainer, other_trainer, province_manager):
    assert submitted.state == AttemptState.AWAITING_MARKING
    assert len(selectors.marking_queue(trainer)) == 2
    assert len(selectors.marking_queue(province_manager)) == 2
    assert list(selectors.marking_queue(other_trainer)) == []


def test_marking_completes_the_grade(submitted, trainer, graded_events, django_capture_on_commit_callbacks):
    essay, clip = _manual_answers(submitted)
    assert clip.file.name.endswith(".mp3")
    services.mark_answer(trainer, essay.pk, Decimal("4"), "Tốt")
    submitted.refresh_from_db()
    assert submitted.state == AttemptState.AWAITING_MARKING
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_answer(trainer, clip.pk, Decimal("2"))
    submitted.refresh_from_db()
    # 1 + 4 + 2 = 7 of 16 points: under the 50% pass mark.
    assert (submitted.state, submitted.score, submitted.passed) == (AttemptState.GRADED, Decimal(7), False)
    assert graded_events == [submitted.pk]
    with pytest.raises(InvalidMark):
        services.mark_answer(trainer, essay.pk, Decimal("5"))


def test_marks_are_bounded(submitted, trainer):
    essay, _clip = _manual_answers(submitted)
    with pytest.raises(InvalidMark):
        services.mark_answer(trainer, essay.pk, Decimal("6"))
    assert Answer.objects.get(pk=essay.pk).score is None


def test_outsider_cannot_mark(client, submitted, other_trainer):
    essay, _clip = _manual_answers(submitted)
    with pytest.raises(OutOfScope):
        services.mark_answer(other_trainer, essay.pk, Decimal("1"))
    client.force_login(other_trainer)
    assert client.get(reverse("assessments_admin:mark", args=[essay.pk])).status_code == 403
    assert client.post(reverse("assessments_admin:mark", args=[essay.pk]), {"points": "1"}).status_code == 403
    page = client.get(reverse("assessments_admin:marking")).content.decode()
    assert submitted.user.full_name not in page
    assert Answer.objects.get(pk=essay.pk).score is None


def test_learner_cannot_open_the_queue(client, learner):
    client.force_login(learner)
    assert client.get(reverse("assessments_admin:marking")).status_code in (302, 403)


def test_mark_through_the_admin(client, submitted, trainer):
    essay, _clip = _manual_answers(submitted)
    client.force_login(trainer)
    queue = client.get(reverse("assessments_admin:marking"))
    assert queue.status_code == 200 and submitted.user.full_name in queue.content.decode()
    url = reverse("assessments_admin:mark", args=[essay.pk])
    assert "Kế hoạch tuyên truyền" in client.get(url).content.decode()
    assert client.post(url, {"points": "9", "feedback": ""}).status_code == 400
    assert client.post(url, {"points": "4.5", "feedback": "Khá"}).status_code == 302
    assert Answer.objects.get(pk=essay.pk).score == Decimal("4.5")


def test_file_answer_refuses_wrong_kind(learner):
    clip = make_file_question()
    clip.accept_image = clip.accept_pdf = False
    clip.save()
    attempt = services.start_attempt(learner, make_quiz([clip]))
    from assessments.exceptions import InvalidResponse
    with pytest.raises(InvalidResponse):
        services.save_answers(attempt, [services.PostedAnswer(
            clip.pk, [], SimpleUploadedFile("x.exe", b"MZ"))])
    assert not Answer.objects.exists()

"""Offline attempts (assessments/offline.py): the server re-checks every rule at sync, and a replay changes
nothing. Each test asserts what is stored (or that nothing is)."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments import offline, services
from assessments.models import Answer, Attempt, AttemptState, OfflineAttempt
from assessments.offline import OfflineRefused, OfflineSubmission, issue_draw, submit_offline_attempt
from tests.conftest import run_together

from .builders import correct_choice_ids, make_quiz, make_single, make_true_false

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(db):
    return make_quiz([make_single(text="Câu một"), make_true_false()], allow_offline=True, pass_mark=50)


def right_answers(quiz_data) -> dict[int, list[str]]:
    from assessments.models import Question

    answers = {}
    for question in quiz_data["questions"]:
        specific = Question.objects.get(pk=question["id"])
        if question["widget"] == "single":
            answers[question["id"]] = [str(correct_choice_ids(specific)[0])]
        else:
            answers[question["id"]] = ["true" if specific.correct_answer else "false"]
    return answers


def ms(moment) -> int:
    return int(moment.timestamp() * 1000)


def submission(quiz_data, answers=None, client_id=None, started=None, finished=None, draw=None):
    now = timezone.now()
    return OfflineSubmission(client_id or uuid.uuid4(), draw or quiz_data["draw"],
                             started or now - timedelta(minutes=5), finished or now - timedelta(minutes=1),
                             right_answers(quiz_data) if answers is None else answers)


def at(quiz_data, **delta):
    """A moment after the download (the draw's time) by `delta`."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(quiz_data["downloaded_at"] / 1000, tz=UTC) + timedelta(**delta)


def refused(learner, sub, now=None, match=""):
    before = (Attempt.objects.count(), Answer.objects.count(), OfflineAttempt.objects.count())
    with pytest.raises(Exception) as info:
        submit_offline_attempt(learner, sub, now=now)
    assert (Attempt.objects.count(), Answer.objects.count(), OfflineAttempt.objects.count()) == before
    assert match in str(info.value)
    return info.value


def test_an_offline_attempt_is_graded_with_the_drawn_questions(learner, quiz):
    download = timezone.now() - timedelta(hours=2)
    data = issue_draw(learner, quiz, now=download)
    assert all("is_correct" not in choice for q in data["questions"] for choice in q["choices"])
    started, finished = download + timedelta(minutes=30), download + timedelta(minutes=40)
    attempt, replayed = submit_offline_attempt(learner, submission(data, started=started, finished=finished))
    assert not replayed
    assert attempt.state == AttemptState.GRADED and attempt.percent == 100 and attempt.passed
    assert attempt.started_at == started and attempt.submitted_at == finished and attempt.number == 1
    assert attempt.questions.count() == 2 and Answer.objects.filter(attempt_question__attempt=attempt).count() == 2
    row = OfflineAttempt.objects.get(attempt=attempt)
    assert row.user == learner and abs(row.downloaded_at - download) < timedelta(seconds=1)


def test_a_replayed_sync_changes_nothing(learner, quiz):
    data = issue_draw(learner, quiz)
    sub = submission(data)
    first, _ = submit_offline_attempt(learner, sub)
    again, replayed = submit_offline_attempt(learner, sub)
    assert replayed and again.pk == first.pk
    assert Attempt.objects.count() == 1 and OfflineAttempt.objects.count() == 1 and Answer.objects.count() == 2


def test_one_draw_gives_one_attempt(learner, quiz):
    data = issue_draw(learner, quiz)
    submit_offline_attempt(learner, submission(data))
    refused(learner, submission(data), match="đã được nộp")


def test_a_tampered_draw_is_refused(learner, quiz):
    data = issue_draw(learner, quiz)
    payload = signing.loads(data["draw"], salt=offline.SIGNING_SALT)
    payload["qs"].append([make_single(text="Câu thêm").pk, []])
    forged = signing.dumps(payload, salt="another-salt", compress=True)
    refused(learner, submission(data, draw=forged), match="đề bài đã bị sửa")
    refused(learner, submission(data, draw=data["draw"][:-3] + "abc"), match="đề bài đã bị sửa")


def test_another_learners_draw_is_refused(learner, outsider_learner, quiz):
    data = issue_draw(outsider_learner, quiz)
    refused(learner, submission(data, answers={}), match="đề bài đã bị sửa")


def test_an_answer_to_a_question_not_drawn_is_refused(learner, quiz):
    data = issue_draw(learner, quiz)
    answers = right_answers(data)
    answers[make_single(text="Không có trong đề").pk] = ["1"]
    refused(learner, submission(data, answers=answers), match="không thuộc đề")


def test_a_choice_of_another_question_is_refused(learner, quiz):
    data = issue_draw(learner, quiz)
    single = next(q for q in data["questions"] if q["widget"] == "single")
    other = make_single(text="Câu khác")
    answers = {single["id"]: [str(other.choices.first().pk)]}
    refused(learner, submission(data, answers=answers))


def test_the_attempt_limit_is_checked_at_download_and_at_sync(learner, quiz):
    quiz.attempts_allowed = 1
    quiz.save()
    data = issue_draw(learner, quiz)
    services.submit_attempt(services.start_attempt(learner, quiz))  # the one attempt, taken online meanwhile
    refused(learner, submission(data), match="hết 1 lần")
    with pytest.raises(OfflineRefused):
        issue_draw(learner, quiz)


def test_a_quiz_no_longer_offline_is_refused_at_sync(learner, quiz):
    data = issue_draw(learner, quiz)
    quiz.allow_offline = False
    quiz.save()
    refused(learner, submission(data), match="không cho làm ngoại tuyến")


def test_a_quiz_never_offline_gives_no_draw(learner):
    with pytest.raises(OfflineRefused):
        issue_draw(learner, make_quiz([make_single()]))


def test_the_time_limit_runs_from_the_reported_start(learner, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    data = issue_draw(learner, quiz, now=timezone.now() - timedelta(hours=1))
    late = submission(data, started=at(data, minutes=5), finished=at(data, minutes=16))
    refused(learner, late, match="vượt quá thời gian")
    in_time, _ = submit_offline_attempt(learner, submission(data, started=at(data, minutes=5),
                                                            finished=at(data, minutes=14)))
    assert in_time.started_at == at(data, minutes=5)


def test_a_start_before_the_download_counts_from_the_download(learner, quiz):
    """A phone cannot claim to have started before it had the questions: its start is moved to the
    download, so a long attempt is measured from there."""
    quiz.time_limit_minutes = 10
    quiz.save()
    data = issue_draw(learner, quiz, now=timezone.now() - timedelta(hours=1))
    early = submission(data, started=at(data, hours=-3), finished=at(data, minutes=15))
    refused(learner, early, match="vượt quá thời gian")
    attempt, _ = submit_offline_attempt(learner, submission(data, started=at(data, hours=-3),
                                                            finished=at(data, minutes=8)))
    assert attempt.started_at == at(data)


def test_a_finish_after_the_sync_time_is_refused(learner, quiz):
    data = issue_draw(learner, quiz)
    future = submission(data, finished=timezone.now() + timedelta(hours=2))
    refused(learner, future, match="Giờ trên máy")


def test_the_quiz_window_is_checked_at_the_reported_start(learner, quiz):
    data = issue_draw(learner, quiz, now=timezone.now() - timedelta(hours=3))
    quiz.available_until = timezone.now() - timedelta(hours=2)
    quiz.save()
    refused(learner, submission(data, started=at(data, hours=2)), match="đã đóng")


class OldSigner(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int((timezone.now() - offline.OFFLINE_DRAW_MAX_AGE).timestamp()) - 60)


def test_an_expired_draw_is_refused(learner, quiz):
    data = issue_draw(learner, quiz)
    payload = signing.loads(data["draw"], salt=offline.SIGNING_SALT)
    old = OldSigner(salt=offline.SIGNING_SALT).sign_object(payload, compress=True)
    refused(learner, submission(data, draw=old), match="quá hạn")


def test_unanswered_questions_score_zero(learner, quiz):
    data = issue_draw(learner, quiz)
    attempt, _ = submit_offline_attempt(learner, submission(data, answers={}))
    assert attempt.state == AttemptState.GRADED and attempt.score == 0 and not attempt.passed


# The endpoint ------------------------------------------------------------------------------

URL = "/quizzes/offline/attempts/"


def post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def body_of(data, **overrides):
    now = timezone.now()
    body = {"client_id": str(uuid.uuid4()), "draw": data["draw"], "started_at": ms(now - timedelta(minutes=5)),
            "finished_at": ms(now - timedelta(minutes=1)),
            "answers": {str(k): v for k, v in right_answers(data).items()}}
    return {**body, **overrides}


def test_the_endpoint_answers_with_the_score_and_again_for_a_replay(client, learner, quiz):
    assert reverse("assessments:offline_attempt") == URL
    client.force_login(learner)
    body = body_of(issue_draw(learner, quiz))
    first = post(client, body)
    assert first.status_code == 200 and first.json()["percent"] == "100.00" and first.json()["passed"] is True
    assert "Đạt" in first.json()["message"] and not first.json()["replayed"]
    again = post(client, body)
    assert again.status_code == 200 and again.json()["replayed"] and again.json()["attempt"] == first.json()["attempt"]
    assert Attempt.objects.count() == 1


def test_the_endpoint_refuses_with_a_message_the_learner_sees(client, learner, quiz):
    client.force_login(learner)
    data = issue_draw(learner, quiz)
    response = post(client, body_of(data, answers={str(make_single(text="Ngoài đề").pk): ["1"]}))
    assert response.status_code == 403 and "không thuộc đề" in response.json()["error"]
    assert not Attempt.objects.exists()


def test_the_endpoint_refuses_a_malformed_body(client, learner, quiz):
    client.force_login(learner)
    data = issue_draw(learner, quiz)
    for body in ({"draw": data["draw"]}, body_of(data, client_id="nope"), body_of(data, started_at="hôm qua"),
                 body_of(data, answers={"1": [3]}), body_of(data, answers=[])):
        assert post(client, body).status_code == 400
    assert client.post(URL, b"[1", content_type="application/json").status_code == 400
    assert not Attempt.objects.exists()


def test_the_endpoint_needs_a_login_and_csrf(client, learner, quiz):
    body = body_of(issue_draw(learner, quiz))
    assert post(client, body).status_code == 302
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert strict.post(URL, json.dumps(body), content_type="application/json").status_code == 403
    assert not Attempt.objects.exists()


def test_the_offline_quiz_page_renders(client, learner):
    client.force_login(learner)
    response = client.get(reverse("assessments:offline_quiz"))
    assert response.status_code == 200 and b'id="offline-quiz"' in response.content


@pytest.mark.django_db(transaction=True)
def test_parallel_replays_store_one_attempt(learner):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")
    quiz = make_quiz([make_single(), make_true_false()], allow_offline=True)
    sub = submission(issue_draw(learner, quiz))
    results, errors = run_together(lambda: submit_offline_attempt(learner, sub))
    assert errors == []
    assert len({attempt.pk for attempt, _replayed in results}) == 1
    assert sorted(replayed for _attempt, replayed in results) == [False, True, True, True]
    assert Attempt.objects.count() == 1 and OfflineAttempt.objects.count() == 1

"""Time is credited by the clock, not by the client; `completed` only when the lesson's rule is met;
impossible values are refused whole (issue #14, items 10 and 12)."""

import json
import re
import uuid
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model

from courses import services
from courses.exceptions import CompletionRuleNotMet, InvalidProgress
from courses.models import CompletionRule, LessonProgress, ProgressEvent, ProgressStatus

from ..e2e.media import wav_bytes
from .builders import make_course, make_lesson


@pytest.fixture
def course(home_page):
    return make_course(home_page)


@pytest.fixture
def enrolled(client, learner, course):
    services.enrol(learner, course[0])
    client.force_login(learner)
    return course


def post(client, lesson, **fields):
    payload = {"event_id": str(uuid.uuid4()), "lesson": lesson.pk, **fields}
    return client.post(reverse("courses:progress_event"), payload, content_type="application/json")


def post_raw(client, body: str):
    return client.post(reverse("courses:progress_event"), body, content_type="application/json")


def audio_lesson(module, length="0:40"):
    document = get_document_model().objects.create(title="Bản tin", file=ContentFile(wav_bytes(1), name="bt.wav"))
    return make_lesson(module, "nghe", completion_rule=CompletionRule.MEDIA_END, body=[
        {"type": "audio", "value": {"title": "Bản tin", "file": document.pk, "duration": length, "transcript": ""}}])


def opened(learner, lesson, seconds_ago: int) -> LessonProgress:
    row = services.mark_started(learner, lesson)
    earlier = row.updated_at - timedelta(seconds=seconds_ago)
    LessonProgress.objects.filter(pk=row.pk).update(updated_at=earlier, clock_started_at=earlier)
    row.refresh_from_db()
    return row


@pytest.mark.django_db
def test_two_reports_a_second_apart_claiming_an_hour_each_credit_about_two_seconds(client, learner, enrolled):
    lesson = enrolled[3][0]
    client.get(lesson.url)  # opening the lesson starts the clock
    for _ in range(2):
        assert post(client, lesson, seconds=3600).status_code == 200
    assert LessonProgress.objects.get(user=learner, lesson=lesson).seconds_spent <= 2


@pytest.mark.django_db
def test_credit_is_the_time_since_the_previous_report(learner, enrolled):
    lesson = enrolled[3][0]
    row = opened(learner, lesson, seconds_ago=0)
    start = row.updated_at
    services.record_progress(learner, lesson, event_id=uuid.uuid4(), seconds=3600, now=start + timedelta(seconds=1))
    services.record_progress(learner, lesson, event_id=uuid.uuid4(), seconds=3600, now=start + timedelta(seconds=2))
    assert LessonProgress.objects.get(pk=row.pk).seconds_spent == 2
    # After a long pause the claim itself is the limit, and an hour per report at most.
    services.record_progress(learner, lesson, event_id=uuid.uuid4(), seconds=25, now=start + timedelta(seconds=600))
    services.record_progress(learner, lesson, event_id=uuid.uuid4(), seconds=86400, now=start + timedelta(days=1))
    assert LessonProgress.objects.get(pk=row.pk).seconds_spent == 2 + 25 + 3600


def page_opening(page_html: str) -> str:
    settings = re.search(r'<script id="lesson-progress" type="application/json">(.*?)</script>', page_html)[1]
    return json.loads(settings)["opened"]


@pytest.mark.django_db
def test_a_reopened_page_credits_its_reports_from_its_own_opening(client, learner, enrolled):
    """Opening a lesson again writes nothing: the page carries its opening, signed, and its reports send it
    back. Back after two hours, the first report cannot claim the two hours away."""
    lesson = enrolled[3][0]
    opened(learner, lesson, seconds_ago=7200)  # last seen two hours ago
    opening = page_opening(client.get(lesson.url).content.decode())
    assert post(client, lesson, seconds=3600, opened=opening).status_code == 200
    assert LessonProgress.objects.get(user=learner, lesson=lesson).seconds_spent <= 1


@pytest.mark.django_db
def test_a_report_without_its_pages_opening_is_credited_as_if_the_page_was_never_reopened(client, learner,
                                                                                          enrolled, commune):
    """A forged opening (another learner's, another lesson's, altered) counts as none: the report is credited
    from the previous report, at most the claim and an hour, as a report sent without opening the page."""
    from tests.conftest import make_learner

    lesson, other_lesson = enrolled[3][0], enrolled[3][1]
    neighbour = make_learner(commune, phone="0987000002", full_name="Học Viên Hai")
    mine = services.opening_token(learner, lesson)
    forged = [services.opening_token(neighbour, lesson), services.opening_token(learner, other_lesson),
              mine[:-1] + ("A" if mine[-1] != "A" else "B"), mine.replace(f".{lesson.pk}.", f".{other_lesson.pk}."),
              "", "x" * 300]
    for token in forged:
        assert services.opened_at_of(token, learner, lesson) is None
    assert services.opened_at_of(mine, learner, lesson) is not None
    opened(learner, lesson, seconds_ago=7200)
    client.get(lesson.url)
    assert post(client, lesson, seconds=25, opened=forged[0]).status_code == 200
    assert LessonProgress.objects.get(user=learner, lesson=lesson).seconds_spent == 25
    assert post(client, lesson, seconds=3600, opened=12).status_code == 400  # not a string: refused whole


@pytest.mark.django_db
def test_a_report_that_creates_the_row_credits_nothing(learner, enrolled):
    lesson = enrolled[3][0]
    row = services.record_progress(learner, lesson, event_id=uuid.uuid4(), seconds=3600)
    assert row.seconds_spent == 0


@pytest.mark.django_db
def test_completed_refused_before_the_audio_ends(client, learner, enrolled):
    lesson = audio_lesson(enrolled[1])
    opened(learner, lesson, seconds_ago=120)
    response = post(client, lesson, seconds=30, position=5.0, completed=True)  # jumped to "done" early
    assert response.status_code == 409 and "nghe/xem hết" in response.json()["error"]
    row = LessonProgress.objects.get(user=learner, lesson=lesson)
    assert (row.status, row.completed_at, row.seconds_spent, row.position) == (ProgressStatus.IN_PROGRESS, None, 0, 0)
    assert not ProgressEvent.objects.exists()  # the refused report left nothing, not even its id


@pytest.mark.django_db
def test_completed_refused_at_the_end_without_the_time_to_listen(client, learner, enrolled):
    lesson = audio_lesson(enrolled[1])
    opened(learner, lesson, seconds_ago=3)  # seeked to the end three seconds after opening
    assert post(client, lesson, seconds=40, position=40.0, completed=True).status_code == 409
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at is None


@pytest.mark.django_db
def test_completed_accepted_when_the_audio_was_heard_to_the_end(client, learner, enrolled):
    lesson = audio_lesson(enrolled[1])
    opened(learner, lesson, seconds_ago=45)
    response = post(client, lesson, seconds=40, position=39.6, completed=True)
    assert response.status_code == 200 and response.json()["completed"] is True
    # A manual lesson completes when the learner says so (the tap).
    assert post(client, enrolled[3][0], completed=True).json()["completed"] is True


@pytest.mark.django_db
def test_the_done_form_cannot_complete_a_media_lesson(learner, enrolled):
    lesson = audio_lesson(enrolled[1])
    with pytest.raises(CompletionRuleNotMet):
        services.complete_lesson(learner, lesson)
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", [
    '{"event_id": "%s", "lesson": %d, "seconds": 1e400}',
    '{"event_id": "%s", "lesson": %d, "seconds": Infinity}',
    '{"event_id": "%s", "lesson": %d, "seconds": NaN}',
    '{"event_id": "%s", "lesson": %d, "seconds": -1}',
    '{"event_id": "%s", "lesson": %d, "seconds": 100000000000000000000000000}',
    '{"event_id": "%s", "lesson": %d, "seconds": 1.5}',
    '{"event_id": "%s", "lesson": %d, "seconds": "30"}',
    '{"event_id": "%s", "lesson": %d, "position": Infinity}',
    '{"event_id": "%s", "lesson": %d, "position": -Infinity}',
    '{"event_id": "%s", "lesson": %d, "position": 1e400}',
    '{"event_id": "%s", "lesson": %d, "position": NaN}',
    '{"event_id": "%s", "lesson": %d, "position": -1}',
    '{"event_id": "%s", "lesson": %d, "position": 1e300}',
    '{"event_id": "%s", "lesson": %d, "position": 1' + "0" * 400 + '}',
    '{"event_id": "%s", "lesson": %d, "completed": "false"}',
    '{"event_id": "%s", "lesson": %d, "seconds": true}',
])
def test_impossible_values_are_refused_and_nothing_is_stored(client, learner, enrolled, body):
    lesson = enrolled[3][0]
    before = opened(learner, lesson, seconds_ago=60)
    response = post_raw(client, body % (uuid.uuid4(), lesson.pk))
    assert response.status_code == 400 and response.json()["error"]
    row = LessonProgress.objects.get(pk=before.pk)
    assert (row.seconds_spent, row.position, row.updated_at, row.completed_at) == (0, 0, before.updated_at, None)
    assert not ProgressEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", ['[1, 2]', '"x"', '{"lesson": 1', '{"event_id": "x", "lesson": 1}', "[" * 4000,
                                  f'{{"event_id": "{uuid.uuid4()}", "lesson": 99999999999999999999}}'])
def test_malformed_bodies_are_400(client, enrolled, body):
    assert post_raw(client, body).status_code == 400


@pytest.mark.django_db
def test_the_service_refuses_impossible_values_for_every_caller(learner, enrolled):
    lesson = enrolled[3][0]
    for seconds, position in ((-1, None), (10**9, None), (0, float("inf")), (0, float("nan")), (0, -0.5)):
        with pytest.raises(InvalidProgress):
            services.record_progress(learner, lesson, seconds=seconds, position=position)
    assert not LessonProgress.objects.exists()

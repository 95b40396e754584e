"""Property: whatever a client posts to the progress API, the answer is never a 5xx, a refused report
changes nothing, and an accepted one stores only finite values and credits no more time than elapsed.

Examples per run follow the Hypothesis profile (tests/hypothesis_profiles.py): 200 locally, 1,000 in CI.
"""

import json
import math
import uuid

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from courses import services
from courses.models import LessonProgress, ProgressEvent
from courses.services import MAX_POSITION

from .builders import make_course
from .test_progress_credit import audio_lesson

ANSWERS = {200, 400, 403, 404, 409}

junk = st.one_of(st.none(), st.booleans(), st.text(max_size=4), st.lists(st.integers(), max_size=2),
                 st.dictionaries(st.text(max_size=2), st.integers(), max_size=1))
numbers = st.one_of(st.integers(min_value=-(10**30), max_value=10**30), st.integers(min_value=-5, max_value=4000),
                    st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=0, max_value=100), junk)
event_ids = st.one_of(st.uuids().map(str), st.uuids().map(str), junk)


def payloads(lesson_ids):
    return st.fixed_dictionaries(
        {"event_id": event_ids, "lesson": st.one_of(st.sampled_from(lesson_ids), numbers)},
        optional={"seconds": numbers, "position": numbers, "completed": st.one_of(st.booleans(), junk)})


bodies = st.one_of(st.text(max_size=40), st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
                   st.sampled_from(["", "{}", "null", "[", '{"lesson": Infinity}', "1e400", "[" * 3000]))


@pytest.fixture
def world(client, learner, home_page):
    program, first, _second, lessons, later = make_course(home_page)
    services.enrol(learner, program)
    client.force_login(learner)
    media = audio_lesson(first)
    for lesson in (lessons[0], media):
        services.mark_started(learner, lesson)
    # Open, media (409 before its end), locked (403), missing (404).
    return [lessons[0].pk, media.pk, later[0].pk, 2**31 - 1]


def snapshot():
    rows = {row.pk: (row.status, row.completed_at, row.seconds_spent, row.position, row.updated_at)
            for row in LessonProgress.objects.all()}
    return rows, ProgressEvent.objects.count()


def check_answer(before, response):
    assert response.status_code in ANSWERS, response.content[:200]
    after = snapshot()
    if response.status_code != 200:
        assert after == before  # refused whole: nothing half-written
        return
    answer = json.loads(response.content, parse_constant=lambda name: pytest.fail(f"{name} in the answer"))
    assert math.isfinite(answer["position"]) and 0 <= answer["position"] <= MAX_POSITION
    rows, _events = after
    for pk, (_status, _done, seconds, position, updated_at) in rows.items():
        assert math.isfinite(position) and 0 <= position <= MAX_POSITION
        if pk in before[0]:
            old_seconds, old_updated = before[0][pk][2], before[0][pk][4]
            assert seconds - old_seconds <= max(0, (updated_at - old_updated).total_seconds()) + 0.001


@pytest.mark.django_db
@given(data=st.data())
def test_any_json_payload(client, world, data):
    payload = data.draw(payloads(world))
    before = snapshot()
    body = json.dumps(payload, allow_nan=True)  # NaN and Infinity as JavaScript would write them
    check_answer(before, client.post(reverse("courses:progress_event"), body, content_type="application/json"))


@pytest.mark.django_db
@given(body=bodies)
def test_any_body(client, world, body):
    before = snapshot()
    check_answer(before, client.post(reverse("courses:progress_event"), body, content_type="application/json"))


@pytest.mark.django_db
@given(seconds=st.integers(min_value=0, max_value=86400), position=st.floats(min_value=0, max_value=MAX_POSITION))
def test_valid_reports_are_accepted(client, world, seconds, position):
    payload = {"event_id": str(uuid.uuid4()), "lesson": world[0], "seconds": seconds, "position": position}
    before = snapshot()
    response = client.post(reverse("courses:progress_event"), payload, content_type="application/json")
    assert response.status_code == 200
    check_answer(before, response)

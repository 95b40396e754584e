import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.exceptions import NotEnrolled
from courses.models import LessonProgress, ProgressEvent, ProgressStatus
from tests.conftest import run_together

from .builders import make_course


@pytest.fixture
def course(home_page):
    return make_course(home_page)


def opened_a_minute_ago(learner, lesson):
    """The learner opened the lesson a minute ago: up to 60 s may be credited to the next report."""
    services.mark_started(learner, lesson)
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    LessonProgress.objects.filter(user=learner, lesson=lesson).update(updated_at=a_minute_ago,
                                                                      clock_started_at=a_minute_ago)


def post_event(client, lesson, **fields):
    payload = {"event_id": str(uuid.uuid4()), "lesson": lesson.pk, **fields}
    return client.post(reverse("courses:progress_event"), payload, content_type="application/json")


@pytest.mark.django_db
def test_opening_a_lesson_marks_it_started_only_when_enrolled(client, learner, course):
    program, _m1, _m2, lessons, _ = course
    client.force_login(learner)
    client.get(lessons[0].url)
    assert not LessonProgress.objects.exists()
    services.enrol(learner, program)
    client.get(lessons[0].url)
    client.get(lessons[0].url)
    row = LessonProgress.objects.get()
    assert row.status == ProgressStatus.IN_PROGRESS and row.completed_at is None


@pytest.mark.django_db
def test_progress_event_is_idempotent_by_event_id(client, learner, course):
    program, _m1, _m2, lessons, _ = course
    services.enrol(learner, program)
    opened_a_minute_ago(learner, lessons[0])
    client.force_login(learner)
    event = str(uuid.uuid4())
    for _ in range(3):
        response = post_event(client, lessons[0], event_id=event, seconds=40, position=12.5)
        assert response.status_code == 200
    row = LessonProgress.objects.get()
    assert row.seconds_spent == 40 and row.position == 12.5
    assert ProgressEvent.objects.count() == 1


@pytest.mark.django_db
def test_completed_lesson_never_regresses(client, learner, course):
    program, _m1, _m2, lessons, _ = course
    services.enrol(learner, program)
    client.force_login(learner)
    assert post_event(client, lessons[0], completed=True).json()["completed"] is True
    first = LessonProgress.objects.get().completed_at
    post_event(client, lessons[0], position=3, completed=False)
    services.complete_lesson(learner, lessons[0])
    row = LessonProgress.objects.get()
    assert row.status == ProgressStatus.COMPLETED and row.completed_at == first and row.position == 3


@pytest.mark.django_db
def test_progress_api_refuses_bad_payload_and_unenrolled(client, learner, course):
    _program, _m1, _m2, lessons, _ = course
    client.force_login(learner)
    bad = client.post(reverse("courses:progress_event"), {"lesson": "x"}, content_type="application/json")
    assert bad.status_code == 400
    assert post_event(client, lessons[0]).status_code == 403
    assert not LessonProgress.objects.exists()
    assert client.get(reverse("courses:progress_event")).status_code == 405


@pytest.mark.django_db
def test_progress_api_is_csrf_protected(learner, course):
    program, _m1, _m2, lessons, _ = course
    services.enrol(learner, program)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert post_event(client, lessons[0], completed=True).status_code == 403
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


@pytest.mark.django_db
def test_service_refuses_unenrolled(learner, course):
    with pytest.raises(NotEnrolled):
        services.complete_lesson(learner, course[3][0])


@pytest.mark.django_db(transaction=True)
def test_parallel_duplicate_posts_leave_one_row(learner, home_page):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL")
    program, _m1, _m2, lessons, _ = make_course(home_page)
    services.enrol(learner, program)
    opened_a_minute_ago(learner, lessons[0])
    event = uuid.uuid4()
    _results, errors = run_together(
        lambda: services.record_progress(learner, lessons[0], event_id=event, seconds=30, completed=True), times=6)
    assert errors == []
    row = LessonProgress.objects.get(user=learner, lesson=lessons[0])
    assert row.seconds_spent == 30 and row.status == ProgressStatus.COMPLETED
    assert ProgressEvent.objects.filter(event_id=event).count() == 1


@pytest.mark.django_db
def test_the_page_gives_each_learner_their_own_position_and_token_around_its_kept_parts(client, learner, course,
                                                                                         commune):
    """The progress script's settings and the "done" form are kept once per lesson; each learner's listening
    position and CSRF token are their own."""
    import json
    import re

    from django.middleware.csrf import _unmask_cipher_token

    from tests.conftest import make_learner

    program, _m1, _m2, lessons, _ = course
    neighbour = make_learner(commune, phone="0987000002", full_name="Học Viên Hai")
    for user, position in ((learner, 12.5), (neighbour, 0.0), (learner, 12.5)):
        services.enrol(user, program)
        client.force_login(user)
        client.get(lessons[0].url)
        LessonProgress.objects.filter(user=learner, lesson=lessons[0]).update(position=12.5)
        page = client.get(lessons[0].url).content.decode()
        settings = json.loads(re.search(r'<script id="lesson-progress" type="application/json">(.*?)</script>',
                                        page)[1])
        opened_at = services.opened_at_of(settings.pop("opened"), user, lessons[0])
        assert opened_at is not None and abs((timezone.now() - opened_at).total_seconds()) < 60
        assert settings == {"lesson": lessons[0].pk, "url": reverse("courses:progress_event"),
                            "rule": lessons[0].completion_rule, "position": position}
        form = re.search(r'<form method="post" action="([^"]+)"><input type="hidden" name="csrfmiddlewaretoken" '
                         r'value="([^"]+)"><button type="submit">Đã học xong bài này</button></form>', page)
        assert form[1] == reverse("courses:complete_lesson", args=[lessons[0].pk])
        assert _unmask_cipher_token(form[2]) == client.cookies["csrftoken"].value

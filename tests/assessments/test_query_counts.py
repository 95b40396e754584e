"""Quiz page and submit run the same number of queries for 5 and 30 questions."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services

from .builders import make_essay, make_multiple, make_ordering, make_quiz, make_short, make_single, make_topic
from .helpers import right_answers

BUILDERS = [make_single, make_multiple, make_short, make_ordering]


def _quiz(size):
    topic = make_topic(f"Chủ đề {size}")
    return make_quiz([BUILDERS[i % len(BUILDERS)](topic) for i in range(size)] + [make_essay(topic)])


def _counts(client, learner, quiz):
    attempt = services.start_attempt(learner, quiz)
    client.force_login(learner)
    ContentType.objects.clear_cache()
    client.get(reverse("assessments:attempt", args=[attempt.pk]))  # warm the session and caches
    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("assessments:attempt", args=[attempt.pk])).status_code == 200
    answers = right_answers(attempt)
    with CaptureQueriesContext(connection) as save:
        assert client.post(reverse("assessments:save", args=[attempt.pk]), answers).status_code == 302
    with CaptureQueriesContext(connection) as submit:
        assert client.post(reverse("assessments:submit", args=[attempt.pk])).status_code == 302
    with CaptureQueriesContext(connection) as result:
        assert client.get(reverse("assessments:result", args=[attempt.pk])).status_code == 200
    return len(page), len(save), len(submit), len(result)


@pytest.mark.django_db
def test_fixed_query_counts(client, learner, outsider_learner):
    small = _counts(client, learner, _quiz(5))
    large = _counts(client, outsider_learner, _quiz(30))
    assert small == large
    page, save, submit, result = small
    assert page <= 8 and save <= 10 and submit <= 12 and result <= 9


def test_attempt_page_query_count_asserted(client, learner, django_assert_num_queries):
    for size in (3, 12):
        quiz = _quiz(size)
        attempt = services.start_attempt(learner, quiz)
        client.force_login(learner)
        client.get(reverse("assessments:attempt", args=[attempt.pk]))
        # session with its user (one join), attempt+quiz, question types present, attempt questions (joined),
        # choices, site + organiser settings
        with django_assert_num_queries(7):
            client.get(reverse("assessments:attempt", args=[attempt.pk]))
        services.submit_attempt(attempt)

"""Submit latency and query counts for 50-question quizzes.

Run: .venv/bin/pytest -q -s tests/bench/bench_quiz_submit.py
(add DATABASE_URL=postgres://... to measure on PostgreSQL)
"""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from tests.assessments.builders import make_multiple, make_ordering, make_quiz, make_short, make_single, make_topic
from tests.assessments.helpers import right_answers
from tests.conftest import make_learner

QUESTIONS = 50
RUNS = 10
BUILDERS = [make_single, make_multiple, make_short, make_ordering]


@pytest.mark.django_db
def test_bench_quiz_submit(client, commune):
    topic = make_topic("Bench")
    quiz = make_quiz([BUILDERS[i % len(BUILDERS)](topic) for i in range(QUESTIONS)])
    timings, queries = {"page": [], "save": [], "submit": []}, {}
    for run in range(RUNS):
        learner = make_learner(commune, phone=f"09880{run:05d}", full_name=f"Bench {run}")
        attempt = services.start_attempt(learner, quiz)
        client.force_login(learner)
        answers = right_answers(attempt)
        steps = [
            ("page", lambda a=attempt: client.get(reverse("assessments:attempt", args=[a.pk]))),
            ("save", lambda a=attempt, d=answers: client.post(reverse("assessments:save", args=[a.pk]), d)),
            ("submit", lambda a=attempt: client.post(reverse("assessments:submit", args=[a.pk]))),
        ]
        for name, step in steps:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = step()
                timings[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 302)
            queries[name] = len(captured)
    print(f"\n{QUESTIONS}-question quiz on {connection.vendor}, {RUNS} learners:")
    for name, values in timings.items():
        print(f"  {name:7s} median {statistics.median(values):6.1f} ms  max {max(values):6.1f} ms  "
              f"queries {queries[name]}")

"""Load test: 200 learners reading lessons, saving answers and submitting quizzes, and 5 managers opening reports.

Run against gunicorn + PostgreSQL on 127.0.0.1 (see docs/performance.md for the full recipe):

    .venv/bin/locust -f tests/bench/locust_learning.py --headless -u 205 -r 5 -t 6m \
        --host http://127.0.0.1:8001 --csv test-artifacts/locust/run --only-summary

Think time 10–20 s. Each learner signs in once as lt0000…lt2999 (tests/bench/load_dataset.py made them).
At the end it prints p50/p95/p99 per page, the error count, and the targets each page missed.
"""

import itertools
import json
import os
import random
import re
import uuid
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

DATASET = json.loads((Path(__file__).resolve().parents[2] / "test-artifacts/locust/dataset.json").read_text())
TARGETS_MS = {"lesson": 300, "quiz page": 300, "quiz start": 300, "progress": 500, "save answers": 500,
              "submit": 500, "report": 500, "report unit": 500, "report filtered": 500}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHOICE = re.compile(r'<input type="radio" name="q(\d+)" value="(\d+)"')
learner_numbers = itertools.count()
manager_numbers = itertools.count()
# Lessons of the first module: the second module is locked until the first is complete.
FIRST_MODULE = DATASET["lessons"][0]["url"].rsplit("/", 2)[0]
OPEN_LESSONS = [lesson for lesson in DATASET["lessons"] if lesson["url"].startswith(FIRST_MODULE)]


def sign_in(user, username):
    page = user.client.get("/accounts/login/", name="login form")
    token = CSRF.search(page.text)[1]
    with user.client.post("/accounts/login/", name="login", allow_redirects=False, catch_response=True,
                          data={"username": username, "password": DATASET["password"],
                                "csrfmiddlewaretoken": token}) as response:
        if response.status_code != 302:
            response.failure(f"login refused for {username}")


def csrf(user) -> str:
    return user.client.cookies.get("csrftoken", "")


class Learner(HttpUser):
    weight = 200
    wait_time = between(10, 20)

    def on_start(self):
        sign_in(self, f"lt{next(learner_numbers) % 3000:04d}")
        self.client.get("/learning/", name="my learning")

    @task(6)
    def read_lesson(self):
        lesson = random.choice(OPEN_LESSONS)
        self.client.get(lesson["url"], name="lesson")
        self.client.post("/learning/api/progress/", name="progress", headers={"X-CSRFToken": csrf(self)},
                         json={"event_id": str(uuid.uuid4()), "lesson": lesson["id"], "seconds": 15,
                               "position": None, "completed": False})

    @task(2)
    def take_quiz(self):
        quiz = DATASET["quiz"]
        self.client.get(f"/quizzes/{quiz}/", name="quiz start")
        started = self.client.post(f"/quizzes/{quiz}/start/", name="quiz page",
                                   data={"csrfmiddlewaretoken": csrf(self)})
        attempt = re.search(r"/quizzes/attempts/(\d+)/", started.url)
        if not attempt:
            return
        options: dict[str, list[str]] = {}
        for question, choice in CHOICE.findall(started.text):
            options.setdefault(question, []).append(choice)
        answers = {question: random.choice(choices) for question, choices in options.items()}
        form = {"csrfmiddlewaretoken": csrf(self), "question": list(answers), "save": "1"}
        form.update({f"q{q}": c for q, c in answers.items()})
        self.client.post(f"/quizzes/attempts/{attempt[1]}/save/", name="save answers", data=form)
        self.client.post(f"/quizzes/attempts/{attempt[1]}/submit/", name="submit",
                         data={"csrfmiddlewaretoken": csrf(self)})


class Manager(HttpUser):
    fixed_count = 5
    wait_time = between(10, 20)

    def on_start(self):
        number = next(manager_numbers)
        self.district = DATASET["managers"][number % len(DATASET["managers"])]
        sign_in(self, "ltm-province" if number == 0 else self.district["username"])

    @task
    def reports(self):
        self.client.get("/reports/", name="report")
        self.client.get(f"/reports/unit/{self.district['district']}/", name="report unit")
        self.client.get(f"/reports/?program={DATASET['program']}&period=all", name="report filtered")


SETTLE_SECONDS = float(os.environ.get("LOAD_SETTLE_SECONDS", "0"))
_environment = []


@events.init.add_listener
def remember_environment(environment, **_kwargs):
    _environment.append(environment)


@events.spawning_complete.add_listener
def measure_once_settled(user_count, **_kwargs):
    """Sign-ins happen while users arrive; the figures restart SETTLE seconds after the last one arrived, once
    the queue the arrivals built has drained (run_load.sh sets it)."""

    def reset():
        gevent.sleep(SETTLE_SECONDS)
        _environment[0].runner.stats.reset_all()
        print(f"{user_count} users: statistics restart {SETTLE_SECONDS:.0f} s after the last arrived", flush=True)

    gevent.spawn(reset)


@events.quitting.add_listener
def summary(environment, **_kwargs):
    stats = environment.stats
    print(f"\n{'page':<18}{'requests':>9}{'p50':>7}{'p95':>7}{'p99':>7}{'errors':>8}  target")
    missed = []
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        p50, p95, p99 = (entry.get_response_time_percentile(p) for p in (0.5, 0.95, 0.99))
        target = TARGETS_MS.get(entry.name)
        verdict = "" if target is None else ("ok" if p95 <= target else f"MISSED (p95 > {target} ms)")
        if verdict.startswith("MISSED"):
            missed.append(entry.name)
        print(f"{entry.name:<18}{entry.num_requests:>9}{p50:>7.0f}{p95:>7.0f}{p99:>7.0f}{entry.num_failures:>8}"
              f"  {verdict}")
    total = stats.total
    print(f"errors: {total.num_failures} of {total.num_requests} requests; missed targets: {missed or 'none'}")

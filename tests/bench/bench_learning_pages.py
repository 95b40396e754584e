"""Benchmark: learner pages stay fast and run the same queries as progress rows grow.

Builds a throw-away test database (never touches your data), loads the curriculum, creates
LEARNERS learners in Bắc Giang with progress on every lesson of one program, then times the
program page, a lesson page, a module page and "My learning" for one learner.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms .venv/bin/python tests/bench/bench_learning_pages.py --learners 20000
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def build(learners: int):
    from accounts.models import LearnerProfile, User
    from content.services import ensure_home_page
    from courses.curriculum import load_curriculum
    from courses.models import Enrolment, LessonPage, LessonProgress, ProgramPage, ProgressStatus
    from localities.management.commands.import_localities import DEFAULT_FILE
    from localities.models import Locality
    from localities.services import import_units

    import_units(DEFAULT_FILE.read_bytes(), DEFAULT_FILE.name)
    load_curriculum(ensure_home_page())
    communes = list(Locality.objects.communes())
    program = ProgramPage.objects.get(code="CT2")
    lessons = list(LessonPage.objects.live().descendant_of(program))
    users = User.objects.bulk_create([User(username=f"b{i}", phone=f"09{i:08d}", full_name=f"Học viên {i}",
                                           password="!") for i in range(learners)], batch_size=5000)
    LearnerProfile.objects.bulk_create([LearnerProfile(user=u, commune=communes[i % len(communes)], target_group="A")
                                        for i, u in enumerate(users)], batch_size=5000)
    Enrolment.objects.bulk_create([Enrolment(user=u, program=program) for u in users], batch_size=5000)
    rows = (LessonProgress(user=u, lesson=lesson, status=ProgressStatus.COMPLETED) for u in users for lesson in lessons)
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == 20000:
            LessonProgress.objects.bulk_create(batch)
            batch = []
    LessonProgress.objects.bulk_create(batch)
    return users[0], program, lessons


def measure(client, url, repeat=20):
    client.get(url)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), max(timings), len(captured)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=5000)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        learner, program, lessons = build(args.learners)
        from courses.models import LessonProgress

        print(f"built {args.learners} learners, {LessonProgress.objects.count()} progress rows "
              f"in {time.perf_counter() - started:.1f}s on {connection.vendor}")
        client = Client()
        client.force_login(learner)
        for label, url in [("program", program.url), ("module", lessons[0].get_parent().url),
                           ("lesson", lessons[0].url), ("my learning", "/learning/")]:
            median, worst, queries = measure(client, url)
            print(f"{label:12s} median {median:7.1f} ms   max {worst:7.1f} ms   {queries} queries")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

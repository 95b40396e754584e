"""Benchmark: learner pages stay fast and run the same queries as progress rows grow.

Builds a throw-away test database (never touches your data), loads the curriculum, creates
LEARNERS learners in Bắc Giang with progress on every lesson of one program, then times the
program page, a lesson page, a module page and "My learning" for one learner.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms \
        .venv/bin/python tests/bench/bench_learning_pages.py --learners 20000
"""

import argparse
import time

from harness import connection, load_bac_giang, measure, throwaway_database


def build(learners: int):
    from accounts.models import LearnerProfile, User
    from courses.models import Enrolment, LessonPage, LessonProgress, ProgramPage, ProgressStatus

    communes = load_bac_giang()
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=5000)
    args = parser.parse_args()
    with throwaway_database():
        started = time.perf_counter()
        learner, program, lessons = build(args.learners)
        from courses.models import LessonProgress

        print(f"built {args.learners} learners, {LessonProgress.objects.count()} progress rows "
              f"in {time.perf_counter() - started:.1f}s on {connection.vendor}")
        from django.test import Client

        client = Client()
        client.force_login(learner)
        for label, url in [("program", program.url), ("module", lessons[0].get_parent().url),
                           ("lesson", lessons[0].url), ("my learning", "/learning/")]:
            median, worst, queries = measure(client, url)
            print(f"{label:12s} median {median:7.1f} ms   max {worst:7.1f} ms   {queries} queries")


if __name__ == "__main__":
    main()

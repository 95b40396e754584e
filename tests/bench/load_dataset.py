"""The load-test dataset: Bắc Giang (3,000 learners) inside a national one, written into DATABASE_URL.

    createdb -h 127.0.0.1 -U postgres lms_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_load .venv/bin/python manage.py migrate -v0
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_load .venv/bin/python tests/bench/load_dataset.py

Bắc Giang's real units and curriculum; learners lt0000…lt2999 (password LOAD_PASSWORD) enrolled in CT2 with
some progress; managers ltm-<district code> and ltm-province; 20 other provinces with 20,000 learners and
their progress. Writes test-artifacts/locust/dataset.json (lesson ids and URLs, the quiz) for the Locust file.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import PBKDF2PasswordHasher  # noqa: E402

LOAD_PASSWORD = "tai-thu-2024"
DATASET_FILE = ROOT / "test-artifacts" / "locust" / "dataset.json"
BATCH = 5000


def other_provinces(count: int) -> list[int]:
    """`count` provinces of 5 districts × 10 communes each; returns the commune ids."""
    from localities.models import Level, Locality, UnitType

    Locality.objects.bulk_create([Locality(level=Level.PROVINCE, code=f"{90 + p}", name=f"Tỉnh thử {p}",
                                           unit_type=UnitType.TINH, path=f"{90 + p}.") for p in range(count)])
    districts = []
    for number, province in enumerate(Locality.objects.filter(code__gte="90", level=Level.PROVINCE)):
        districts += [Locality(level=Level.DISTRICT, code=f"9{number:02d}{d}", name=f"Huyện thử {number}-{d}",
                               unit_type=UnitType.HUYEN, parent=province, path=f"{province.path}9{number:02d}{d}.")
                      for d in range(5)]
    Locality.objects.bulk_create(districts)
    communes = [Locality(level=Level.COMMUNE, code=f"{d.code}{c}", name=f"Xã thử {d.code}-{c}",
                         unit_type=UnitType.XA, parent=d, path=f"{d.path}{d.code}{c}.")
                for d in districts for c in range(10)]
    Locality.objects.bulk_create(communes)
    return [c.pk for c in communes]


def learners(prefix: str, count: int, commune_ids: list[int], password_hash: str) -> list:
    from accounts.models import LearnerProfile, User

    users = User.objects.bulk_create([
        User(username=f"{prefix}{i:05d}" if prefix != "lt" else f"lt{i:04d}", full_name=f"Học viên thử {prefix}{i}",
             password=password_hash) for i in range(count)], batch_size=BATCH)
    LearnerProfile.objects.bulk_create([
        LearnerProfile(user=u, commune_id=commune_ids[i % len(commune_ids)], target_group="A")
        for i, u in enumerate(users)], batch_size=BATCH)
    return users


def learning(users, program, lessons, rng) -> None:
    """Everyone enrolled; each has finished a random first part of the lessons."""
    from courses.models import Enrolment, LessonProgress, ProgressStatus

    communes = dict(users[0].__class__.objects.filter(pk__in=[u.pk for u in users])
                    .values_list("pk", "learner_profile__commune"))
    Enrolment.objects.bulk_create([Enrolment(user=u, program=program, commune_id=communes[u.pk]) for u in users],
                                  batch_size=BATCH)
    done = program.first_published_at
    rows = [LessonProgress(user=u, lesson=lesson, status=ProgressStatus.COMPLETED, completed_at=done)
            for u in users for lesson in lessons[:rng.randint(0, len(lessons) - 1)]]
    LessonProgress.objects.bulk_create(rows, batch_size=BATCH)


def the_quiz(module):
    """The module's quiz (made if the curriculum has none), with unlimited attempts for a long run."""
    from assessments.models import Choice, Quiz, QuizQuestion, SingleChoiceQuestion, Topic

    if module.quiz_id is None:
        quiz = Quiz.objects.create(title=f"Kiểm tra: {module.title}", shuffle_questions=False)
        topic = Topic.objects.get_or_create(name="Tải thử")[0]
        for n in range(5):
            question = SingleChoiceQuestion.objects.create(topic=topic, text=f"Câu hỏi thử {n + 1}?")
            Choice.objects.bulk_create([Choice(question=question, text=t, is_correct=i == 0, sort_order=i)
                                        for i, t in enumerate(["Đúng", "Sai", "Không rõ"])])
            QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=n)
        module.quiz = quiz
        module.save_revision().publish()
    Quiz.objects.filter(pk=module.quiz_id).update(attempts_allowed=None, time_limit_minutes=None)
    return module.quiz_id


def build(national_learners: int, rng) -> dict:
    from accounts.models import Role
    from accounts.services import assign_role
    from content.services import ensure_home_page
    from courses.curriculum import load_curriculum
    from courses.models import LessonPage, ModulePage, ProgramPage
    from localities.management.commands.import_localities import DEFAULT_FILE
    from localities.models import Level, Locality
    from localities.services import import_units
    from reports.services import rebuild_summaries

    import_units(DEFAULT_FILE.read_bytes(), DEFAULT_FILE.name)
    load_curriculum(ensure_home_page())
    program = ProgramPage.objects.get(code="CT2")
    module = ModulePage.objects.child_of(program).order_by("path").first()
    quiz_id = the_quiz(module)
    lessons = list(LessonPage.objects.live().descendant_of(program).order_by("path"))
    # PBKDF2 whatever settings build the data: the server runs production settings, which refuse test MD5 hashes.
    password_hash = PBKDF2PasswordHasher().encode(LOAD_PASSWORD, "loadtestsalt2024")
    bac_giang = list(Locality.objects.filter(level=Level.COMMUNE, path__startswith="24.").values_list("pk", flat=True))
    learning(learners("lt", 3000, bac_giang, password_hash), program, lessons, rng)
    if national_learners:
        learning(learners("n", national_learners, other_provinces(20), password_hash), program, lessons, rng)
    managers = []
    for district in Locality.objects.filter(level=Level.DISTRICT, path__startswith="24."):
        user = learners_staff(f"ltm-{district.code}", password_hash)
        assign_role(user, Role.DISTRICT_MANAGER, district)
        managers.append({"username": user.username, "district": district.pk})
    assign_role(learners_staff("ltm-province", password_hash), Role.PROVINCE_MANAGER,
                Locality.objects.get(level=Level.PROVINCE, code="24"))
    rebuild_summaries()
    return {"lessons": [{"id": lesson.pk, "url": lesson.url} for lesson in lessons if lesson.url],
            "quiz": quiz_id, "program": program.pk, "managers": managers, "password": LOAD_PASSWORD}


def learners_staff(username, password_hash):
    from accounts.models import User

    return User.objects.create(username=username, full_name=username, password=password_hash)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--national", type=int, default=20_000, help="learners outside Bắc Giang")
    args = parser.parse_args()
    started = time.monotonic()
    dataset = build(args.national, random.Random(2024))
    DATASET_FILE.parent.mkdir(parents=True, exist_ok=True)
    DATASET_FILE.write_text(json.dumps(dataset, ensure_ascii=False, indent=1))
    print(f"dataset written in {time.monotonic() - started:.0f} s: {len(dataset['lessons'])} lessons, "
          f"quiz {dataset['quiz']}, {len(dataset['managers'])} district managers -> {DATASET_FILE}")


if __name__ == "__main__":
    main()

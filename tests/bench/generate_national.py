"""Generate a national-size dataset for the report benchmark (fast: bulk inserts, COPY on PostgreSQL).

At --scale 1: 63 provinces, 693 district-level units, ~10,400 communes, 100,000 learners, 200,000
enrolments, 2,000,000 lesson-progress rows, ~80,000 completions with a graded final quiz and a certificate.
The default scale (0.02) builds 2,000 learners in a few seconds for a quick run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python tests/bench/generate_national.py \
        --scale 1 --keep      # --keep writes into DATABASE_URL's database itself (it must be empty and migrated)

Without --keep it builds a throw-away test database, prints the counts and drops it.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402

PROVINCES, DISTRICTS_PER_PROVINCE, COMMUNES_PER_DISTRICT = 63, 11, 15
LEARNERS, PROGRAMS, MODULES, LESSONS_PER_MODULE = 100_000, 4, 2, 5
START = timezone.make_aware(datetime.datetime(2023, 1, 1))
SPAN_DAYS = 3 * 365
BATCH = 20_000


def build_localities(scale: float):
    from localities.models import Level, Locality, UnitType

    communes_per_district = max(1, round(COMMUNES_PER_DISTRICT * min(scale * 5, 1)))
    provinces, districts, communes = [], [], []
    district_no = commune_no = 0
    for p in range(PROVINCES):
        code = f"{p + 1:02d}"
        provinces.append(Locality(level=Level.PROVINCE, code=code, name=f"Tỉnh {code}", unit_type=UnitType.TINH,
                                  path=f"{code}."))
    Locality.objects.bulk_create(provinces)
    for province in Locality.objects.provinces():
        for _d in range(DISTRICTS_PER_PROVINCE):
            district_no += 1
            code = f"{district_no:03d}"
            districts.append(Locality(level=Level.DISTRICT, code=code, name=f"Huyện {code}", unit_type=UnitType.HUYEN,
                                      parent=province, path=f"{province.path}{code}."))
    Locality.objects.bulk_create(districts, batch_size=BATCH)
    for district in Locality.objects.districts():
        for _c in range(communes_per_district):
            commune_no += 1
            code = f"{commune_no:05d}"
            communes.append(Locality(level=Level.COMMUNE, code=code, name=f"Xã {code}", unit_type=UnitType.XA,
                                     parent=district, path=f"{district.path}{code}."))
    Locality.objects.bulk_create(communes, batch_size=BATCH)
    return list(Locality.objects.communes().values_list("pk", flat=True))


def build_programs():
    from assessments.models import Quiz
    from content.services import ensure_home_page
    from courses.models import LessonPage, ModulePage, ProgramIndexPage, ProgramPage

    home = ensure_home_page()
    index = home.add_child(instance=ProgramIndexPage(title="Chương trình", slug="chuong-trinh"))
    programs = []
    for p in range(PROGRAMS):
        quiz = Quiz.objects.create(title=f"Kiểm tra cuối {p + 1}", pass_mark=50)
        program = index.add_child(instance=ProgramPage(title=f"Chương trình {p + 1}", slug=f"ct{p + 1}",
                                                       code=f"CT{p + 1}", summary="Tóm tắt", final_quiz=quiz))
        lessons = []
        for m in range(MODULES):
            module = program.add_child(instance=ModulePage(title=f"Chuyên đề {m + 1}", slug=f"m{m + 1}"))
            for n in range(LESSONS_PER_MODULE):
                lessons.append(module.add_child(instance=LessonPage(title=f"Bài {n + 1}", slug=f"b{n + 1}")).pk)
        programs.append((program.pk, quiz.pk, lessons))
    return programs


def build_learners(scale: float, commune_ids: list[int]):
    from accounts.models import LearnerProfile, User

    count = max(50, int(LEARNERS * scale))
    users = [User(username=f"hv{i:06d}", full_name=f"Học viên {i:06d}", phone=f"09{i:08d}", password="!")
             for i in range(count)]
    User.objects.bulk_create(users, batch_size=BATCH)
    ids = list(User.objects.filter(username__startswith="hv").order_by("pk").values_list("pk", flat=True))
    rng = random.Random(1)
    LearnerProfile.objects.bulk_create(
        [LearnerProfile(user_id=user_id, commune_id=commune_ids[i % len(commune_ids)],
                        target_group="A" if rng.random() < 0.6 else "B") for i, user_id in enumerate(ids)],
        batch_size=BATCH)
    return list(LearnerProfile.objects.order_by("user_id").values_list("user_id", "commune_id"))


def _moment(rng, after=None):
    base = after or START
    return base + datetime.timedelta(days=rng.randrange(0, 200 if after else SPAN_DAYS), seconds=rng.randrange(86400))


def build_learning(profiles, programs):
    """Each learner enrols in two programs, works through them; ~40 % of enrolments complete."""
    from assessments.models import Attempt, AttemptState
    from courses.models import Certificate, CertificateStatus, Enrolment, ProgramCompletion

    rng = random.Random(2)
    enrolments, progress, completions, attempts, certificates = [], [], [], [], []
    for user_id, commune_id in profiles:
        for program_id, quiz_id, lessons in rng.sample(programs, 2):
            enrolled = _moment(rng)
            enrolments.append(Enrolment(user_id=user_id, program_id=program_id, commune_id=commune_id,
                                        source="bulk"))
            enrolments[-1].enrolled_at = enrolled
            done = len(lessons) if rng.random() < 0.4 else rng.randrange(0, len(lessons))
            last = enrolled
            for n, lesson_id in enumerate(lessons):
                last = _moment(rng, last)
                completed = last if n < done else None
                progress.append((user_id, lesson_id, "completed" if completed else "in_progress", last, completed,
                                 rng.randrange(60, 1200), 0, last))
            if done == len(lessons):
                finished = _moment(rng, last)
                score = rng.randrange(40, 101)
                attempts.append(Attempt(user_id=user_id, quiz_id=quiz_id, number=1, state=AttemptState.GRADED,
                                        commune_id=commune_id, started_at=finished, submitted_at=finished,
                                        graded_at=finished, score=score, max_score=100, percent=score,
                                        passed=score >= 50))
                if score >= 50:
                    completions.append(ProgramCompletion(user_id=user_id, program_id=program_id,
                                                         commune_id=commune_id, completed_at=finished))
                    certificates.append(Certificate(
                        code=f"B{len(certificates):011d}", user_id=user_id, program_id=program_id,
                        commune_id=commune_id,
                        status=CertificateStatus.READY, learner_name=f"Học viên {user_id}", program_title="CT",
                        hours=8, completed_at=finished, organiser_name="Sở"))
    _save(Enrolment, enrolments)
    _fix_enrolment_dates(enrolments)
    _copy_progress(progress)
    for model, rows in ((Attempt, attempts), (ProgramCompletion, completions), (Certificate, certificates)):
        _save(model, rows)
    return len(enrolments), len(progress), len(completions)


def _save(model, rows):
    model.objects.bulk_create(rows, batch_size=BATCH)


def _fix_enrolment_dates(enrolments):
    """bulk_create honours auto_now_add; write the generated dates back with one COPY + UPDATE."""
    from courses.models import Enrolment

    if connection.vendor != "postgresql":
        for row in enrolments:
            Enrolment.objects.filter(user_id=row.user_id, program_id=row.program_id).update(enrolled_at=row.enrolled_at)
        return
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_dates (user_id int, program_id int, at timestamptz)")
        with cursor.cursor.copy("COPY bench_dates FROM STDIN") as copy:
            for row in enrolments:
                copy.write_row((row.user_id, row.program_id, row.enrolled_at))
        cursor.execute("UPDATE courses_enrolment e SET enrolled_at = d.at FROM bench_dates d "
                       "WHERE e.user_id = d.user_id AND e.program_id = d.program_id")
        cursor.execute("DROP TABLE bench_dates")


def _copy_progress(rows):
    from courses.models import LessonProgress

    columns = "user_id, lesson_id, status, started_at, completed_at, seconds_spent, position, updated_at"
    if connection.vendor != "postgresql":
        names = [c.strip() for c in columns.split(",")]
        LessonProgress.objects.bulk_create([LessonProgress(**dict(zip(names, row, strict=True))) for row in rows],
                                           batch_size=BATCH)
        return
    statement = f"COPY courses_lessonprogress ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


NEW_PROVINCES, REFORM_DATE = 34, datetime.date(2025, 7, 1)


def load_national_reform() -> dict:
    """The 2025 reform, synthetic and national: the 63 provinces merge into 34 (province i into new province
    i * 34 // 63, which carries the code of its first province, era-suffixed: "01~20250701."), every district
    is abolished into its new province, and every three communes of a district merge into one new commune
    directly under the new province (its default successor). Learner profiles move to the new communes as
    `migrate_to_current_map` moves them (in one statement here); every record keeps its unit. Then the grounds
    and the summaries are recomputed, as after a real load. Returns counts and timings."""
    from django.db.models import OuterRef, Subquery

    from accounts.models import LearnerProfile
    from localities.bulk import update_column
    from localities.grounds import refresh_grounds
    from localities.models import Level, Locality, Succession, UnitType
    from reports import services

    started = time.perf_counter()
    day_before = REFORM_DATE - datetime.timedelta(days=1)
    old_provinces = list(Locality.objects.provinces().order_by("code"))
    retired = Locality.objects.filter(valid_to__isnull=True).update(valid_to=day_before)
    heads = {}
    for index, province in enumerate(old_provinces):
        heads.setdefault(index * NEW_PROVINCES // len(old_provinces), province.code)
    Locality.objects.bulk_create([
        Locality(level=Level.PROVINCE, code=code, name=f"Tỉnh mới {code}", unit_type=UnitType.TINH,
                 path=f"{code}~{REFORM_DATE:%Y%m%d}.", valid_from=REFORM_DATE) for code in heads.values()])
    new_province = dict(Locality.objects.provinces().filter(valid_from=REFORM_DATE).values_list("code", "pk"))
    province_of = {p.pk: new_province[heads[i * NEW_PROVINCES // len(old_provinces)]]
                   for i, p in enumerate(old_provinces)}
    paths = dict(Locality.objects.filter(pk__in=new_province.values()).values_list("pk", "path"))
    successor, groups = dict(province_of), []
    for district in Locality.objects.districts().order_by("path").values_list("pk", "parent_id"):
        target = province_of[district[1]]
        successor[district[0]] = target
        communes = list(Locality.objects.filter(parent_id=district[0]).order_by("code").values_list("pk", "code"))
        groups += [(target, communes[first:first + 3]) for first in range(0, len(communes), 3)]
    Locality.objects.bulk_create(
        [Locality(level=Level.COMMUNE, code=group[0][1], name=f"Xã mới {group[0][1]}", unit_type=UnitType.XA,
                  parent_id=target, path=f"{paths[target]}{group[0][1]}.", valid_from=REFORM_DATE)
         for target, group in groups], batch_size=BATCH)
    new_commune = dict(Locality.objects.communes().filter(valid_from=REFORM_DATE).values_list("code", "pk"))
    for _target, group in groups:
        for pk, _code in group:
            successor[pk] = new_commune[group[0][1]]
    update_column(Locality, "successor_id", successor)
    Succession.objects.bulk_create([Succession(predecessor_id=old, successor_id=new, effective=REFORM_DATE,
                                               is_default=True) for old, new in successor.items()], batch_size=BATCH)
    LearnerProfile.objects.update(
        commune_before_reform=F("commune"), needs_commune_confirmation=True,
        commune=Subquery(Locality.objects.filter(pk=OuterRef("commune_id")).values("successor_id")[:1]))
    timings = {"reform_load_s": time.perf_counter() - started}
    started = time.perf_counter()
    refresh_grounds()  # its map_changed signal has the summaries rebuilt on commit (here: at once, eagerly)
    timings["grounds_and_rebuild_s"] = time.perf_counter() - started
    started = time.perf_counter()
    drift = services.rebuild_summaries()
    timings["rebuild_again_s"] = time.perf_counter() - started
    timings["drift_left"] = drift.count
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"retired_units": retired, "new_provinces": len(new_province), "new_communes": len(new_commune),
            **timings}


def generate(scale: float) -> dict:
    """Build everything and the summaries; returns counts and timings."""
    from reports import services

    timings = {}
    started = time.perf_counter()
    communes = build_localities(scale)
    programs = build_programs()
    profiles = build_learners(scale, communes)
    enrolments, progress, completions = build_learning(profiles, programs)
    timings["generate_s"] = time.perf_counter() - started
    started = time.perf_counter()
    services.rebuild_summaries()
    timings["rebuild_s"] = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"communes": len(communes), "learners": len(profiles), "enrolments": enrolments,
            "lesson_progress": progress, "completions": completions, **timings}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.02, help="1 = national size (100,000 learners)")
    parser.add_argument("--keep", action="store_true", help="write into DATABASE_URL's database, do not drop it")
    parser.add_argument("--reform", action="store_true", help="then load the synthetic national 2025 reform")
    args = parser.parse_args()
    old_name = None
    if not args.keep:
        from django.test.utils import setup_test_environment

        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        result = generate(args.scale)
        if args.reform:
            result.update(load_national_reform())
        print(" ".join(f"{key}={value:.1f}" if isinstance(value, float) else f"{key}={value}"
                       for key, value in result.items()), f"on {connection.vendor}")
    finally:
        if old_name:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

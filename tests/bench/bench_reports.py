"""Benchmark: report views from the summary rows vs. a plain GROUP BY over the raw rows; the large export.

Builds a throw-away test database with tests/bench/generate_national.py (never touches your data), then
prints the median time of the national view, a province view and a district view (the selector alone and
the whole HTTP page), the same figures by a plain GROUP BY over enrolments, progress and completions,
the learner export (all learner × program rows) written by the export task, and the views regrouped onto
today's units after a merger of the 2025 reform's scale (two communes in three).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python tests/bench/bench_reports.py --scale 1
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

RAW_SQL = """
SELECT substr(loc.path, 1, %(length)s) AS unit,
       count(*) AS enrolled,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM courses_lessonprogress lp JOIN wagtailcore_page lesson ON lesson.id = lp.lesson_id
           WHERE lp.user_id = e.user_id AND lesson.path LIKE program.path || '%%')) AS started,
       count(pc.id) AS completed
FROM courses_enrolment e
JOIN localities_locality loc ON loc.id = e.commune_id
JOIN wagtailcore_page program ON program.id = e.program_id
LEFT JOIN courses_programcompletion pc ON pc.user_id = e.user_id AND pc.program_id = e.program_id
WHERE loc.path LIKE %(prefix)s
GROUP BY 1
"""


def timed(function, repeat=7):
    function()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def count_queries(function) -> int:
    """Queries `function` runs, whatever settings.DEBUG says: CaptureQueriesContext forces the debug cursor.

    The log is a deque of at most 9,000 entries: once the dataset build has filled it, its length stops
    growing and a capture would read "0 queries", so it is emptied first.
    """
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def raw_group_by(prefix: str, length: int):
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, {"prefix": prefix + "%", "length": length})
        return cursor.fetchall()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.02, help="1 = national size (100,000 learners)")
    args = parser.parse_args()
    from generate_national import generate  # tests/bench is on sys.path when run as a script

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        built = generate(args.scale)
        print(" ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in built.items()),
              f"on {connection.vendor}")
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args):
    from accounts.models import User
    from localities.models import Locality
    from reports import selectors, services
    from reports.models import ExportJob
    from reports.selectors import Filters

    admin = User.objects.create_superuser("bench-admin", password="!")
    province = Locality.objects.provinces().order_by("code")[1]
    district = Locality.objects.filter(parent=province).order_by("code").first()
    client = Client()
    client.force_login(admin)
    year = Filters()  # all time: the widest read
    for label, parent, url in [("national", None, "/reports/?period=all"),
                               ("province", province, f"/reports/unit/{province.pk}/?period=all"),
                               ("district", district, f"/reports/unit/{district.pk}/?period=all")]:
        selector_ms = timed(lambda parent=parent: selectors.locality_report(admin, parent, year))
        queries = count_queries(lambda url=url: client.get(url))
        assert client.get(url).status_code == 200, url
        page_ms = timed(lambda url=url: client.get(url))
        prefix = parent.path if parent else ""
        length = len(prefix) + (3 if parent is None else 4 if parent.level == "province" else 6)
        raw_ms = timed(lambda prefix=prefix, length=length: raw_group_by(prefix, length), repeat=3)
        print(f"{label:9s} summaries {selector_ms:8.1f} ms   page {page_ms:8.1f} ms ({queries} queries)"
              f"   raw GROUP BY {raw_ms:9.1f} ms")
    today = Filters(structure="today")
    regrouped_ms = timed(lambda: selectors.locality_report(admin, None, today))
    print(f"national, regrouped onto today's units: {regrouped_ms:.1f} ms")
    job = ExportJob.objects.create(requested_by=admin, locality=None, params={"period": "all"}, file_format="xlsx")
    started = time.perf_counter()
    services.run_export(job.pk)
    job.refresh_from_db()
    rows = selectors.learner_rows_for_export(admin, None, Filters()).count()
    print(f"learner export: {rows} rows in {time.perf_counter() - started:.1f} s ({job.status}, "
          f"{job.file.size // 1024} KiB)")
    started = time.perf_counter()
    drift = services.check_summary_drift()
    print(f"drift check: {time.perf_counter() - started:.1f} s, drift found: {drift.found}")
    retired = merge_two_communes_in_three()
    province_ms = timed(lambda: selectors.locality_report(admin, province, today))
    national_ms = timed(lambda: selectors.locality_report(admin, None, today), repeat=3)
    print(f"after merging {retired} communes into a neighbour (the 2025 reform's scale), regrouped onto today's "
          f"units: province {province_ms:.1f} ms, national {national_ms:.1f} ms")


def merge_two_communes_in_three() -> int:
    """Retire two communes in every three into the first of them, in every district (last step: it changes the
    units every figure above was read from)."""
    import datetime

    from localities.models import Locality

    retired = 0
    for district in Locality.objects.districts():
        communes = list(Locality.objects.filter(parent=district).order_by("code").values_list("pk", flat=True))
        for first in range(0, len(communes), 3):
            merged = communes[first + 1:first + 3]
            retired += Locality.objects.filter(pk__in=merged).update(
                valid_to=datetime.date(2025, 6, 30), successor_id=communes[first])
    return retired


if __name__ == "__main__":
    main()

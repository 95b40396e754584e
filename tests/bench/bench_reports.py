"""Benchmark: report views from the summary rows vs. a plain GROUP BY over the raw rows; the large export.

Builds a throw-away test database with tests/bench/generate_national.py (never touches your data), then
prints the median time of the national view, a province view and a district view (the selector alone and
the whole HTTP page), the same figures by a plain GROUP BY over enrolments, progress and completions,
the learner export (all learner × program rows) written by the export task; then it loads a synthetic national
2025 reform (63 provinces into 34, every three communes into one directly under the new province, districts
abolished, learners moved), checks that the 2023 views as then give the same figures, and times the views
regrouped onto today's units.

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
    rows = selectors.learners_for_export(admin, None, Filters()).count()
    print(f"learner export: {rows} rows in {time.perf_counter() - started:.1f} s ({job.status}, "
          f"{job.file.size // 1024} KiB)")
    started = time.perf_counter()
    drift = services.check_summary_drift()
    print(f"drift check: {time.perf_counter() - started:.1f} s, drift found: {drift.found}")
    reform(admin, client)


def figures_of(report) -> list:
    from dataclasses import astuple

    return [(row.locality.path, astuple(row.figures)) for row in report.rows] + [astuple(report.totals)]


def reform(admin, client):
    """The synthetic national 2025 reform (generate_national.load_national_reform): the views as then give the
    same figures as before it; the views regrouped onto today's units are timed against the targets."""
    import datetime

    from generate_national import load_national_reform

    from localities.models import Locality
    from reports import selectors
    from reports.selectors import Filters

    old_province = Locality.objects.provinces().order_by("code")[1]
    year_2023 = Filters(start=datetime.date(2023, 1, 1), end=datetime.date(2023, 12, 31))
    before = {label: figures_of(selectors.locality_report(admin, parent, year_2023))
              for label, parent in (("national", None), ("province", old_province))}
    loaded = load_national_reform()
    print("national reform:", " ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
                                       for k, v in loaded.items()))
    for label, parent in (("national", None), ("province", old_province)):
        same = figures_of(selectors.locality_report(admin, parent, year_2023)) == before[label]
        then_ms = timed(lambda parent=parent: selectors.locality_report(admin, parent, year_2023))
        print(f"as then, 2023, {label:8s}: {then_ms:7.1f} ms, figures identical to before the reform: {same}")
    province = Locality.objects.provinces().current().order_by("code")[1]
    commune = Locality.objects.communes().current().filter(parent=province).order_by("code").first()
    today = Filters(structure="today")  # all time, regrouped: the widest read
    for label, parent, url in [("national", None, "/reports/?period=all&structure=today"),
                               ("province", province, f"/reports/unit/{province.pk}/?period=all&structure=today"),
                               ("commune", commune, f"/reports/unit/{commune.pk}/?period=all&structure=today")]:
        selector_ms = timed(lambda parent=parent: selectors.locality_report(admin, parent, today))
        selector_queries = count_queries(lambda parent=parent: selectors.locality_report(admin, parent, today))
        queries = count_queries(lambda url=url: client.get(url))
        page_ms = timed(lambda url=url: client.get(url))
        rows = len(selectors.locality_report(admin, parent, today).rows)
        print(f"regrouped {label:8s} ({rows} rows): selector {selector_ms:7.1f} ms ({selector_queries} queries)"
              f"   page {page_ms:7.1f} ms ({queries} queries)")


if __name__ == "__main__":
    main()

"""Benchmark: loading the national administrative-unit list (the size of the 2021 GSO export).

Builds a throw-away test database (never touches your data), then prints the time of the first load, of a
rerun (nothing changes), of a list that renames every commune (10,599 units retired and created, with their
successor links) and the peak memory of the process. Targets (docs/places.md): first load < 60 s, rerun
< 5 s on PostgreSQL, memory < 300 MB.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python tests/bench/bench_import_localities.py
"""

import datetime
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def timed(label, function):
    started = time.perf_counter()
    result = function()
    print(f"{label}: {time.perf_counter() - started:.1f} s (created {result.created}, changed {result.changed}, "
          f"unchanged {result.unchanged})")


def run():
    from localities.services import import_units
    from tests.localities.national_file import national_csv

    data = national_csv()
    rows = len(data.splitlines()) - 1
    print(f"national file: {rows} rows, {len(data) // 1024} KiB, on {connection.vendor}")
    timed("first load", lambda: import_units(data, "national.csv"))
    timed("rerun", lambda: import_units(data, "national.csv"))
    renamed = national_csv(suffix=" Mới")
    timed("every commune renamed", lambda: import_units(renamed, "national.csv",
                                                        valid_from=datetime.date(2025, 7, 1)))
    timed("rerun of the renamed list", lambda: import_units(renamed, "national.csv",
                                                            valid_from=datetime.date(2025, 7, 1)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak memory of the process: {peak} MB")


if __name__ == "__main__":
    main()

"""Benchmark: press-work pages and the press report as works and broadcasts grow.

Builds a throw-away test database (never touches your data) with WORKS press works spread over the
Bắc Giang districts, each with BROADCASTS broadcasts, then times the public list (plain and filtered),
a work page, the materials library, the admin report and its XLSX export.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms .venv/bin/python tests/bench/bench_press.py --works 20000
"""

import argparse
import datetime
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


def build(works: int, per_work: int):
    from accounts.models import Role, User
    from accounts.services import assign_role
    from content.models import Broadcast, Channel, PressWork, WorkKind, WorkStatus, WorkTopic
    from content.services import ensure_home_page
    from localities.management.commands.import_localities import DEFAULT_FILE
    from localities.models import Locality
    from localities.services import import_units

    import_units(DEFAULT_FILE.read_bytes(), DEFAULT_FILE.name)
    ensure_home_page()
    districts = list(Locality.objects.districts())
    kinds, topics, channels = WorkKind.values, WorkTopic.values, Channel.values
    PressWork.objects.bulk_create([
        PressWork(title=f"Tác phẩm {i}", kind=kinds[i % len(kinds)], topic=topics[i % len(topics)],
                  unit=districts[i % len(districts)], funding_year=2022 + i % 4, status=WorkStatus.PUBLISHED,
                  summary="Mô hình giảm nghèo") for i in range(works)], batch_size=5000)
    start = datetime.date(2022, 1, 1)
    rows = [Broadcast(work_id=work_id, date=start + datetime.timedelta(days=(work_id * 7 + n * 30) % 1400),
                      channel=channels[n % len(channels)], locality_id=district_id, sort_order=n)
            for work_id, district_id in PressWork.objects.values_list("pk", "unit_id")
            for n in range(per_work)]
    Broadcast.objects.bulk_create(rows, batch_size=10000)
    manager = User.objects.create(username="bench-province", full_name="Quản lý tỉnh", password="!")
    assign_role(manager, Role.PROVINCE_MANAGER, Locality.objects.provinces().get())
    return manager, PressWork.objects.order_by("pk").first()


def measure(client, url, repeat=10):
    client.get(url)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), max(timings), len(captured)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--works", type=int, default=5000)
    parser.add_argument("--broadcasts", type=int, default=3)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        manager, work = build(args.works, args.broadcasts)
        print(f"built {args.works} works x {args.broadcasts} broadcasts in "
              f"{time.perf_counter() - started:.1f}s on {connection.vendor}")
        client = Client()
        client.force_login(manager)
        for label, url in [("list", "/tac-pham/"), ("list filtered", "/tac-pham/?topic=poverty_model&year=2024"),
                           ("list search", "/tac-pham/?q=T%C3%A1c+ph%E1%BA%A9m+12"),
                           ("work page", f"/tac-pham/{work.pk}/"), ("materials", "/tai-lieu/"),
                           ("report", "/admin/reports/press/"), ("report xlsx", "/admin/reports/press/xlsx/")]:
            median, worst, queries = measure(client, url)
            print(f"{label:14s} median {median:8.1f} ms   max {worst:8.1f} ms   {queries} queries")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

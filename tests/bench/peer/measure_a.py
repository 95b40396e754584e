"""In-process cost of A's pages, the peer's method (measure.py): Django test Client, 5 warm-ups per page,
SQL queries of one request via CaptureQueriesContext, then REPEATS timed requests per page, pages in turn.
Usage: python measure_a.py [REPEATS]   (env from conf/a_env.sh; LESSON_URL / PROGRAM_URL from a-learner.env)"""

import gzip
import json
import math
import os
import statistics
import sys
import time

import django

django.setup()
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
LESSON, PROGRAM = os.environ["LESSON_URL"], os.environ["PROGRAM_URL"]
HOST = "127.0.0.1"


def pct(s, q):
    return s[max(0, math.ceil(q / 100 * len(s)) - 1)]


anon = Client(HTTP_HOST=HOST)
learner = Client(HTTP_HOST=HOST)
learner.force_login(get_user_model().objects.get(username="0912000001"))
cookied = Client(HTTP_HOST=HOST)
cookied.cookies["csrftoken"] = "A" * 32  # Django's cache varies on Cookie and skips cookie-less first visits

checks = {
    "lesson.learner": lambda h: "Đã học xong" in h and "Viết tin, bài cho tai nghe" in h,
    "course.learner": lambda h: "4/9" in h and "Rời chương trình" in h,
    "course.anon": lambda h: "Nghiệp vụ thông tin cơ sở" in h and "Đăng xuất" not in h,
    "ceiling.cached_home": lambda h: "Bồi dưỡng thông tin cơ sở" in h,
    "ceiling.ping": lambda h: h == "ok\n",
}
cases = [
    ("course.anon", anon, PROGRAM),
    ("course.learner", learner, PROGRAM),
    ("lesson.learner", learner, LESSON),
    ("ceiling.cached_home", cookied, "/hc-cached-home/"),
    ("ceiling.ping", anon, "/hc-ping/"),
]
only = os.environ.get("PAGES")
if only:
    cases = [c for c in cases if c[0] in only.split(",")]
sizes = {}
for name, client, url in cases:
    for _ in range(5):
        r = client.get(url)
    assert r.status_code == 200, (name, r.status_code)
    html = r.content.decode()
    assert checks[name](html), f"{name}: check failed"
    sizes[name] = (len(r.content), len(gzip.compress(r.content, 6)))
queries = {}
for name, client, url in cases:
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        counts.append(len(ctx.captured_queries))
        if os.environ.get("SHOW_SQL") and _ == 1:
            print(f"-- {name}: {len(ctx.captured_queries)} queries", file=sys.stderr)
            for q in ctx.captured_queries:
                print("  " + q["sql"][:200], file=sys.stderr)
    queries[name] = max(counts)
times = {name: [] for name, *_ in cases}
for _ in range(REPEATS):
    for name, client, url in cases:
        t0 = time.perf_counter()
        r = client.get(url)
        times[name].append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200
for name, _c, url in cases:
    ms = sorted(times[name])
    print(
        json.dumps(
            {
                "kind": "inprocess",
                "peer": "ours",
                "db": connection.vendor,
                "page": name,
                "url": url,
                "queries": queries[name],
                "median_ms": round(statistics.median(ms), 2),
                "p95_ms": round(pct(ms, 95), 2),
                "bytes": sizes[name][0],
                "gzip_bytes": sizes[name][1],
                "repeats": REPEATS,
                "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
            }
        ),
        flush=True,
    )

"""What every benchmark script needs: Django set up, a throw-away database, the Bắc Giang units
and curriculum, and a page timer that also counts queries."""

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


@contextmanager
def throwaway_database():
    """A fresh test database (test_<name>) that is dropped afterwards: your data is never touched."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def load_bac_giang():
    """The 209 communes and the four programs; returns the communes with their districts."""
    from content.services import ensure_home_page
    from courses.curriculum import load_curriculum
    from localities.management.commands.import_localities import DEFAULT_FILE
    from localities.models import Locality
    from localities.services import import_units

    import_units(DEFAULT_FILE.read_bytes(), DEFAULT_FILE.name)
    load_curriculum(ensure_home_page())
    return list(Locality.objects.communes().select_related("parent"))


def measure(client, url, repeat=20):
    """Median and worst time (ms) of `repeat` GETs after a warm-up, and the queries of the last one."""
    client.get(url)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), max(timings), len(captured)

"""Shared fixtures: the Bắc Giang units, the home page, and the personas.

Personas (STYLE.md §8): in Lục Ngạn district (219) a learner, a trainer and a district
manager; in Sơn Động (220) an outsider manager; a province manager over all of Bắc Giang.
"""

import pytest
from django.test import TestCase

from accounts.models import Role, TargetGroup, User
from accounts.services import LearnerData, assign_role, save_learner_profile
from localities.management.commands.import_localities import DEFAULT_FILE
from localities.models import Level, Locality
from localities.services import import_units

from . import hypothesis_profiles  # noqa: F401 - registers and loads the Hypothesis profile

PASSWORD = "correct-horse-42"


FIRST_ID = 10_001


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """New rows in every test get ids above 10,000. With Vietnamese number formatting a template that
    prints an id without `unlocalize` writes 10.001, and a form or link built from it breaks; small ids
    hid that until real data grew past 999."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sequence in connection.introspection.sequence_list():
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s, false)",
                               [sequence["table"], sequence["column"], FIRST_ID])
        else:
            tables = connection.introspection.django_table_names(only_existing=True)
            cursor.execute("DELETE FROM sqlite_sequence")
            cursor.executemany("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                               [(table, FIRST_ID - 1) for table in tables])


@pytest.fixture(autouse=True)
def celery_join_guard_reset():
    """Celery keeps "a task is running, joining would block" in one process-wide flag
    (celery/_state.py), set and restored around every eager task. Two threads running eager
    tasks at once (the parallel-submit tests on PostgreSQL) can restore it in the wrong order
    and leave it set, and every later `result.get()` in the run then raises. The application
    never joins a result; only tests do, so each test starts with the flag as a fresh process has it."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: a request through the test client activates the visitor's
    language in this thread and Django leaves it active after the response (an English page in one test
    would otherwise name the next test's site in English)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield


@pytest.fixture(autouse=True)
def fresh_site_cache():
    """content.site_cache keeps the Site and the organiser settings per process for a minute; a test's
    database is gone after it, so each test starts with an empty cache (a kept Site of an earlier test
    would name another test's site)."""
    from content import site_cache
    from courses import quiz_places

    site_cache.clear(), quiz_places.clear()
    yield
    site_cache.clear(), quiz_places.clear()


@pytest.fixture
def units(db):
    """Bắc Giang 2023: 1 province, 10 district-level units, 209 communes."""
    if not Locality.objects.exists():
        import_units(DEFAULT_FILE.read_bytes(), DEFAULT_FILE.name)
    return Locality.objects


@pytest.fixture
def home_page(db):
    from content.services import ensure_home_page

    return ensure_home_page()


@pytest.fixture
def province(units):
    return Locality.objects.get(level=Level.PROVINCE, code="24")


@pytest.fixture
def district(units):
    return Locality.objects.get(level=Level.DISTRICT, code="219")  # Huyện Lục Ngạn


@pytest.fixture
def other_district(units):
    return Locality.objects.get(level=Level.DISTRICT, code="220")  # Huyện Sơn Động


@pytest.fixture
def commune(district):
    return district.children.order_by("code").first()


@pytest.fixture
def other_commune(other_district):
    return other_district.children.order_by("code").first()


def make_user(username, full_name="", phone=None, password=PASSWORD, **extra) -> User:
    user = User(username=username, full_name=full_name or username, phone=phone, **extra)
    user.set_password(password)
    user.save()
    return user


def make_learner(commune, phone="0987000001", full_name="Học Viên Một", group=TargetGroup.A) -> User:
    """A registered learner, as after the sign-up's commit (the report summaries count them then)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        user = make_user(phone, full_name=full_name, phone=phone)
        save_learner_profile(user, LearnerData(full_name, phone, commune, group))
    return user


def make_staff(username, role, locality) -> User:
    user = make_user(username)
    assign_role(user, role, locality)
    return user


@pytest.fixture
def learner(commune):
    return make_learner(commune)


@pytest.fixture
def outsider_learner(other_commune):
    return make_learner(other_commune, phone="0987000009", full_name="Người Ngoài")


@pytest.fixture
def trainer(district):
    return make_staff("trainer", Role.TRAINER, district)


@pytest.fixture
def district_manager(district):
    return make_staff("manager", Role.DISTRICT_MANAGER, district)


@pytest.fixture
def outsider_manager(other_district):
    return make_staff("outsider", Role.DISTRICT_MANAGER, other_district)


@pytest.fixture
def province_manager(province):
    return make_staff("province", Role.PROVINCE_MANAGER, province)


def learner_sheet(rows) -> bytes:
    """An XLSX file in the learner-import layout (also the class roster layout)."""
    import io

    from openpyxl import Workbook

    from accounts.services import IMPORT_COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(IMPORT_COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_together(action, times: int = 4) -> tuple[list, list]:
    """Run `action` in `times` threads released at the same instant (a double submit, two tabs).

    Returns (results, errors); each thread closes its own database connection.
    """
    import threading

    from django.db import connections

    barrier, results, errors = threading.Barrier(times), [], []

    def run():
        try:
            barrier.wait()
            results.append(action())
        except Exception as error:  # noqa: BLE001 - returned to the test, which asserts on it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors

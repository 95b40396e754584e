"""Settings for several nodes fail loudly on a bad value; the replica router sends only what it should."""

import pytest

from lms import db_router

from ..lms.test_settings import PROD_ENV, run_manage

PRINT = ("from django.conf import settings as s; print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, "
         "sorted(s.DATABASES), s.STORAGES['private']['BACKEND'])")


@pytest.mark.parametrize("variable, value", [
    ("CACHE_URL", "memcached://127.0.0.1:11211"),
    ("SESSION_STORE", "file"),
    ("MEDIA_STORAGE", "ftp"),
    ("LOG_FORMAT", "xml"),
    ("DATABASE_REPLICA_URL", "mysql://replica/lms"),
])
def test_bad_value_stops_start_up(variable, value):
    result = run_manage("check", extra_env={**PROD_ENV, variable: value})
    assert result.returncode != 0
    assert variable in result.stderr and "ImproperlyConfigured" in result.stderr


def test_cached_sessions_need_a_shared_cache():
    result = run_manage("check", extra_env={**PROD_ENV, "SESSION_STORE": "cached_db"})
    assert result.returncode != 0 and "CACHE_URL" in result.stderr


def test_s3_needs_django_storages_and_a_bucket():
    result = run_manage("check", extra_env={**PROD_ENV, "MEDIA_STORAGE": "s3"})
    assert result.returncode != 0
    import importlib.util

    missing = "django-storages" if importlib.util.find_spec("storages") is None else "S3_BUCKET"
    assert missing in result.stderr


def test_production_shape_settings_are_read():
    env = {**PROD_ENV, "CACHE_URL": "redis://127.0.0.1:6379/5", "SESSION_STORE": "cached_db",
           "DATABASE_REPLICA_URL": "postgres://postgres@127.0.0.1:5432/lms"}
    result = run_manage("shell", "-c", PRINT, extra_env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["django.core.cache.backends.redis.RedisCache",
                                     "lms.cached_sessions", "['default',", "'replica']",
                                     "lms.storage.PrivateFileSystemStorage"]


def test_check_deploy_stays_clean_with_every_node_setting():
    env = {**PROD_ENV, "CACHE_URL": "redis://127.0.0.1:6379/5", "SESSION_STORE": "cached_db",
           "DATABASE_REPLICA_URL": "postgres://postgres@127.0.0.1:5432/lms", "PRIVATE_MEDIA_SERVE": "nginx"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", extra_env=env)
    assert result.returncode == 0, result.stdout + result.stderr


class FakeMeta:
    def __init__(self, app_label):
        self.app_label = app_label


class FakeModel:
    def __init__(self, app_label):
        self._meta = FakeMeta(app_label)


def test_router_reads_from_the_replica_only_inside_replica_reads(monkeypatch):
    router = db_router.ReplicaRouter()
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    learner_row, session = FakeModel("accounts"), FakeModel("sessions")
    assert router.db_for_read(learner_row) == "default"
    with db_router.replica_reads():
        assert router.db_for_read(learner_row) == "replica"
        assert router.db_for_read(session) == "default"  # a session just written must be found
        assert router.db_for_read(FakeModel("axes")) == "default"
        assert router.db_for_write(learner_row) == "default"
    assert router.allow_migrate("replica", "accounts") is False


def test_router_is_silent_without_a_replica():
    router = db_router.ReplicaRouter()
    with db_router.replica_reads():
        assert router.db_for_read(FakeModel("accounts")) is None
        assert router.db_for_write(FakeModel("accounts")) is None


@pytest.mark.parametrize("method, path, replica", [
    ("GET", "/reports/", True),
    ("GET", "/reports/unit/12/", True),
    ("GET", "/admin/reports/statistics/unit/12/", True),
    ("POST", "/reports/learners/export/", False),
    ("GET", "/reports/jobs/5/download/", False),  # the job was just written on the primary
    ("GET", "/learning/", False),
])
def test_replica_reads_middleware_picks_report_pages(rf, method, path, replica):
    seen = []
    middleware = db_router.ReplicaReadsMiddleware(lambda request: seen.append(db_router._use_replica.get()))
    middleware(rf.generic(method, path))
    assert seen == [replica]

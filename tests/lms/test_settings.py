import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.models import User
from lms.settings import env

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "lms.settings.production",
    "DJANGO_SECRET_KEY": "t3st-only-9f8e7d6c5b4a3928171605f4e3d2c1b0a9f8e7d6c5b4a39",
    "DJANGO_ALLOWED_HOSTS": "lms.example.vn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/lms",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


@pytest.mark.parametrize("raw", ["maybe", "2"])
def test_bad_boolean_fails_loudly(monkeypatch, raw):
    monkeypatch.setenv("SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env.env_bool("SOME_FLAG")


def test_bad_integer_and_short_secret_fail_loudly(monkeypatch):
    monkeypatch.setenv("SOME_INT", "ten")
    monkeypatch.setenv("SOME_SECRET", "short")
    with pytest.raises(ImproperlyConfigured, match="SOME_INT"):
        env.env_int("SOME_INT", 1)
    with pytest.raises(ImproperlyConfigured, match="SOME_SECRET"):
        env.env_secret("SOME_SECRET")


def test_values_parse(monkeypatch):
    monkeypatch.setenv("A_FLAG", "Yes")
    monkeypatch.setenv("A_LIST", "a, b,,c")
    assert env.env_bool("A_FLAG") is True
    assert env.env_list("A_LIST") == ["a", "b", "c"]
    assert env.env_int("UNSET_INT_X", 7) == 7


def run_manage(*args, extra_env=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(extra_env or {})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", extra_env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret():
    environment = {k: v for k, v in PROD_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", extra_env=environment)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_postgresql_connections_never_jit_compile():
    """JIT compiled ~300 ms of code for the 5-row polymorphic question query on unanalysed tables (load test)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_production_hashes_passwords_with_argon2_and_still_reads_pbkdf2():
    """Sign-ins were the costliest request under load: Argon2 verifies in half PBKDF2's CPU. A PBKDF2 hash
    from before still verifies, and is due for rewriting as Argon2."""
    script = ("from django.contrib.auth.hashers import make_password, check_password, identify_hasher;"
              "old = make_password('mật-khẩu', hasher='pbkdf2_sha256');"
              "print(make_password('mật-khẩu').split('$')[0], check_password('mật-khẩu', old),"
              " identify_hasher(old).algorithm)")
    result = run_manage("shell", "-v", "0", "-c", script, extra_env=PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["argon2", "True", "pbkdf2_sha256"]


@pytest.mark.django_db
def test_postgresql_prepares_a_query_the_connection_runs_again(learner):
    """Planning cost more than running the learner pages' queries: the fifth run of a query is prepared."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL setting")
    for _ in range(6):
        assert User.objects.filter(pk=learner.pk, username__startswith="09").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s AND statement LIKE %s",
                       ["%accounts_user%", "%LIKE%"])
        assert cursor.fetchone()[0] >= 1


def test_prepared_statements_can_be_turned_off():
    environment = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/lms_none",
                   "DJANGO_SETTINGS_MODULE": "lms.settings.dev"}
    code = "from django.conf import settings; print(sorted(settings.DATABASES['default']['OPTIONS']))"
    on = run_manage("shell", "-c", code, extra_env=environment)
    off = run_manage("shell", "-c", code, extra_env={**environment, "DATABASE_PREPARED_STATEMENTS": "false"})
    assert "'prepare_threshold', 'server_side_binding'" in on.stdout, on.stderr
    assert "server_side_binding" not in off.stdout and "options" in off.stdout, off.stderr

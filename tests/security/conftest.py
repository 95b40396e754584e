"""The scope matrix's world (built once per module) and the Hypothesis profiles of this folder."""

import os

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings

# "dev" for a quick local run, "ci" (CI=true, as CI sets it) for the ≥ 1,000 examples the issue asks for.
settings.register_profile("dev", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("ci", max_examples=1000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction that is rolled back at the end of the module.

    Each test takes the `db` fixture too: its own savepoint, rolled back after it, so a POST leaves the world as
    it was for the next cell.
    """
    from .world import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)

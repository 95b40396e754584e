"""lms.db.atomic_with_retry: a transaction aborted as a deadlock victim runs once more, and only once."""

import psycopg
import pytest
from django.db import OperationalError, transaction

from accounts.models import User
from lms.db import atomic_with_retry


def _aborted(error_class):
    try:
        raise error_class("aborted by the server")
    except psycopg.Error as cause:
        try:
            raise OperationalError(str(cause)) from cause
        except OperationalError as error:
            return error


def _flaky(failures: list):
    calls = []

    @atomic_with_retry
    def create_user():
        calls.append(1)
        User.objects.create(username=f"u{len(calls)}")
        if failures:
            raise failures.pop(0)

    return create_user, calls


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("error_class", [psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure])
def test_a_deadlock_victim_runs_once_more(error_class):
    create_user, calls = _flaky([_aborted(error_class)])
    create_user()
    assert len(calls) == 2
    assert list(User.objects.values_list("username", flat=True)) == ["u2"]  # the first try rolled back


@pytest.mark.django_db(transaction=True)
def test_a_second_failure_and_other_errors_pass_through():
    create_user, calls = _flaky([_aborted(psycopg.errors.DeadlockDetected)] * 2)
    with pytest.raises(OperationalError):
        create_user()
    assert len(calls) == 2 and not User.objects.exists()
    create_user, calls = _flaky([_aborted(psycopg.errors.UndefinedTable)])
    with pytest.raises(OperationalError):
        create_user()
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_inside_an_outer_transaction_it_is_not_retried():
    create_user, calls = _flaky([_aborted(psycopg.errors.DeadlockDetected)])
    with pytest.raises(OperationalError), transaction.atomic():
        create_user()
    assert len(calls) == 1

"""Database plumbing shared by the apps: named locks that no row lock can cycle with, and one retry.

Row locks (`SELECT … FOR UPDATE`) on rows that other tables point to take part in the foreign-key checks
of every transaction that inserts a row pointing to them: a request inserting a progress row holds a
key-share lock on its learner and commune until it commits. A recount that locked learners and units
`FOR UPDATE` waited for those requests while they waited for it: PostgreSQL deadlocks under load.
Advisory locks name a resource without locking any row, so only the code that asks for them can wait
on them, and it asks in one order.
"""

import functools
import logging
import zlib

from django.db import OperationalError, connection, transaction

logger = logging.getLogger(__name__)

# SQLSTATEs of a transaction that lost a race and may simply be run again.
RETRYABLE_SQLSTATES = {"40P01", "40001"}  # deadlock_detected, serialization_failure


def advisory_lock(namespace: str, ids) -> None:
    """Hold an exclusive lock on each (namespace, id) until the transaction ends, taken in id order.

    PostgreSQL only: SQLite lets one writer at a time anyway. Must be called inside a transaction."""
    if connection.vendor != "postgresql":
        return
    ids = sorted(set(ids))
    if not ids:
        return
    with connection.cursor() as cursor:
        # One statement; PostgreSQL evaluates a volatile function of the select list after ORDER BY.
        cursor.execute("SELECT pg_advisory_xact_lock(%s, id) FROM unnest(%s::integer[]) AS id ORDER BY id",
                       [_namespace_key(namespace), ids])
        cursor.fetchall()


def _namespace_key(namespace: str) -> int:
    """A stable 32-bit key for a lock namespace ("reports.learner")."""
    return zlib.crc32(namespace.encode()) & 0x7FFFFFFF


def is_retryable(error: Exception) -> bool:
    cause = getattr(error, "__cause__", None)
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES


def atomic_with_retry(func):
    """Run `func` in its own transaction; if the database aborts it as a deadlock victim or a
    serialization failure, run it once more. Nested inside another transaction it cannot be retried
    alone (the outer one is already aborted), so there the error passes through unchanged."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if connection.in_atomic_block:
            with transaction.atomic():
                return func(*args, **kwargs)
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except OperationalError as error:
            if not is_retryable(error):
                raise
            logger.warning("%s: transaction aborted (%s), running it once more", func.__qualname__, error)
        with transaction.atomic():
            return func(*args, **kwargs)

    return wrapper

"""Report reads on a read replica (DATABASE_REPLICA_URL), everything else on the primary.

Reads go to the replica only inside `replica_reads()`: report pages (GET under REPLICA_READ_PATHS, by the
middleware below), the report tasks named in REPLICA_READ_TASKS (lms/celery.py) and `manage.py on_replica`.
Writes always go to the primary. Sessions, lockouts and the outbox are read from the primary even there: a
replica a second behind would not know the session just created or the lockout just recorded.

A replica lags: a rebuild that reads it writes the counts as of its last replayed change, and the hourly
drift check (or the next refresh of those learners) brings the few rows changed meanwhile up to date.
Without DATABASE_REPLICA_URL there is no "replica" connection and this router says nothing.

Plumbing: imports no app.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY_ONLY_APPS = {"sessions", "lms", "axes", "outbox"}  # lms: its sessions
_use_replica = contextvars.ContextVar("use_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads():
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _use_replica.get() and model._meta.app_label not in PRIMARY_ONLY_APPS and replica_configured():
            return REPLICA
        return "default" if replica_configured() else None

    def db_for_write(self, model, **hints):
        return "default" if replica_configured() else None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows: an object read there may point to one read here

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA  # the replica gets its schema by replication


class ReplicaReadsMiddleware:
    """Report pages (GET, HEAD) read from the replica; a POST (an export asked for) and an export job's pages
    (status, download: the job was just written) read the primary."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.REPLICA_READ_PATHS)
        self.skipped = tuple(getattr(settings, "REPLICA_SKIP_PATHS", ()))

    def __call__(self, request):
        path = request.path_info
        if request.method in ("GET", "HEAD") and path.startswith(self.prefixes) and not path.startswith(self.skipped):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)

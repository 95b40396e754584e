"""`/healthz` and `/readyz` for load balancers, systemd and Docker.

`/healthz`: this process answers (no database call, so a database outage does not get every node killed).
`/readyz`: the database (and replica), the cache and the broker answer; 503 naming what failed. The body never
holds an error text: a driver's message can carry a host, a user or a password. The error goes to the log.

Both are answered by a middleware placed first, before the host check and the HTTPS redirect: a probe comes
over plain HTTP with whatever Host header the balancer uses.

Plumbing: imports no app.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse

logger = logging.getLogger(__name__)

PATHS = {"/healthz": "live", "/readyz": "ready"}


def check_databases() -> None:
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()


def check_cache() -> None:
    key = "lms:readyz"
    value = str(time.monotonic())
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("cache did not keep a value")


def check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"  # no broker configured: tasks run in the web process
    from celery import current_app

    with current_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)
    return "ok"


CHECKS = {"database": check_databases, "cache": check_cache, "broker": check_broker}


def readiness() -> tuple[bool, dict]:
    results, ready = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check() or "ok"
        except Exception:  # any failure means "not ready"; what it was goes to the log only
            logger.exception("readyz: %s is not answering", name)
            results[name], ready = "error", False
    return ready, results


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        kind = PATHS.get(request.path_info.rstrip("/"))
        if kind is None:
            return self.get_response(request)
        if kind == "live":
            response = JsonResponse({"status": "ok"})
        else:
            ready, results = readiness()
            response = JsonResponse({"status": "ok" if ready else "error", "checks": results},
                                    status=200 if ready else 503)
        response["Cache-Control"] = "no-store"
        return response

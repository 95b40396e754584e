"""Request ids, JSON log lines and the optional Sentry hook.

Every log line a request writes carries its request id: the one nginx sent (`X-Request-ID`, nginx's
`$request_id`) when it looks like one, else a fresh one. The id goes back in the response header, rides on
the outbox message of every task the request caused (outbox/services.py), and is set again in the worker while
that task runs, so one grep follows a click from nginx's access log through gunicorn to Celery.

Plumbing: imports no app.
"""

import contextvars
import json
import logging
import re
import uuid
from contextlib import contextmanager

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")  # anything else (a forged log line) is replaced
_request_id = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    return _request_id.get()


@contextmanager
def request_id_context(value: str | None):
    token = _request_id.set(value or "-")
    try:
        yield
    finally:
        _request_id.reset(token)


def clean_request_id(raw: str | None) -> str:
    return raw if raw and _VALID_ID.match(raw) else uuid.uuid4().hex


class RequestIdMiddleware:
    """First in the chain, so every later line of the request carries the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = clean_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        with request_id_context(request_id):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `record.request_id` (the request's or task's id, "-" outside both)."""

    def filter(self, record):
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: what log shippers (journald, Loki, Docker) read without a parser."""

    def format(self, record):
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", current_request_id()),
            "message": record.getMessage(),
        }
        task_id = getattr(record, "task_id", None)
        if task_id:
            line["task_id"] = task_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(level: str, fmt: str) -> dict:
    """LOGGING for settings: `fmt` is "json" (production) or "text" (a terminal)."""
    formatters = {
        "json": {"()": "lms.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "lms.observability.RequestIdFilter"}},
        "formatters": {"main": formatters[fmt]},
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "main"}},
        "root": {"handlers": ["console"], "level": level},
        # Celery's own loggers propagate to root once the worker does not take root over (settings).
        "loggers": {"celery": {"level": level}},
    }


def init_sentry(dsn: str, environment: str) -> None:
    """Errors to Sentry when SENTRY_DSN is set; sentry-sdk is optional, so a DSN without it fails loudly."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        import sentry_sdk
        from sentry_sdk.integrations.celery import CeleryIntegration
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError as error:
        raise ImproperlyConfigured("SENTRY_DSN is set but sentry-sdk is not installed "
                                   "(pip install 'lms[sentry]')") from error
    # send_default_pii=False: no user names, addresses or cookies of officials leave the installation.
    sentry_sdk.init(dsn=dsn, environment=environment, send_default_pii=False,
                    integrations=[DjangoIntegration(), CeleryIntegration()])

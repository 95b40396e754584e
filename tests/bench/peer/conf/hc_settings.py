"""A over plain HTTP on 127.0.0.1: lms.settings.production (DEBUG off) with the same overrides as
tests/bench/locust_settings.py (non-secure cookies, no SSL redirect, no HSTS, plain static storage).
DATABASE_URL and DATABASE_CONN_MAX_AGE come from the environment (read by lms.settings.base)."""

from lms.settings.production import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
ROOT_URLCONF = "hc_urls"

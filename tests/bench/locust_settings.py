"""Settings for the load test: production settings, served over plain HTTP on 127.0.0.1 (no nginx in front).

Cookies are not marked secure (Locust talks HTTP) and static files are not fingerprinted (it fetches none).
"""

from lms.settings.production import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

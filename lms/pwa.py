"""The installable app: the web manifest and the service worker, both served from the site root.

The worker must be served from "/" (not /static/) for its scope to cover every page. Its body is
lms/static/js/sw.js behind a short prelude this view writes: the app shell's URLs (as `{% static %}`
names them, hashed names included when a manifest storage is used), a version that changes whenever
the shell or the worker changes (a new version installs itself and drops the old shell cache), and the
few words the worker shows offline, translated. See README "Learning offline".
"""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# Static files every page may use, cached when the worker installs: a returning learner's page then
# costs one HTML response (scripts, styles and icons come from the cache), and pages open offline.
SHELL_FILES = [
    "css/site.css", "js/queue.js", "js/offline.js", "courses/progress.js", "assessments/quiz.css",
    "icons/icon-192.png", "icons/icon-512.png",
]
WORKER_MAX_AGE = 3600  # seconds
WORKER_SCRIPTS = ["js/sw.js", "js/queue.js"]  # the worker's own code (importScripts), for the budget test


def _read_static(name: str) -> bytes:
    path = finders.find(name)
    with open(path, "rb") as handle:
        return handle.read()


@lru_cache(maxsize=1)
def _worker_source() -> tuple[str, str]:
    """The worker's code and its version (a hash of the worker and of every shell file)."""
    digest = hashlib.sha256()
    for name in SHELL_FILES + WORKER_SCRIPTS:
        digest.update(_read_static(name))
    return _read_static("js/sw.js").decode(), digest.hexdigest()[:12]


def worker_prelude(version: str) -> str:
    config = {
        "version": version,
        "shell": [static(name) for name in SHELL_FILES],
        "queueScript": static("js/queue.js"),
        "staticPrefix": settings.STATIC_URL,
        "mediaPrefixes": [settings.MEDIA_URL, "/documents/"],
        "offlineTitle": _("Không có kết nối mạng"),
        "offlineText": _("Trang này chưa được tải về máy. Hãy mở “Dữ liệu đã tải” để xem các chuyên đề "
                         "học được khi không có mạng."),
        "offlineLink": "/learning/offline/",
        "offlineLinkText": _("Dữ liệu đã tải"),
    }
    return f"self.LMS = {json.dumps(config, ensure_ascii=False)};\n"


@require_GET
def service_worker(request):
    source, version = _worker_source()
    response = HttpResponse(worker_prelude(version) + source, content_type="text/javascript; charset=utf-8")
    # Browsers check the worker for updates on every navigation; offline.js registers it with
    # updateViaCache "all", so that check is answered from the HTTP cache for this long (a phone on paid
    # data does not ask again on each page) and a new version reaches learners within the hour.
    response["Cache-Control"] = f"max-age={WORKER_MAX_AGE}"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request):
    data = {
        "name": settings.WAGTAIL_SITE_NAME,
        "short_name": _("Bồi dưỡng TTCS"),
        "description": _("Học các chuyên đề bồi dưỡng thông tin cơ sở, cả khi không có mạng."),
        "lang": "vi",
        "start_url": "/learning/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#0b3d75",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "any maskable"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "public, max-age=86400"
    return response

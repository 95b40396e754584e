from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import FileResponse
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms import pwa

# The 500 page shows the request id (lms/errors.py); 400/403/404 are Django's with the templates in lms/templates.
handler500 = "lms.errors.server_error"


@require_safe
@cache_control(public=True, max_age=30 * 24 * 3600)
def favicon(request):
    """Browsers ask for /favicon.ico on every page: a 1 KB icon, not a 404 page (lms/static/favicon.ico)."""
    return FileResponse(open(finders.find("favicon.ico"), "rb"), content_type="image/x-icon")


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    # At the root: a service worker's scope is the folder it is served from (lms/pwa.py).
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="web_manifest"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("learning/", include("courses.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include("content.urls"))]
urlpatterns += [path("quizzes/", include("assessments.urls"))]
urlpatterns += [path("", include("courses.certificates.urls")), path("inbox/", include("notifications.urls"))]
urlpatterns += [path("reports/", include("reports.urls"))]
# Wagtail's page tree serves everything else; keep it last. Program and lesson pages take a shorter way
# (one query on the tree, courses/page_serving.py) and hand anything else to Wagtail's serve.
urlpatterns += [path("", include("courses.page_urls")), path("", include(wagtail_urls))]

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import FileResponse
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls


@require_safe
@cache_control(public=True, max_age=30 * 24 * 3600)
def favicon(request):
    """Browsers ask for /favicon.ico on every page: a 1 KB icon, not a 404 page (lms/static/favicon.ico)."""
    return FileResponse(open(finders.find("favicon.ico"), "rb"), content_type="image/x-icon")


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
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
# Wagtail's page tree serves everything else; keep it last.
urlpatterns += [path("", include(wagtail_urls))]

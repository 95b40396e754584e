"""A's own URLconf plus two ceiling probes, ahead of Wagtail's catch-all:
/hc-ping/        a trivial view (small HttpResponse) through A's full middleware stack
/hc-cached-home/ A's home page (Wagtail serve of "/") behind Django's per-view cache (cache_page)."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import cache_page
from wagtail.views import serve

from lms.urls import urlpatterns as lms_urlpatterns


def ping(request):
    return HttpResponse(b"ok\n", content_type="text/plain")


def home(request):
    return serve(request, "")


urlpatterns = [
    path("hc-ping/", ping),
    path("hc-cached-home/", cache_page(600, key_prefix="hc")(home)),
    *lms_urlpatterns,
]

"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from lms.urls import handler500  # noqa: F401 - handler500 is looked up here
from lms.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


def forbidden(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("deliberate")


urlpatterns = [path("test-boom/", boom), path("test-forbidden/", forbidden), path("test-suspicious/", suspicious),
               *site_urlpatterns]

"""Ahead of Wagtail's catch-all (lms/urls.py): program and lesson pages served by courses.page_serving.
Same pattern as Wagtail's serve URL, minus its `_util/` views."""

from django.urls import re_path

from .page_serving import serve

urlpatterns = [re_path(r"^(?!_util/)(?P<path>(?:[\w\-]+/)*)$", serve, name="courses_serve")]

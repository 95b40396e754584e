from django.urls import path

from . import views_press

# Mounted inside the Wagtail admin by reports/wagtail_hooks.py.
urlpatterns = [
    path("", views_press.press_report, name="report"),
    path("xlsx/", views_press.press_report_export, name="export"),
]

"""Statistics: the phone version under /reports/; the same views are mounted in the Wagtail admin."""

from django.urls import path

from . import views


def patterns(layout: str) -> list:
    kwargs = {"layout": layout}
    return [
        path("", views.statistics, kwargs, name="statistics"),
        path("unit/<int:locality_id>/", views.statistics, kwargs, name="unit"),
        path("export/", views.export_view, kwargs, name="export"),
        path("unit/<int:locality_id>/export/", views.export_view, kwargs, name="unit_export"),
        path("learners/export/", views.start_learner_export, kwargs, name="learner_export"),
        path("unit/<int:locality_id>/learners/export/", views.start_learner_export, kwargs,
             name="unit_learner_export"),
        path("jobs/<int:job_id>/", views.job_page, kwargs, name="job"),
        path("jobs/<int:job_id>/status/", views.job_status, kwargs, name="job_status"),
        path("jobs/<int:job_id>/download/", views.job_download, kwargs, name="download"),
        path("jobs/<int:job_id>/retry/", views.job_retry, kwargs, name="retry"),
    ]


app_name = "reports"
urlpatterns = patterns("site")

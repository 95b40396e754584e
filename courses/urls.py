from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("programs/<int:program_id>/enrol/", views.enrol, name="enrol"),
    path("programs/<int:program_id>/unenrol/", views.unenrol, name="unenrol"),
    path("lessons/<int:lesson_id>/complete/", views.complete_lesson, name="complete_lesson"),
    path("api/progress/", views.progress_event, name="progress_event"),
]

admin_urlpatterns = [
    path("bulk-enrol/", views.bulk_enrol, name="bulk_enrol"),
]

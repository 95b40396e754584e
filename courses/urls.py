from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("programs/<int:program_id>/enrol/", views.enrol, name="enrol"),
    path("programs/<int:program_id>/unenrol/", views.unenrol, name="unenrol"),
    path("lessons/<int:lesson_id>/complete/", views.complete_lesson, name="complete_lesson"),
    path("api/progress/", views.progress_event, name="progress_event"),
    path("modules/<int:module_id>/package/", views.package, name="module_package"),
    path("offline/", views.offline_downloads, name="offline_downloads"),
]

admin_urlpatterns = [
    path("bulk-enrol/", views.bulk_enrol, name="bulk_enrol"),
]

from .practice import views as practice_views  # noqa: E402

urlpatterns += [
    path("lessons/<int:lesson_id>/practice/<str:block_id>/", practice_views.submit, name="practice_submit"),
    path("practice/<int:submission_id>/file/", practice_views.file, name="practice_file"),
]
admin_urlpatterns += [
    path("practice/<int:submission_id>/", practice_views.mark, name="practice_mark"),
]

from .classes import views as class_views  # noqa: E402

urlpatterns += [
    path("classes/", class_views.my_classes, name="my_classes"),
    path("classes/check-in/", class_views.check_in, name="class_check_in"),
    path("classes/manage/", class_views.manage, name="class_manage"),
    path("classes/report/", class_views.report, name="class_report"),
    path("classes/new/", class_views.create, name="class_create"),
    path("classes/<int:class_id>/", class_views.detail, name="class_detail"),
    path("classes/<int:class_id>/invite/", class_views.invite, name="class_invite"),
    path("classes/<int:class_id>/roster/", class_views.roster, name="class_roster"),
    path("classes/<int:class_id>/walk-in/", class_views.walk_in, name="class_walk_in"),
    path("classes/<int:class_id>/sessions/<int:session_id>/", class_views.attendance, name="class_attendance"),
    path("classes/<int:class_id>/sessions/<int:session_id>/hours/", class_views.session_hours,
         name="class_session_hours"),
    path("classes/<int:class_id>/sessions/<int:session_id>/qr.svg", class_views.session_qr, name="class_qr"),
]

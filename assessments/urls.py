from django.urls import path

from . import offline, views

app_name = "assessments"

urlpatterns = [
    path("<int:pk>/", views.start_page, name="start"),
    path("<int:pk>/start/", views.start, name="begin"),
    path("attempts/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/save/", views.save, name="save"),
    path("attempts/<int:attempt_id>/review/", views.review, name="review"),
    path("attempts/<int:attempt_id>/submit/", views.submit, name="submit"),
    path("attempts/<int:attempt_id>/result/", views.result, name="result"),
    path("answers/<int:answer_id>/file/", views.answer_file, name="answer_file"),
    path("offline/", offline.offline_quiz_page, name="offline_quiz"),
    path("offline/attempts/", offline.offline_attempt, name="offline_attempt"),
]

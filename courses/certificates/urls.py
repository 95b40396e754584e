from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("certificates/", views.my_certificates, name="mine"),
    path("certificates/<int:certificate_id>/download/", views.download, name="download"),
    path("certificates/manage/", views.manage_list, name="manage_list"),
    path("certificates/manage/<int:certificate_id>/", views.manage_detail, name="manage_detail"),
    path("certificates/manage/<int:certificate_id>/revoke/", views.revoke, name="revoke"),
    path("certificates/manage/<int:certificate_id>/reissue/", views.reissue, name="reissue"),
]

from django.urls import path

from . import views

app_name = "content"

# Distinct prefixes so that these never shadow pages of the Wagtail tree.
urlpatterns = [
    path("tac-pham/", views.work_list, name="work_list"),
    path("tac-pham/<int:pk>/", views.work_detail, name="work_detail"),
    path("tai-lieu/", views.material_list, name="material_list"),
    path("tai-lieu/<int:pk>/tai-ve/", views.material_download, name="material_download"),
]

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from accounts.wagtail_hooks import ManagerMenuItem

from .urls import admin_urlpatterns


@hooks.register("register_admin_urls")
def register_courses_admin_urls():
    return [path("courses/", include((admin_urlpatterns, "courses_admin")))]


@hooks.register("register_admin_menu_item")
def register_bulk_enrol_menu_item():
    return ManagerMenuItem(_("Ghi danh hàng loạt"), reverse("courses_admin:bulk_enrol"), icon_name="group",
                           order=902)

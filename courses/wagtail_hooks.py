from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts import access
from accounts.wagtail_hooks import ManagerMenuItem

from .urls import admin_urlpatterns


@hooks.register("register_admin_urls")
def register_courses_admin_urls():
    return [path("courses/", include((admin_urlpatterns, "courses_admin")))]


@hooks.register("register_admin_menu_item")
def register_bulk_enrol_menu_item():
    return ManagerMenuItem(_("Ghi danh hàng loạt"), reverse("courses_admin:bulk_enrol"), icon_name="group",
                           order=902)


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return access.is_staff_member(request.user)


@hooks.register("register_admin_menu_item")
def register_classes_menu_item():
    return StaffMenuItem(_("Lớp tập huấn"), reverse("courses:class_manage"), icon_name="date", order=903)


@hooks.register("register_admin_menu_item")
def register_class_report_menu_item():
    return StaffMenuItem(_("Thống kê lớp tập huấn"), reverse("courses:class_report"), icon_name="table", order=904)

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import access, views
from .urls import admin_urlpatterns


@hooks.register("register_admin_urls")
def register_accounts_admin_urls():
    return [path("learners/", include((admin_urlpatterns, "accounts_admin"))),
            path("appointments/retired/", views.retired_appointments, name="accounts_retired_appointments")]


class ManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return access.is_manager(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ManagerMenuItem(_("Nhập danh sách học viên"), reverse("accounts_admin:import"),
                           icon_name="upload", order=900)


@hooks.register("register_admin_menu_item")
def register_pending_menu_item():
    return ManagerMenuItem(_("Duyệt tài khoản"), reverse("accounts_admin:pending"),
                           icon_name="user", order=901)


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return access.has_full_access(request.user)


@hooks.register("register_admin_menu_item")
def register_retired_appointments_menu_item():
    return SuperuserMenuItem(_("Phân công ở đơn vị đã sắp xếp lại"), reverse("accounts_retired_appointments"),
                             icon_name="group", order=902)

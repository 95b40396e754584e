from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts import access

from .urls_press import urlpatterns as press_urlpatterns


@hooks.register("register_admin_urls")
def register_press_report_urls():
    return [path("reports/press/", include((press_urlpatterns, "press_report")))]


class ManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return access.is_manager(request.user)


@hooks.register("register_admin_menu_item")
def register_press_report_menu_item():
    return ManagerMenuItem(_("Báo cáo tác phẩm báo chí"), reverse("press_report:report"),
                           icon_name="table", order=920)


# Completion statistics (issue 5) ---------------------------------------------------------------

@hooks.register("register_admin_urls")
def register_statistics_urls():
    from .urls import patterns

    return [path("reports/statistics/", include((patterns("admin"), "reports_admin")))]


@hooks.register("register_admin_menu_item")
def register_statistics_menu_item():
    return ManagerMenuItem(_("Thống kê học viên"), reverse("reports_admin:statistics"), icon_name="table",
                           order=910)


@hooks.register("register_admin_urls")
def register_class_figures_urls():
    from .views_classes import class_statistics

    return [path("reports/classes/", include(([
        path("", class_statistics, name="classes"),
        path("unit/<int:locality_id>/", class_statistics, name="unit"),
    ], "class_figures")))]


# The staff landing place (issue 15, item 2): reports/dashboard.py ---------------------------------

@hooks.register("construct_homepage_panels")
def add_staff_work_panel(request, panels):
    from .dashboard import add_staff_work_panel as add

    add(request, panels)


@hooks.register("construct_main_menu")
def group_staff_menu(request, menu_items):
    from .dashboard import group_staff_menu as group

    group(request, menu_items)

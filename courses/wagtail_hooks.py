from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.models import AbstractPage
from wagtail.permissions import register_permission_policy

from accounts import access
from accounts.wagtail_hooks import ManagerMenuItem

from .admin_scope import (
    UNSCOPED_VIEWS,
    ScopedModerationPanel,
    ScopedPagePermissionPolicy,
    hidden_pages,
    without_hidden,
)
from .urls import admin_urlpatterns

# First, before anything asks Wagtail for the page policy (Wagtail's advice for custom policies).
register_permission_policy(AbstractPage, ScopedPagePermissionPolicy())


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


# Other units' local lessons stay out of the trainer's admin (see courses/admin_scope.py).

@hooks.register("construct_explorer_page_queryset")
def hide_out_of_scope_pages_in_explorer(parent_page, pages, request):
    return without_hidden(pages, request.user)


@hooks.register("construct_page_chooser_queryset")
def hide_out_of_scope_pages_in_chooser(pages, request):
    return without_hidden(pages, request.user)


@hooks.register("construct_homepage_panels")
def scope_moderation_panel(request, panels):
    panels[:] = [ScopedModerationPanel() if type(panel) is WorkflowObjectsToModeratePanel else panel
                 for panel in panels]


@hooks.register("construct_reports_menu")
def hide_unscoped_reports(request, menu_items):
    # Only users shown the report (those with page permissions) pay for the query, once a request.
    unscoped = [item for item in menu_items if _is_unscoped(item)]
    if not unscoped or access.has_full_access(request.user):
        return
    if not hasattr(request, "_hides_pages"):
        request._hides_pages = hidden_pages(request.user).exists()
    if request._hides_pages:
        menu_items[:] = [item for item in menu_items if item not in unscoped]


def _is_unscoped(item) -> bool:
    return any(item.url == reverse(name) for name in UNSCOPED_VIEWS)

"""Wagtail admin for press works and materials, restricted to the editor's locality scope.

Staff groups only carry `access_admin`; the scope from `accounts.access` is what decides who may list,
edit and delete a record, so a custom permission policy replaces Django model permissions here.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies.base import BasePermissionPolicy

from accounts import access
from accounts.models import STAFF_ROLES

from . import services
from .exceptions import ContentError
from .forms import MaterialAdminForm, PressWorkAdminForm
from .models import Material, PressWork


class ScopedStaffPolicy(BasePermissionPolicy):
    """Any staff member may work on the model; each record only within their locality scope."""

    def __init__(self, model, locality_field):
        super().__init__(model)
        self.locality_field = locality_field

    def user_has_permission(self, user, action):
        return access.is_staff_member(user)

    def user_has_any_permission(self, user, actions):
        return access.is_staff_member(user)

    def users_with_any_permission(self, actions):
        staff = Q(is_superuser=True) | Q(role_assignments__role__in=STAFF_ROLES)
        return get_user_model().objects.filter(staff, is_active=True).distinct()

    def user_has_permission_for_instance(self, user, action, instance):
        # The scope is cached on the user and the locality is select_related: no query per row.
        return access.can_see_locality(user, getattr(instance, self.locality_field))

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_permission_for_instance(user, None, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        return self.scoped(user)

    def scoped(self, user):
        return access.filter_in_scope(self.model._default_manager.all(), user, f"{self.locality_field}__path")


class ScopedIndexMixin:
    def get_base_queryset(self):
        return self.permission_policy.scoped(self.request.user).select_related(*self.related)


class ScopedObjectMixin:
    """A record outside the editor's scope is answered as if it did not exist."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, "change", obj):
            raise Http404
        return obj


class ServiceSaveMixin:
    """Saving goes through the content service, which re-checks scope and the featured flag."""

    save_service = None
    log_action = "wagtail.edit"

    def save_instance(self):
        try:
            instance = type(self).save_service(self.request.user, self.form)
        except ContentError as error:
            raise PermissionDenied(str(error)) from error
        log(instance=instance, action=self.log_action, user=self.request.user)
        return instance


class ServiceDeleteMixin:
    delete_service = None

    def delete_action(self):
        try:
            type(self).delete_service(self.request.user, self.object)
        except ContentError as error:
            raise PermissionDenied(str(error)) from error


def scoped_views(model_name, save, delete, related):
    """A mixin holding the scoped index / create / edit / delete / history / usage views of one model."""
    return type(f"{model_name}ScopedViews", (), {
        "index_view_class": type(f"{model_name}IndexView", (ScopedIndexMixin, generic.IndexView),
                                 {"related": related}),
        "add_view_class": type(f"{model_name}CreateView", (ServiceSaveMixin, generic.CreateView),
                               {"save_service": save, "log_action": "wagtail.create"}),
        "edit_view_class": type(f"{model_name}EditView", (ScopedObjectMixin, ServiceSaveMixin, generic.EditView),
                                {"save_service": save}),
        "delete_view_class": type(f"{model_name}DeleteView",
                                  (ScopedObjectMixin, ServiceDeleteMixin, generic.DeleteView),
                                  {"delete_service": delete}),
        "history_view_class": type(f"{model_name}HistoryView", (ScopedObjectMixin, HistoryView), {}),
        "usage_view_class": type(f"{model_name}UsageView", (ScopedObjectMixin, UsageView), {}),
    })


press_work_policy = ScopedStaffPolicy(PressWork, "unit")
material_policy = ScopedStaffPolicy(Material, "locality")


class PressWorkViewSet(scoped_views("PressWork", services.save_press_work, services.delete_press_work,
                                    ["unit"]), ModelViewSet):
    model = PressWork
    icon = "media"
    menu_label = _("Tác phẩm báo chí")
    add_to_admin_menu = True
    menu_order = 310
    copy_view_enabled = False
    inspect_view_enabled = False
    # The year as written ("2026"), not as a localised number ("2.026").
    list_display = ["title", "kind", "topic", "unit",
                    Column("funding_year", label=_("Năm kinh phí"), accessor=lambda work: str(work.funding_year),
                           sort_key="funding_year"),
                    "status", "featured"]
    list_filter = ["kind", "topic", "status", "featured", "funding_year"]
    search_fields = ["title", "summary", "authors"]
    edit_handler = ObjectList([
        FieldPanel("title"), FieldPanel("kind"), FieldPanel("topic"), FieldPanel("unit"),
        FieldPanel("localities"), FieldPanel("press_agency"), FieldPanel("authors"),
        FieldPanel("funding_year"), FieldPanel("summary"), FieldPanel("link"), FieldPanel("cover"),
        FieldPanel("status"), FieldPanel("featured"),
        InlinePanel("files", label=_("Tệp")), InlinePanel("broadcasts", label=_("Lần phát sóng")),
    ], base_form_class=PressWorkAdminForm)


class MaterialViewSet(scoped_views("Material", services.save_material, services.delete_material,
                                   ["locality", "program_page"]), ModelViewSet):
    model = Material
    icon = "doc-full"
    menu_label = _("Thư viện tài liệu")
    add_to_admin_menu = True
    menu_order = 311
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["title", "kind", "locality", "program_page", "published"]
    list_filter = ["kind", "published"]
    search_fields = ["title", "description"]
    edit_handler = ObjectList([
        FieldPanel("title"), FieldPanel("kind"), FieldPanel("file"), FieldPanel("description"),
        FieldPanel("locality"), FieldPanel("program_page"), FieldPanel("published"),
    ], base_form_class=MaterialAdminForm)

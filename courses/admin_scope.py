"""Keep other units' local lessons out of a trainer's Wagtail admin.

Wagtail shows every page under a permission it grants: a district trainer's "add" on the
curriculum lets them explore, search and read the history of the whole tree, including the
titles of another district's local lessons. Three pieces close that:

- `ScopedPagePermissionPolicy` (registered in wagtail_hooks) subtracts those lessons from what
  Wagtail lets the user explore or act on: explorer, page search, the sidebar explorer API,
  site history and the other reports all ask this policy;
- the page chooser, which does not ask the policy, is filtered by a hook (wagtail_hooks);
- `HideOutOfScopePagesMiddleware` answers 404 on every admin view of such a page (edit,
  history, revisions, preview, usage, ...) and on the page-types report, which names the last
  edited page of each type whatever the user may see.

Scope comes from accounts.access, like every other scope decision.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.models import Page, TaskState
from wagtail.permission_policies.pages import PagePermissionPolicy

from accounts import access

from .models import LessonPage

# URL keyword arguments through which Wagtail admin views name a page.
PAGE_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")
# Views that list pages without asking the permission policy.
UNSCOPED_VIEWS = {"wagtailadmin_reports:page_types_usage", "wagtailadmin_reports:page_types_usage_results"}


def hidden_pages(user) -> QuerySet:
    """Local lessons whose unit lies outside the user's staff scope."""
    local = LessonPage.objects.filter(local_unit__isnull=False)
    if access.has_full_access(user):
        return local.none()
    in_scope = access.filter_in_scope(local, user, "local_unit__path")
    return local.exclude(pk__in=in_scope.values("pk"))


def without_hidden(pages: QuerySet, user) -> QuerySet:
    if access.has_full_access(user):
        return pages
    return pages.exclude(pk__in=hidden_pages(user).values("pk"))


def moderation_states(user) -> QuerySet:
    """Task states the user may act on, minus those of pages outside their scope: Wagtail's
    `reviewable_by` grants a moderators' group every page in the tree, whatever the member's unit."""
    states = TaskState.objects.reviewable_by(user)
    if access.has_full_access(user):
        return states
    hidden_ids = hidden_pages(user).annotate(pk_text=Cast("pk", CharField())).values("pk_text")
    return states.exclude(workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
                          workflow_state__object_id__in=hidden_ids)


class ScopedModerationPanel(WorkflowObjectsToModeratePanel):
    """Wagtail's "awaiting your review" panel without the pages outside the user's scope (the count of
    the staff panel, reports.dashboard, reads the same `moderation_states`)."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        user = parent_context["request"].user
        if context["states"] and not access.has_full_access(user):
            hidden = set(hidden_pages(user).filter(pk__in=[
                state["obj"].pk for state in context["states"] if isinstance(state["obj"], Page)
            ]).values_list("pk", flat=True))
            context["states"] = [state for state in context["states"]
                                 if not (isinstance(state["obj"], Page) and state["obj"].pk in hidden)]
        return context


class ScopedPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, minus the local lessons outside the user's scope."""

    def explorable_instances(self, user):
        return without_hidden(super().explorable_instances(user), user)

    def instances_user_has_any_permission_for(self, user, actions):
        return without_hidden(super().instances_user_has_any_permission_for(user, actions), user)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if hidden_pages(user).filter(pk=instance.pk).exists():
            return False
        return super().user_has_any_permission_for_instance(user, actions, instance)


def _page_ids(match, view_kwargs) -> list[int]:
    ids = [view_kwargs[name] for name in PAGE_KWARGS if name in view_kwargs]
    if "wagtailadmin_pages" in match.namespaces and "pk" in view_kwargs:  # revisions compare
        ids.append(view_kwargs["pk"])
    return ids


class HideOutOfScopePagesMiddleware:
    """404 on Wagtail admin views of a page outside the user's scope (no query elsewhere)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "__module__", "").startswith("wagtail."):
            return None
        match = request.resolver_match
        unscoped, ids = match.view_name in UNSCOPED_VIEWS, _page_ids(match, view_kwargs)
        if not (unscoped or ids):
            return None  # most requests (the site's pages among them) stop here, without a query
        user = request.user
        if not user.is_authenticated or access.has_full_access(user):
            return None
        hidden = hidden_pages(user)
        if (unscoped and hidden.exists()) or (ids and hidden.filter(pk__in=ids).exists()):
            raise Http404
        return None

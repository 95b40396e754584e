from django.contrib import messages
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts import access

from . import admin_views, lint
from .admin_panels import LintSummaryPanel
from .choosers import question_chooser_viewset
from .models import QUESTION_TYPES, Question, Quiz, Topic


class StaffAuthorPolicy(ModelPermissionPolicy):
    """Every trainer and manager may author the shared question bank and quizzes."""

    def user_has_permission(self, user, action):
        return bool(user.is_active and access.is_staff_member(user))

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, None)


for _model in [Topic, Quiz, Question, *QUESTION_TYPES]:
    register_permission_policy(_model, StaffAuthorPolicy(_model), exact_class=True)


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "folder-open-inverse"
    list_display = ["name"]


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    list_display = ["title", "pass_mark", "attempts_allowed", "available_until"]
    panels = [*Quiz.panels, LintSummaryPanel()]


def _question_viewset(question_model):
    return type(f"{question_model.__name__}ViewSet", (SnippetViewSet,), {
        "model": question_model, "icon": "help", "list_display": ["text", "topic", "points", "difficulty"],
        "list_filter": ["topic", "difficulty"], "ordering": ["-pk"],
    })


class AssessmentsGroup(SnippetViewSetGroup):
    menu_label = _("Kiểm tra, đánh giá")
    menu_icon = "tasks"
    menu_order = 300
    items = [QuizViewSet, TopicViewSet] + [_question_viewset(m) for m in QUESTION_TYPES]


register_snippet(AssessmentsGroup)


@hooks.register("register_admin_viewset")
def register_question_chooser():
    # Also the default widget of every ForeignKey to Question (the quiz's fixed questions).
    return question_chooser_viewset


admin_urlpatterns = [
    path("questions/new/", admin_views.question_type_picker, name="new_question"),
    path("questions/<int:question_id>/regrade/", admin_views.regrade, name="regrade"),
    path("marking/", admin_views.marking_queue, name="marking"),
    path("marking/<int:answer_id>/", admin_views.mark, name="mark"),
    path("import/", admin_views.import_questions, name="import"),
    path("import/template.xlsx", admin_views.import_template, name="import_template"),
    path("export/", admin_views.export_bank, name="export"),
    path("results/", admin_views.results_index, name="results"),
    path("results/<int:quiz_id>.xlsx", admin_views.export_results, name="export_results"),
    path("results/<int:quiz_id>/analysis/", admin_views.item_analysis, name="item_analysis"),
]


@hooks.register("register_admin_urls")
def register_assessments_admin_urls():
    return [path("assessments/", include((admin_urlpatterns, "assessments_admin")))]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return access.is_staff_member(request.user)


_MENU = [
    (_("Thêm câu hỏi"), "assessments_admin:new_question", "plus", 310),
    (_("Chấm bài"), "assessments_admin:marking", "edit", 311),
    (_("Nhập câu hỏi"), "assessments_admin:import", "upload", 312),
    (_("Kết quả bài kiểm tra"), "assessments_admin:results", "download", 313),
    (_("Xuất ngân hàng câu hỏi"), "assessments_admin:export", "download", 314),
]

for _label, _url_name, _icon, _order in _MENU:
    hooks.register("register_admin_menu_item",
                   lambda label=_label, url_name=_url_name, icon=_icon, order=_order:
                   StaffMenuItem(label, reverse(url_name), icon_name=icon, order=order))


@hooks.register("register_snippet_listing_buttons")
def regrade_button(snippet, user, next_url=None):
    if isinstance(snippet, Question) and not snippet.needs_marking:
        yield Button(_("Chấm lại"), reverse("assessments_admin:regrade", args=[snippet.pk]), priority=60)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def warn_about_guessable_items(request, instance):
    """Authoring lint on save: warnings only, the item is saved as the trainer wrote it."""
    if isinstance(instance, Question):
        for warning in lint.lint_question(instance):
            messages.warning(request, warning.message)
    elif isinstance(instance, Quiz):
        result = lint.lint_quiz(instance)
        for warning in result.quiz:
            messages.warning(request, warning.message)
        for question, warnings in result.per_question:
            for warning in warnings:
                messages.warning(request, _("Câu “%(text)s”: %(message)s")
                                 % {"text": question.text[:80], "message": warning.message})

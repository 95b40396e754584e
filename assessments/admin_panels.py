"""The quiz edit page's summary of authoring cues (assessments.lint) and a link to its item analysis."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from .lint import lint_quiz


class LintSummaryPanel(Panel):
    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Kiểm tra cách ra đề"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "assessments/admin/lint_summary_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            quiz = self.instance
            context["lint"] = lint_quiz(quiz) if quiz is not None and quiz.pk else None
            context["quiz"] = quiz
            return context

"""The question chooser of the quiz editor: a searchable modal (type to search) filtered by topic and
question type, instead of a plain dropdown of the whole bank with truncated texts."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, CreateView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from .models import QUESTION_TYPES, Question, Topic

FILTER = {"data-chooser-modal-search-filter": True}  # Wagtail's chooser modal reloads the results on change


def _kind_choices():
    return [("", _("Mọi loại câu hỏi"))] + [(m._meta.model_name, m.kind_label) for m in QUESTION_TYPES]


class QuestionFilterForm(BaseFilterForm):
    q = forms.CharField(label=_("Tìm trong nội dung câu hỏi"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Gõ vài chữ của câu hỏi…")}))
    topic = forms.ModelChoiceField(label=_("Chủ đề"), queryset=Topic.objects.all(), required=False,
                                   empty_label=_("Mọi chủ đề"), widget=forms.Select(attrs=FILTER))
    kind = forms.ChoiceField(label=_("Loại câu hỏi"), choices=_kind_choices, required=False,
                             widget=forms.Select(attrs=FILTER))

    def filter(self, objects):
        data = self.cleaned_data
        if data.get("q"):
            self.is_searching, self.search_query = True, data["q"]
            for word in data["q"].split()[:8]:  # every word, anywhere in the text
                objects = objects.filter(text__icontains=word)
        if data.get("topic"):
            objects = objects.filter(topic=data["topic"])
        if data.get("kind"):
            model = next(m for m in QUESTION_TYPES if m._meta.model_name == data["kind"])
            objects = objects.filter(polymorphic_ctype=ContentType.objects.get_for_model(model))
        return super().filter(objects)


class QuestionChooseMixin:
    filter_form_class = QuestionFilterForm
    per_page = 20

    def get_object_list(self):
        # non_polymorphic: one query for the page, not one per question type.
        return Question.objects.non_polymorphic().select_related("topic", "polymorphic_ctype").order_by("-pk")

    @property
    def columns(self):
        title = self.title_column
        title.label = _("Câu hỏi")  # the question's text, not a "title"
        return [title,
                Column("topic", label=_("Chủ đề"), accessor="topic"),
                Column("kind", label=_("Loại"), accessor=_kind_label),
                Column("points", label=_("Điểm"), accessor="points")]


def _kind_label(question) -> str:
    model = question.polymorphic_ctype.model_class()
    return str(getattr(model, "kind_label", "")) or model._meta.verbose_name


class QuestionChooseView(QuestionChooseMixin, ChooseView):
    pass


class QuestionChooseResultsView(QuestionChooseMixin, ChooseResultsView):
    pass


class NoCreateView(CreateView):
    """Questions are written in their type's own form (with choices, rubric...), not in the chooser."""

    def dispatch(self, request, *args, **kwargs):
        raise Http404


class QuestionChooserViewSet(ChooserViewSet):
    model = Question
    icon = "help"
    choose_one_text = _("Chọn câu hỏi")
    choose_another_text = _("Chọn câu hỏi khác")
    page_title = _("Chọn câu hỏi trong ngân hàng")
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView
    create_view_class = NoCreateView
    search_tab_label = _("Tìm kiếm")
    edit_item_text = _("Sửa")


question_chooser_viewset = QuestionChooserViewSet("question_chooser", url_prefix="assessments/question-chooser")

"""The curriculum as Wagtail pages: ProgramIndexPage → ProgramPage → ModulePage → LessonPage.

The annex of Decision 1288 is not available to us, so the curriculum is data trainers edit
in the CMS. Page rules (parent/subpage types) keep the tree from being built wrong.
"""

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from localities.models import Locality

from ..blocks import LessonStreamBlock


class TargetGroups(models.TextChoices):
    A = "A", _("Nhóm A")
    B = "B", _("Nhóm B")
    AB = "AB", _("Nhóm A và B")


class CompletionRule(models.TextChoices):
    MANUAL = "manual", _("Học viên bấm “Đã học xong”")
    MEDIA_END = "media_end", _("Tự hoàn thành khi nghe/xem hết âm thanh, video")


class ProgramIndexPage(Page):
    intro = RichTextField(_("giới thiệu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["courses.ProgramPage"]
    max_count = 1

    class Meta:
        verbose_name = _("danh mục chương trình")

    def route(self, request, path_components):
        """Resolve a program, module or lesson URL in two queries instead of two per level."""
        if not path_components:
            return super().route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        page = Page.objects.live().filter(url_path=url_path, path__startswith=self.path).first()
        if page is None:
            raise Http404
        return RouteResult(page.specific)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import program_cards

        context = super().get_context(request, *args, **kwargs)
        context["cards"] = program_cards(request.user, self)
        return context


class ProgramPage(Page):
    code = models.CharField(_("mã chương trình"), max_length=20, unique=True)
    summary = models.TextField(_("tóm tắt"))
    target_groups = models.CharField(_("nhóm đối tượng"), max_length=2, choices=TargetGroups.choices,
                                     default=TargetGroups.AB)
    organiser = models.CharField(_("đơn vị tổ chức"), max_length=200, blank=True,
                                 help_text=_("Để trống để dùng tên cơ quan tổ chức trong cài đặt chung"))
    nominal_hours = models.PositiveSmallIntegerField(_("số tiết/giờ"), default=8)
    cover_image = models.ForeignKey("wagtailimages.Image", verbose_name=_("ảnh bìa"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    final_quiz = models.ForeignKey("assessments.Quiz", verbose_name=_("bài kiểm tra cuối chương trình"),
                                   null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    content_panels = Page.content_panels + [
        FieldPanel("code"), FieldPanel("summary"), FieldPanel("target_groups"), FieldPanel("organiser"),
        FieldPanel("nominal_hours"), FieldPanel("cover_image"), FieldPanel("final_quiz"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.FilterField("code")]
    parent_page_types = ["courses.ProgramIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("chương trình bồi dưỡng")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import program_detail, visitor_key

        context = super().get_context(request, *args, **kwargs)
        context.update(program_detail(request.user, self))
        if not request.user.is_authenticated:
            context["visitor_key"] = visitor_key(request, self, context["modules"])
        return context


class ModulePage(Page):
    code = models.CharField(_("mã chuyên đề"), max_length=20, blank=True)
    objectives = RichTextField(_("mục tiêu"), blank=True)
    hours = models.DecimalField(_("số giờ"), max_digits=4, decimal_places=1, default=4)
    prerequisite = models.ForeignKey(
        "self", verbose_name=_("chuyên đề phải học trước"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    quiz = models.ForeignKey("assessments.Quiz", verbose_name=_("bài kiểm tra chuyên đề"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    content_panels = Page.content_panels + [
        FieldPanel("code"), FieldPanel("objectives"), FieldPanel("hours"), FieldPanel("prerequisite"),
        FieldPanel("quiz"),
    ]
    search_fields = Page.search_fields + [index.SearchField("objectives")]
    parent_page_types = ["courses.ProgramPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("chuyên đề")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import module_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(module_detail(request.user, self))
        return context


class LessonPageForm(WagtailAdminPageForm):
    """A lesson is local to a unit of the editor's scope: their own unit or a current unit inside it (a
    commune trainer: their commune). Only province-level staff may leave it for everyone."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        field = self.fields.get("local_unit")
        if field is None or for_user is None:
            return
        from accounts import access

        field.queryset = access.local_unit_choices(for_user, self.instance.local_unit_id)
        if not access.may_publish_for_everyone(for_user):
            field.required = True
            field.empty_label = None  # the first choice, their own widest unit, is preselected


class LessonPage(Page):
    intro = models.TextField(_("giới thiệu ngắn"), blank=True)
    body = StreamField(LessonStreamBlock(), verbose_name=_("nội dung"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("thời gian học (phút)"), default=15)
    required = models.BooleanField(_("bắt buộc"), default=True,
                                   help_text=_("Bài bắt buộc phải hoàn thành để xong chuyên đề"))
    completion_rule = models.CharField(_("cách hoàn thành"), max_length=12, choices=CompletionRule.choices,
                                       default=CompletionRule.MANUAL)
    # Any unit of any era (province, district of the past, commune): learners whose commune lies on its
    # ground see the lesson, also after a reform (courses.selectors.visible_lessons_q).
    local_unit = models.ForeignKey(
        Locality, verbose_name=_("bài riêng của đơn vị"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Chỉ học viên trên địa bàn đơn vị này thấy bài (kể cả khi đơn vị đã sáp nhập); "
                    "để trống là bài chung cho mọi học viên"),
    )
    # What the curriculum's writers could not confirm: for trainers only, never shown to learners.
    trainer_note = models.TextField(_("ghi chú cho giảng viên"), blank=True,
                                    help_text=_("Chỉ hiện trong trang quản trị, học viên không thấy"))

    content_panels = Page.content_panels + [
        FieldPanel("intro"), FieldPanel("body"), FieldPanel("estimated_minutes"), FieldPanel("required"),
        FieldPanel("completion_rule"), FieldPanel("local_unit"), FieldPanel("trainer_note"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []
    base_form_class = LessonPageForm

    class Meta:
        verbose_name = _("bài học")

    def is_visible_to(self, user) -> bool:
        from ..selectors import lesson_visible_to

        return lesson_visible_to(user, self)

    def serve(self, request, *args, **kwargs):
        from ..selectors import lesson_detail
        from ..services import opening_token

        # Computed once per request: the access facts decide whether opening marks the lesson started.
        # They also read the learner's ground, which the visibility rule then uses without a query.
        request.lesson_detail = detail = lesson_detail(request.user, self)
        if not self.is_visible_to(request.user):
            raise Http404
        # A download for offline study (offline.js sends this header) is not the learner opening the lesson.
        downloading = request.headers.get("X-LMS-Offline-Download") == "1"
        if detail["enrolment"] and not detail["locked"] and not downloading:
            detail["progress"] = detail["lesson_state"] or self._first_opening(request.user, detail["program"].pk)
            detail["opening"] = opening_token(request.user, self)  # the clock of this page's reports
        return super().serve(request, *args, **kwargs)

    def _first_opening(self, user, program_id):
        """The first opening marks the lesson started (one write); opening it again writes nothing."""
        from ..selectors import LessonState
        from ..services import mark_started

        row = mark_started(user, self, program_id)
        return LessonState(row.completed_at is not None, row.position)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import lesson_detail

        context = super().get_context(request, *args, **kwargs)
        detail = getattr(request, "lesson_detail", None) or lesson_detail(request.user, self)  # previews
        context.update(detail)
        return context

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .uploads import UploadValidator, detect, safe_extension


class HomePage(Page):
    intro = models.CharField(_("lời giới thiệu"), max_length=300, blank=True)
    body = RichTextField(_("nội dung"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("trang chủ")


class StandardPage(Page):
    """A plain page: about the project, contacts, guidance."""

    body = RichTextField(_("nội dung"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["content.HomePage", "content.StandardPage"]

    class Meta:
        verbose_name = _("trang nội dung")


@register_setting(icon="site")
class OrganiserSettings(BaseSiteSetting):
    """Who runs the training. The organising agency changed in 2025, so it is data, not code."""

    organiser_name = models.CharField(_("tên cơ quan tổ chức"), max_length=200,
                                      default="Sở Thông tin và Truyền thông tỉnh Bắc Giang")
    parent_agency = models.CharField(_("cơ quan chủ quản"), max_length=200, blank=True,
                                     default="UBND tỉnh Bắc Giang")
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signer_title = models.CharField(_("chức danh người ký"), max_length=150, blank=True)
    logo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("biểu trưng"))

    panels = [FieldPanel("organiser_name"), FieldPanel("parent_agency"), FieldPanel("signer_name"),
              FieldPanel("signer_title"), FieldPanel("logo")]

    class Meta:
        verbose_name = _("cơ quan tổ chức")


# --- Press works and communication products -------------------------------------------------------------
# Kept in this module (the foundation imports HomePage and friends from here); the upload checks live in
# content/uploads.py and every change goes through content/services.py.


class WorkKind(models.TextChoices):
    RADIO_PROGRAM = "radio", _("Chương trình phát thanh")
    VIDEO_REPORT = "video", _("Phóng sự truyền hình, video")
    NEWS_ARTICLE = "article", _("Tin, bài báo")
    BULLETIN_ISSUE = "bulletin", _("Số bản tin")
    POSTER = "poster", _("Áp phích, tờ rơi")
    SOCIAL_POST = "social", _("Bài đăng mạng xã hội")
    OTHER = "other", _("Khác")


class WorkTopic(models.TextChoices):
    EXEMPLARY_PERSON = "exemplary_person", _("Gương điển hình")
    GOOD_INITIATIVE = "good_initiative", _("Sáng kiến hay")
    POVERTY_MODEL = "poverty_model", _("Mô hình giảm nghèo")
    PRODUCTION_KNOWHOW = "production_knowhow", _("Kinh nghiệm sản xuất")
    POLICY_EXPLAINER = "policy_explainer", _("Giải thích chính sách")


class WorkStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã công bố")


class Channel(models.TextChoices):
    COMMUNE_RADIO = "commune_radio", _("Đài truyền thanh cấp xã")
    DISTRICT_STATION = "district_station", _("Đài cấp huyện")
    PROVINCIAL_MEDIA = "provincial_media", _("Báo, đài tỉnh")
    WEBSITE = "website", _("Trang thông tin điện tử")
    SOCIAL_MEDIA = "social_media", _("Mạng xã hội")


class PressWork(ClusterableModel):
    """A press work or communication product, produced by one unit of any level (its scope)."""

    title = models.CharField(_("tiêu đề"), max_length=255)
    kind = models.CharField(_("loại sản phẩm"), max_length=20, choices=WorkKind.choices)
    topic = models.CharField(_("chủ đề"), max_length=30, choices=WorkTopic.choices)
    # Any unit of any era (province, district of the past, commune); staff file works in their scope.
    unit = models.ForeignKey(
        "localities.Locality", verbose_name=_("đơn vị sản xuất"), on_delete=models.PROTECT,
        related_name="press_works",
    )
    localities = ParentalManyToManyField(
        "localities.Locality", verbose_name=_("địa bàn được phản ánh"), blank=True, related_name="+",
    )
    press_agency = models.CharField(_("cơ quan báo chí phối hợp"), max_length=200, blank=True)
    authors = models.CharField(_("tác giả"), max_length=300, blank=True,
                               help_text=_("Các tác giả cách nhau bằng dấu phẩy"))
    funding_year = models.PositiveSmallIntegerField(_("năm kinh phí"))
    summary = models.TextField(_("tóm tắt"), blank=True)
    link = models.URLField(_("đường dẫn"), blank=True)
    cover = models.ForeignKey("wagtailimages.Image", verbose_name=_("ảnh đại diện"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=WorkStatus.choices,
                              default=WorkStatus.DRAFT)
    featured = models.BooleanField(_("tiêu biểu"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


    class Meta:
        verbose_name = _("tác phẩm báo chí")
        verbose_name_plural = _("tác phẩm báo chí")
        ordering = ["-featured", "-created_at"]
        indexes = [
            # Serves the public list: published works filtered by topic/kind, newest first.
            models.Index(fields=["status", "topic", "kind"], name="presswork_public_idx"),
            # Serves the unfiltered public list: published works, featured first, newest first.
            models.Index(fields=["status", "-featured", "-created_at"], name="presswork_public_order_idx"),
        ]

    def __str__(self):
        return self.title


def _upload_name(folder: str, instance, filename: str) -> str:
    """A generated, unguessable name; the original name is kept in `original_name` for downloads."""
    return f"content/{folder}/{uuid.uuid4().hex}.{safe_extension(filename)}"


def work_file_upload_to(instance, filename):
    return _upload_name("works", instance, filename)


def material_upload_to(instance, filename):
    return _upload_name("materials", instance, filename)


class UploadedFileMixin(models.Model):
    """Size, type and original name of a validated upload, captured when it is first saved."""

    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0, editable=False)
    mime_type = models.CharField(_("kiểu tệp"), max_length=100, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        upload = self.file
        if upload and not upload._committed:
            self.original_name = os.path.basename(upload.name)[:255]
            self.size = upload.size
            self.mime_type = detect(upload.file, upload.name).mime
        super().save(*args, **kwargs)

    @property
    def media_kind(self) -> str:
        """audio / video / image / other: which tag plays or shows it."""
        head = self.mime_type.split("/", 1)[0]
        return head if head in ("audio", "video", "image") else "other"


class WorkFile(UploadedFileMixin, Orderable):
    work = ParentalKey(PressWork, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("tệp"), upload_to=work_file_upload_to, max_length=255,
                            validators=[UploadValidator(("audio", "video", "image", "pdf"))])
    caption = models.CharField(_("chú thích"), max_length=255, blank=True)

    panels = [FieldPanel("file"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("tệp tác phẩm")
        verbose_name_plural = _("tệp tác phẩm")


class Broadcast(Orderable):
    """One release of a work. The earliest (date, then id) is its first release; later ones rebroadcasts."""

    work = ParentalKey(PressWork, on_delete=models.CASCADE, related_name="broadcasts")
    date = models.DateField(_("ngày phát"))
    channel = models.CharField(_("kênh"), max_length=20, choices=Channel.choices)
    locality = models.ForeignKey("localities.Locality", verbose_name=_("địa bàn tiếp nhận"),
                                 on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    panels = [FieldPanel("date"), FieldPanel("channel"), FieldPanel("locality"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = _("lần phát sóng")
        verbose_name_plural = _("lần phát sóng")
        indexes = [
            # Serves "is there an earlier broadcast of this work" (first release vs rebroadcast).
            models.Index(fields=["work", "date"], name="broadcast_work_date_idx"),
        ]

    def __str__(self):
        return f"{self.work} – {self.date:%d/%m/%Y}"


# --- Materials library -----------------------------------------------------------------------------------


class MaterialKind(models.TextChoices):
    SLIDES = "slides", _("Bài giảng trình chiếu")
    HANDOUT = "handout", _("Tài liệu phát tay")
    BULLETIN_TEMPLATE = "bulletin_template", _("Mẫu bản tin")
    RADIO_SCRIPT = "radio_script", _("Kịch bản phát thanh mẫu")
    AUDIO_SAMPLE = "audio_sample", _("Âm thanh mẫu")
    OTHER = "other", _("Khác")


class Material(UploadedFileMixin):
    """A downloadable file, local to one unit of any level and era: the province's is for all its learners, a
    commune's for that commune's, a retired district's for the learners now living on its ground."""

    title = models.CharField(_("tiêu đề"), max_length=255)
    description = models.TextField(_("mô tả"), blank=True)
    kind = models.CharField(_("loại tài liệu"), max_length=20, choices=MaterialKind.choices)
    file = models.FileField(_("tệp"), upload_to=material_upload_to, max_length=255,
                            validators=[UploadValidator(("document", "audio", "video", "image", "pdf", "text"))])
    locality = models.ForeignKey("localities.Locality", verbose_name=_("phạm vi"), on_delete=models.PROTECT,
                                 related_name="materials",
                                 help_text=_("Học viên trên địa bàn đơn vị này thấy tài liệu "
                                             "(tỉnh: mọi học viên của tỉnh)"))
    program_page = models.ForeignKey("wagtailcore.Page", verbose_name=_("chương trình / chuyên đề"),
                                     null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published = models.BooleanField(_("công bố"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


    class Meta:
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")
        ordering = ["-created_at"]
        indexes = [
            # Serves the library list: published materials of the units on the learner's ground.
            models.Index(fields=["locality", "published"], name="material_locality_idx"),
        ]

    def __str__(self):
        return self.title

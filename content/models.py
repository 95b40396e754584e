from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


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

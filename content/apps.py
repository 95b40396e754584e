from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Nội dung")

    def ready(self):
        from . import site_cache  # noqa: F401  (its receivers forget the kept Site and settings on save)

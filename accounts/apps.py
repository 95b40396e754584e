from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self):
        from . import middleware  # noqa: F401 - connects the sign-in receiver that asks to confirm a commune

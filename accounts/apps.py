from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self):
        from django.db.models.signals import post_delete

        from . import middleware  # noqa: F401 - connects the sign-in receiver that asks to confirm a commune
        from .models import LearnerProfile
        from .receivers import on_profile_deleted

        # Accounts are deleted by the admin's cascade, not by a service: this app turns its own model's
        # deletion into the domain signal the other apps listen to.
        post_delete.connect(on_profile_deleted, sender=LearnerProfile, dispatch_uid="accounts.profile_deleted")

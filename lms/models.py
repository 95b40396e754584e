from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _


class Session(AbstractBaseSession):
    """Django's database session with the signed-in user's id beside it (lms/sessions.py), so that a request
    reads its session and its user in one query. The column is a copy of the id inside the session data,
    written on every save; the data stays the authority (accounts.backends uses the joined user only when the
    two agree). No database constraint: a user deleted while their session is saved leaves a join that finds
    no one, not a failed save; deleting a user through Django still deletes their sessions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             db_constraint=False, related_name="+", verbose_name=_("người dùng"))

    class Meta(AbstractBaseSession.Meta):
        db_table = "lms_session"
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore

"""In-site notifications; each may also go out as an e-mail when the learner has an address."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ENROLLED = "enrolled", _("Ghi danh thành công")
    CERTIFICATE_READY = "certificate", _("Giấy chứng nhận đã sẵn sàng")
    ESSAY_MARKED = "essay", _("Bài tự luận đã được chấm")
    REMINDER = "reminder", _("Nhắc học")
    CLASS_INVITATION = "class", _("Mời tham gia lớp tập huấn")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # What the notification is about, e.g. "enrolled:42" or "reminder:7:2025-W03": the same event
    # announced twice (a re-delivered task, two beat runs) finds the key taken and adds nothing.
    key = models.CharField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [
            # Serves the inbox (newest first) and the reminder run's "reminded this week?" check.
            models.Index(fields=["user", "kind", "-created_at"], name="notification_user_kind_idx"),
            models.Index(fields=["user", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self):
        return self.title

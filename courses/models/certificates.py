"""Certificates (giấy chứng nhận): one active certificate per learner and program, codes kept forever."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.storage import PrivateName, private_storage


class CertificateStatus(models.TextChoices):
    PREPARING = "preparing", _("Đang chuẩn bị")
    READY = "ready", _("Đã cấp")
    REVOKED = "revoked", _("Đã thu hồi")


class Certificate(models.Model):
    """What the certificate says is copied in at issue time: later renames do not change a signed paper."""

    code = models.CharField(_("mã xác thực"), max_length=20, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    program = models.ForeignKey("courses.ProgramPage", on_delete=models.PROTECT, related_name="certificates")
    # The learner's commune at completion: managers see certificates of their area by it.
    commune = models.ForeignKey("localities.Locality", null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=CertificateStatus.choices,
                              default=CertificateStatus.PREPARING)
    learner_name = models.CharField(_("họ và tên"), max_length=150)
    commune_name = models.CharField(_("xã"), max_length=150, blank=True)
    district_name = models.CharField(_("huyện"), max_length=150, blank=True)
    program_title = models.CharField(_("chương trình"), max_length=255)
    hours = models.PositiveSmallIntegerField(_("số tiết/giờ"))
    completed_at = models.DateTimeField(_("ngày hoàn thành"))
    organiser_name = models.CharField(_("cơ quan tổ chức"), max_length=200)
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    signer_title = models.CharField(_("chức danh người ký"), max_length=150, blank=True)
    issued_at = models.DateTimeField(_("ngày cấp"), auto_now_add=True)
    # Private storage, unguessable name: the code is printed on the paper, so it must not lead to the file.
    pdf = models.FileField(upload_to=PrivateName("certificates"), storage=private_storage, blank=True,
                           max_length=255)
    # When its PDF was last queued for rendering: a certificate preparing long after it is queued again.
    render_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by", verbose_name=_("cấp lại cho"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_reason = models.CharField(_("lý do thu hồi"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        constraints = [
            # Closes the race of two completions announced in parallel: one certificate survives.
            models.UniqueConstraint(fields=["user", "program"], condition=Q(revoked_at__isnull=True),
                                    name="certificate_one_active_per_program"),
        ]
        indexes = [
            # Serves the managers' list: newest first within their area.
            models.Index(fields=["-issued_at"], name="certificate_recent_idx"),
            # Serves requeue_stuck_renders: the few certificates still waiting for their PDF.
            models.Index(fields=["render_queued_at"], condition=Q(status="preparing"),
                         name="certificate_preparing_idx"),
        ]

    def __str__(self):
        return self.code


class CertificateAction(models.TextChoices):
    ISSUED = "issued", _("Cấp")
    REVOKED = "revoked", _("Thu hồi")
    REISSUED = "reissued", _("Cấp lại")


class CertificateEvent(models.Model):
    """The audit log: who issued, revoked or re-issued which certificate, when and why."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=10, choices=CertificateAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    reason = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.certificate_id} {self.action}"

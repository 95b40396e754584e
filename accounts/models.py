"""Users, learner profiles and role assignments with a locality scope."""

from datetime import date

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from localities.models import Locality


class TargetGroup(models.TextChoices):
    A = "A", _("Nhóm A – Công chức văn hoá - xã hội cấp xã")
    B = "B", _("Nhóm B – Cán bộ thông tin, tuyên truyền của tổ chức Đảng, đoàn thể")


class Role(models.TextChoices):
    """Staff roles, each granted for one locality. Being a learner is having a LearnerProfile."""

    TRAINER = "trainer", _("Giảng viên")
    DISTRICT_MANAGER = "district_manager", _("Quản lý cấp huyện")
    PROVINCE_MANAGER = "province_manager", _("Quản lý cấp tỉnh")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


# Roles that work in the Wagtail admin and look at other people's records.
STAFF_ROLES = (Role.TRAINER, Role.DISTRICT_MANAGER, Role.PROVINCE_MANAGER, Role.ADMINISTRATOR)
MANAGER_ROLES = (Role.DISTRICT_MANAGER, Role.PROVINCE_MANAGER, Role.ADMINISTRATOR)


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    # Commune officials often have no e-mail: the phone number is their second login name.
    phone = models.CharField(_("số điện thoại"), max_length=15, unique=True, null=True, blank=True)
    awaiting_approval = models.BooleanField(
        _("chờ duyệt"), default=False,
        help_text=_("Tài khoản tự đăng ký, chưa được quản lý duyệt"),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username


class LearnerProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="learner_profile")
    commune = models.ForeignKey(
        Locality, verbose_name=_("xã, phường, thị trấn"), on_delete=models.PROTECT,
        related_name="learners", limit_choices_to={"level": "commune"},
    )
    target_group = models.CharField(_("nhóm đối tượng"), max_length=1, choices=TargetGroup.choices)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    organisation = models.CharField(_("cơ quan, đơn vị"), max_length=200, blank=True)
    # Set when a reform moved the learner to their commune's default successor (migrate_to_current_map):
    # the next sign-in asks them to confirm their commune today. The commune they had is kept so that a
    # split commune's other successors can be offered.
    needs_commune_confirmation = models.BooleanField(_("cần xác nhận lại xã"), default=False)
    commune_before_reform = models.ForeignKey(
        Locality, verbose_name=_("xã trước khi sắp xếp"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ học viên")
        verbose_name_plural = _("hồ sơ học viên")
        indexes = [
            # Serves "learners of group X in this commune" (bulk enrolment, reports).
            models.Index(fields=["commune", "target_group"], name="learner_commune_group_idx"),
        ]

    def __str__(self):
        return str(self.user)


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    locality = models.ForeignKey(
        Locality, verbose_name=_("phạm vi"), on_delete=models.PROTECT, related_name="role_assignments",
        help_text=_("Đơn vị hành chính mà vai trò này được xem và thay đổi dữ liệu"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "locality"], name="role_assignment_unique"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} – {self.locality}"

    def clean(self):
        """Any form that creates or re-points an appointment refuses a unit not in force today (an
        appointment kept on a unit retired since may still be edited otherwise)."""
        super().clean()
        if self.locality_id is None or not self._locality_changed():
            return
        refusal = appointment_refusal(self.locality, timezone.localdate())
        if refusal:
            raise ValidationError({"locality": refusal})

    def _locality_changed(self) -> bool:
        return self._state.adding or not RoleAssignment.objects.filter(
            pk=self.pk, locality_id=self.locality_id).exists()


def appointment_refusal(locality: Locality, day: date) -> str | None:
    """Why nobody can be appointed to `locality` on `day` (translated), or None.

    Staff are appointed to units in force: since 1/7/2025 a province or a commune (or a district-level unit
    where the loaded map still has one). Staff appointed before a reform keep working on their unit's ground
    through the successor links until an administrator moves the appointment (accounts.services)."""
    if locality.valid_to is not None and locality.valid_to < day:
        return _("%(unit)s chỉ còn hiệu lực đến hết ngày %(date)s (đã sắp xếp lại): hãy phân công vào tỉnh "
                 "hoặc xã hiện nay.") % {"unit": locality.name, "date": f"{locality.valid_to:%d/%m/%Y}"}
    if locality.valid_from is not None and locality.valid_from > day:
        return _("%(unit)s chỉ có hiệu lực từ ngày %(date)s.") % {
            "unit": locality.name, "date": f"{locality.valid_from:%d/%m/%Y}"}
    return None

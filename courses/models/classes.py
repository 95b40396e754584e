"""In-person training classes (bồi dưỡng, tập huấn): sessions, participants, attendance."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .pages import TargetGroups

DEFAULT_MAX_CLASS_DAYS = 5  # Circular 06/2022: short courses last at most five days


class ParticipantSource(models.TextChoices):
    INVITED = "invited", _("Được mời")
    ROSTER = "roster", _("Nhập từ danh sách")
    WALK_IN = "walk_in", _("Đăng ký tại lớp")


class AttendanceMethod(models.TextChoices):
    TRAINER = "trainer", _("Giảng viên điểm danh")
    CHECK_IN = "check_in", _("Học viên tự điểm danh bằng mã")


class TrainingClass(models.Model):
    title = models.CharField(_("tên lớp"), max_length=200)
    program = models.ForeignKey("courses.ProgramPage", verbose_name=_("chương trình"), on_delete=models.PROTECT,
                                related_name="training_classes")
    modules = models.ManyToManyField("courses.ModulePage", verbose_name=_("chuyên đề"), blank=True,
                                     related_name="+")
    organiser = models.ForeignKey("localities.Locality", verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT,
                                  related_name="training_classes")
    venue = models.CharField(_("địa điểm"), max_length=255)
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"))
    allow_longer = models.BooleanField(_("cho phép quá 5 ngày"), default=False,
                                       help_text=_("Chỉ quản trị hệ thống được bật"))
    capacity = models.PositiveIntegerField(_("số chỗ"), default=40)
    target_group = models.CharField(_("nhóm đối tượng"), max_length=2, choices=TargetGroups.choices,
                                    default=TargetGroups.AB)
    funding_year = models.PositiveSmallIntegerField(_("năm kinh phí"))
    attendance_threshold = models.PositiveSmallIntegerField(
        _("tỷ lệ chuyên cần để tính là đã được tập huấn (%)"), default=80)
    guest_speakers = models.TextField(_("báo cáo viên khách mời"), blank=True, help_text=_("Mỗi người một dòng"))
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("giảng viên"), blank=True,
                                      related_name="classes_taught")
    pre_test = models.ForeignKey("assessments.Quiz", verbose_name=_("bài kiểm tra đầu vào"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    post_test = models.ForeignKey("assessments.Quiz", verbose_name=_("bài kiểm tra cuối khoá"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lớp tập huấn")
        verbose_name_plural = _("lớp tập huấn")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="class_end_after_start"),
        ]
        indexes = [
            # Serves the class list and calendar of a scope, newest first.
            models.Index(fields=["organiser", "-start_date"], name="class_organiser_date_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class ClassSession(models.Model):
    """One day of a class; learners check in with its short code during the session hours."""

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("ngày"))
    starts_at = models.TimeField(_("giờ bắt đầu"), default="07:30")
    ends_at = models.TimeField(_("giờ kết thúc"), default="17:00")
    checkin_code = models.CharField(_("mã điểm danh"), max_length=8)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "date"], name="class_session_one_per_day"),
            models.UniqueConstraint(fields=["date", "checkin_code"], name="class_session_code_unique_per_day"),
        ]

    def __str__(self):
        return f"{self.training_class} – {self.date:%d/%m/%Y}"


class Participant(models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_participations")
    # The learner's commune at the time: counted there in reports even after a merger.
    commune = models.ForeignKey("localities.Locality", null=True, on_delete=models.PROTECT, related_name="+")
    target_group = models.CharField(max_length=1, blank=True)
    source = models.CharField(max_length=10, choices=ParticipantSource.choices, default=ParticipantSource.INVITED)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["training_class", "user"], name="participant_once_per_class"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.training_class}"


class Attendance(models.Model):
    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(default=True)
    method = models.CharField(max_length=10, choices=AttendanceMethod.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="attendance_once_per_session"),
        ]

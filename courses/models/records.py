"""Learning records: enrolments, one progress row per learner and lesson, completions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EnrolmentSource(models.TextChoices):
    SELF = "self", _("Tự đăng ký")
    BULK = "bulk", _("Quản lý ghi danh")
    CLASS = "class", _("Theo lớp tập huấn")


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa học")
    IN_PROGRESS = "in_progress", _("Đang học")
    COMPLETED = "completed", _("Đã hoàn thành")


class Enrolment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    program = models.ForeignKey("courses.ProgramPage", on_delete=models.PROTECT, related_name="enrolments")
    # The learner's commune when they enrolled: reports count people where they were then.
    commune = models.ForeignKey("localities.Locality", null=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=EnrolmentSource.choices, default=EnrolmentSource.SELF)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    unenrolled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ghi danh")
        verbose_name_plural = _("ghi danh")
        constraints = [
            # One active enrolment per learner and program; unenrolled rows stay as history.
            models.UniqueConstraint(fields=["user", "program"], condition=Q(unenrolled_at__isnull=True),
                                    name="enrolment_one_active_per_program"),
        ]
        indexes = [
            # Serves "active enrolments of this learner" (My learning, access checks).
            models.Index(fields=["user", "unenrolled_at"], name="enrolment_user_active_idx"),
        ]


class LessonProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=12, choices=ProgressStatus.choices, default=ProgressStatus.IN_PROGRESS)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(default=0)
    position = models.FloatField(default=0, help_text=_("Vị trí nghe/xem gần nhất (giây)"))
    # The last progress report (the learner's last activity, which the reports read). Opening the lesson only
    # restarts the clock below, so a report credits the seconds since the later of the two.
    updated_at = models.DateTimeField(auto_now=True)
    clock_started_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("tiến độ bài học")
        verbose_name_plural = _("tiến độ bài học")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_progress_one_per_learner"),
        ]
        indexes = [
            # Serves "the learner's most recent lesson" (resume link on My learning).
            models.Index(fields=["user", "-updated_at"], name="progress_user_recent_idx"),
        ]


class ProgressEvent(models.Model):
    """A client-generated event id, stored once: a replayed or duplicated event changes nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event_id = models.UUIDField()
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event_id"], name="progress_event_once")]


class ModuleCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions")
    module = models.ForeignKey("courses.ModulePage", on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="module_completion_once")]


class ProgramCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="program_completions")
    program = models.ForeignKey("courses.ProgramPage", on_delete=models.PROTECT, related_name="completions")
    commune = models.ForeignKey("localities.Locality", null=True, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "program"], name="program_completion_once")]

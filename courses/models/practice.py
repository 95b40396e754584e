"""A learner's hand-in for a lesson's practice task (a radio item, a bulletin page), and the trainer's mark."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.storage import PrivateName, private_storage


class PracticeStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ chấm")
    PASSED = "passed", _("Đạt")
    REDO = "redo", _("Cần làm lại")


class PracticeSubmission(models.Model):
    """One row per learner and practice task (the lesson and the task block's id); handing in again
    replaces the work and puts it back in the marking queue."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_submissions")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="practice_submissions")
    block_id = models.CharField(max_length=64)
    # The learner's commune when they handed in: the marking scope, as for quiz attempts.
    commune = models.ForeignKey("localities.Locality", null=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("bài làm"), blank=True)
    # Private storage, unguessable name; served only by views.practice_file (the learner, staff in scope).
    file = models.FileField(_("tệp"), upload_to=PrivateName("practice"), storage=private_storage, blank=True,
                            max_length=255)
    file_size = models.PositiveIntegerField(default=0)
    status = models.CharField(_("trạng thái"), max_length=10, choices=PracticeStatus.choices,
                              default=PracticeStatus.SUBMITTED)
    submitted_at = models.DateTimeField(_("nộp lúc"))
    feedback = models.TextField(_("nhận xét"), blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bài thực hành đã nộp")
        verbose_name_plural = _("bài thực hành đã nộp")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson", "block_id"], name="practice_one_per_task"),
        ]
        indexes = [
            # Serves the marking queue: submissions waiting for a mark, oldest first.
            models.Index(fields=["status", "submitted_at"], name="practice_status_time_idx"),
        ]

    def __str__(self):
        return f"{self.user} – {self.lesson_id}/{self.block_id}"

    @property
    def file_basename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""

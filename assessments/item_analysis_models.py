"""Stored item analysis of a quiz (assessments.item_analysis computes it in a Celery task)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ItemAnalysis(models.Model):
    """Per-question statistics of one quiz over the graded attempts of one unit's ground (all units: null)."""

    quiz = models.ForeignKey("assessments.Quiz", on_delete=models.CASCADE, related_name="item_analyses")
    unit = models.ForeignKey("localities.Locality", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    attempts = models.PositiveIntegerField(_("số lượt làm bài"), default=0)
    mean_percent = models.DecimalField(_("điểm trung bình (%)"), max_digits=5, decimal_places=2, null=True)
    # One entry per question, questions to review first; see item_analysis.analyse for the keys.
    items = models.JSONField(default=list)
    computed_at = models.DateTimeField(_("tính lúc"), null=True)

    class Meta:
        verbose_name = _("phân tích câu hỏi")
        verbose_name_plural = _("phân tích câu hỏi")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "unit"], name="item_analysis_quiz_unit_once"),
            models.UniqueConstraint(fields=["quiz"], condition=Q(unit__isnull=True),
                                    name="item_analysis_quiz_all_once"),
        ]

    def __str__(self):
        return f"{self.quiz_id}/{self.unit_id or '*'}"

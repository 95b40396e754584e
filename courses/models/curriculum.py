"""What `load_curriculum` wrote, so that `load_curriculum --update` can tell untouched content from edited."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CurriculumRecord(models.Model):
    """One page or quiz as the loader last wrote it: a hash of its content at that moment."""

    # "page:<id>" or "quiz:<module code>"; the quiz key follows the module so it survives a replaced quiz row.
    key = models.CharField(max_length=100, unique=True)
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bản ghi nạp chương trình")
        verbose_name_plural = _("bản ghi nạp chương trình")

    def __str__(self):
        return self.key

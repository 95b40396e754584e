from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Chương trình bồi dưỡng")

    def ready(self):
        from assessments.signals import attempt_graded

        from .receivers import on_attempt_graded

        attempt_graded.connect(on_attempt_graded, dispatch_uid="courses.on_attempt_graded")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Chương trình bồi dưỡng")

    def ready(self):
        from assessments.services import register_start_rule
        from assessments.signals import grade_recorded

        from .receivers import on_grade_recorded
        from .selectors import quiz_start_refusal

        grade_recorded.connect(on_grade_recorded, dispatch_uid="courses.on_grade_recorded")
        # Starting a module's quiz obeys the rules of opening the module (enrolment, group, prerequisite).
        register_start_rule("courses.quiz_start_refusal", quiz_start_refusal)

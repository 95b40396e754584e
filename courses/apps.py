from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Chương trình bồi dưỡng")

    def ready(self):
        from assessments.offline import register_offline_rule
        from assessments.services import register_marking_source, register_next_step, register_start_rule
        from assessments.signals import grade_recorded

        from . import quiz_places  # noqa: F401 - connects its cache's receivers
        from .practice.views import queue_items
        from .receivers import on_grade_recorded
        from .selectors import final_quiz_offline_refusal, quiz_next_step, quiz_start_refusal

        grade_recorded.connect(on_grade_recorded, dispatch_uid="courses.on_grade_recorded")
        # Starting a module's quiz obeys the rules of opening the module (enrolment, group, prerequisite).
        register_start_rule("courses.quiz_start_refusal", quiz_start_refusal)
        # A program's final test is taken online only (assessments/offline.py).
        register_offline_rule("courses.final_quiz_offline_refusal", final_quiz_offline_refusal)
        # Practice tasks are marked in the quiz marking queue; a quiz result leads on in the curriculum.
        register_marking_source("courses.practice", queue_items)
        register_next_step("courses.quiz_next_step", quiz_next_step)

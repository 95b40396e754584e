from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo, thống kê")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.signals import learners_changed
        from assessments.signals import attempt_graded
        from courses.certificates.signals import certificate_ready, certificate_revoked
        from courses.signals import enrolment_changed, program_completed, progress_changed
        from localities.signals import map_changed

        from . import dashboard, receivers

        user_logged_in.connect(dashboard.remember_staff_at_sign_in, dispatch_uid="reports.staff_work_link")

        progress_changed.connect(receivers.on_progress_changed, dispatch_uid="reports.progress_changed")
        program_completed.connect(receivers.on_program_completed, dispatch_uid="reports.program_completed")
        enrolment_changed.connect(receivers.on_enrolment_changed, dispatch_uid="reports.enrolment_changed")
        attempt_graded.connect(receivers.on_attempt_graded, dispatch_uid="reports.attempt_graded")
        certificate_ready.connect(receivers.on_certificate_changed, dispatch_uid="reports.certificate_ready")
        certificate_revoked.connect(receivers.on_certificate_changed, dispatch_uid="reports.certificate_revoked")
        learners_changed.connect(receivers.on_learners_changed, dispatch_uid="reports.learners_changed")
        map_changed.connect(receivers.on_map_changed, dispatch_uid="reports.map_changed")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo, thống kê")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save, pre_save

        from accounts.models import LearnerProfile
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
        pre_save.connect(receivers.on_profile_saving, sender=LearnerProfile, dispatch_uid="reports.profile_saving")
        post_save.connect(receivers.on_profile_saved, sender=LearnerProfile, dispatch_uid="reports.profile_saved")
        post_delete.connect(receivers.on_profile_deleted, sender=LearnerProfile, dispatch_uid="reports.profile_deleted")
        map_changed.connect(receivers.on_map_changed, dispatch_uid="reports.map_changed")

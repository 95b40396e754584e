from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Thông báo")

    def ready(self):
        from assessments.signals import attempt_graded
        from courses.certificates.signals import certificate_ready
        from courses.signals import enrolment_changed

        from . import receivers

        certificate_ready.connect(receivers.on_certificate_ready, dispatch_uid="notifications.certificate")
        attempt_graded.connect(receivers.on_attempt_graded, dispatch_uid="notifications.attempt_graded")
        enrolment_changed.connect(receivers.on_enrolment_changed, dispatch_uid="notifications.enrolments")

from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "LMS"

    def ready(self):
        from . import admin_booleans, slugs

        admin_booleans.register()
        slugs.register_slug_widget()

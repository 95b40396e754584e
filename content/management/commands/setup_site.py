from django.core.management.base import BaseCommand

from content.services import ensure_home_page


class Command(BaseCommand):
    help = "Create the home page and default site if they do not exist (idempotent)."

    def handle(self, **options):
        home = ensure_home_page()
        self.stdout.write(self.style.SUCCESS(f"Home page: {home.title} (id {home.pk})"))

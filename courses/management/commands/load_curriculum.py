from django.core.management.base import BaseCommand

from content.services import ensure_home_page
from courses.curriculum import load_curriculum


class Command(BaseCommand):
    help = "Create the four capacity-building programs with their modules and lessons (idempotent)."

    def handle(self, **options):
        result = load_curriculum(ensure_home_page())
        self.stdout.write(self.style.SUCCESS(
            f"Curriculum: {result.created} pages created, {result.existing} already present"))

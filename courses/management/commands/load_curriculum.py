from django.core.management.base import BaseCommand

from content.services import ensure_home_page
from courses.curriculum import load_curriculum
from courses.final_tests import attach_final_tests


class Command(BaseCommand):
    help = ("Create the four capacity-building programs with their modules and lessons, and a final test for "
            "each program that has none (idempotent).")

    def handle(self, **options):
        result = load_curriculum(ensure_home_page())
        self.stdout.write(self.style.SUCCESS(
            f"Curriculum: {result.created} pages created, {result.existing} already present"))
        # A separate step and file (courses/final_tests.py): the curriculum's content may be rewritten freely.
        final_tests = attach_final_tests()
        self.stdout.write(self.style.SUCCESS(f"Final tests: {final_tests} created"))

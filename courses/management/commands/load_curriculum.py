from django.core.management.base import BaseCommand

from content.services import ensure_home_page
from courses.curriculum import load_curriculum
from courses.final_tests import attach_final_tests


class Command(BaseCommand):
    help = ("Create the four capacity-building programs with their modules and lessons, and a final test for "
            "each program that has none (idempotent). --update also brings pages and quizzes nobody has edited "
            "since they were loaded up to the file, and lists the edited ones for a trainer to review.")

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true",
                            help="update untouched pages and quizzes from the file; report edited ones")

    def handle(self, **options):
        result = load_curriculum(ensure_home_page(), update=options["update"])
        self.stdout.write(self.style.SUCCESS(
            f"Curriculum: {result.created} pages created, {result.existing} already present"))
        # A separate step and file (courses/final_tests.py): the curriculum's content may be rewritten freely.
        final_tests = attach_final_tests()
        self.stdout.write(self.style.SUCCESS(f"Final tests: {final_tests} created"))
        if options["update"]:
            self._report(result.report)

    def _report(self, report):
        self.stdout.write(f"Updated from the file: {len(report.updated)}; already up to date: {report.unchanged}")
        for title in report.updated:
            self.stdout.write(f"  updated: {title}")
        if report.to_review:
            self.stdout.write(self.style.WARNING(
                f"{len(report.to_review)} edited since loading, left as they are; a trainer should compare "
                "them with courses/data/curriculum.json:"))
            for title, page_id in report.to_review:
                where = f" (/admin/pages/{page_id}/edit/)" if page_id else ""
                self.stdout.write(f"  to review: {title}{where}")

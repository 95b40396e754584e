from django.core.management.base import BaseCommand

from localities.current_map import move_learners_to_current_map


class Command(BaseCommand):
    help = ("After the new map and its reform files are loaded: move every learner whose commune was retired "
            "to its current default successor and ask them to confirm it at their next sign-in. Records "
            "(enrolments, attempts, attendance, certificates) keep the unit of their time. See docs/places.md.")

    def handle(self, **options):
        result = move_learners_to_current_map()
        self.stdout.write(self.style.SUCCESS(f"Learners moved to today's commune: {result.moved}"))
        if result.unresolved:
            self.stdout.write(self.style.WARNING(
                f"Learners left in a retired commune without a current commune-level successor: "
                f"{result.unresolved} (load the reform file that links their commune, then rerun)."))

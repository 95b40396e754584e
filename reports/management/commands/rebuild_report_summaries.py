from django.core.management.base import BaseCommand

from reports import services
from reports.tasks import repair_completions


class Command(BaseCommand):
    help = ("Repair lost module/program completions, rebuild the report summaries from the learning records "
            "and report any drift (--check: only report).")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only compare; write nothing. Exit 1 on drift.")

    def handle(self, *args, check=False, **options):
        completions = repair_completions(dry_run=check)
        if completions.found:
            self.stdout.write(self.style.WARNING(("Missing: " if check else "Repaired: ") + completions.summary()))
        drift = services.check_summary_drift() if check else services.rebuild_summaries()
        if not drift.found and not completions.found:
            self.stdout.write(self.style.SUCCESS("No drift: the summaries match the learning records."))
            return
        if drift.found:
            self.stdout.write(self.style.WARNING(("Drift: " if check else "Repaired drift: ") + drift.summary()))
        if check:
            raise SystemExit(1)

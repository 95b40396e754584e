from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.tabular import ImportRejected
from localities.reform import import_reform

from ._reporting import refusal


class Command(BaseCommand):
    help = ("Load a reform file (old unit, its era, new unit, effective date, default flag, share): successor "
            "links, all or nothing; retires the old units the day before. See docs/places.md.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"File not found: {path}")
        try:
            result = import_reform(path.read_bytes(), path.name)
        except ImportRejected as rejected:
            raise refusal(self, rejected, "error(s); nothing was changed.") from None
        summary = (f"{path.name}: old units linked {result.linked}, already linked {result.unchanged}, "
                   f"retired {result.retired}")
        if result.nothing_changed:
            summary += " - nothing changed."
        self.stdout.write(self.style.SUCCESS(summary))

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.tabular import ImportRejected
from localities.services import import_units

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "bac-giang-2023-units.csv"


class Command(BaseCommand):
    help = "Import administrative units from the official export layout (CSV or XLSX); upserts by code."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
        parser.add_argument("--valid-from", type=date.fromisoformat, default=None,
                            help="Date (YYYY-MM-DD) from which newly created units are valid.")

    def handle(self, file, valid_from, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"File not found: {path}")
        try:
            result = import_units(path.read_bytes(), path.name, valid_from=valid_from)
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(rejected.errors)} bad row(s); nothing was imported.") from None
        counts = ", ".join(f"{level}: {count}" for level, count in result.counts.items())
        self.stdout.write(self.style.SUCCESS(
            f"Imported {counts} (created {result.created}, updated {result.updated})"))

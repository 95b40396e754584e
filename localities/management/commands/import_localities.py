from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.tabular import ImportRejected
from localities.services import import_units

from ._reporting import refusal, units_summary

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DEFAULT_FILE = DATA_DIR / "bac-giang-2023-units.csv"


class Command(BaseCommand):
    help = ("Load an administrative-unit list in the official export layout (CSV or XLSX, with or without the "
            "district columns) as of --valid-from: units that differ from the current ones of their code become "
            "new units; the old ones are retired the day before. See docs/places.md.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
        parser.add_argument("--valid-from", type=date.fromisoformat, default=None,
                            help="Date (YYYY-MM-DD) from which the list is in force.")

    def handle(self, file, valid_from, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"File not found: {path}")
        try:
            result = import_units(path.read_bytes(), path.name, valid_from=valid_from)
        except ImportRejected as rejected:
            raise refusal(self, rejected, "bad row(s); nothing was imported.") from None
        self.stdout.write(self.style.SUCCESS(units_summary(path.name, result)))

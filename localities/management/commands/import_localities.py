from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.tabular import ImportRejected
from localities.services import import_units

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
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(rejected.errors)} bad row(s); nothing was imported.") from None
        counts = ", ".join(f"{level}: {count}" for level, count in result.counts.items() if count)
        summary = (f"{path.name}: {counts} (created {result.created}, changed {result.changed}, "
                   f"unchanged {result.unchanged})")
        if result.name_en_filled:
            summary += f"; English names filled in: {result.name_en_filled}"
        if result.nothing_changed:
            summary += " - nothing changed."
        self.stdout.write(self.style.SUCCESS(summary))

from datetime import date
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from localities.services import CURRENT_MAP_DATE

from .import_localities import DATA_DIR

# Resolution 1191/NQ-UBTVQH15 (28/9/2024) rearranged Bắc Giang's districts and communes from 1/1/2025
# (the date localities/data/README.md gives with its sources).
BAC_GIANG_2024_DATE = date(2025, 1, 1)

# In order: each list is the map from its date on; each reform file links the units it retired.
STEPS = [
    ("import_localities", "bac-giang-2023-units.csv", None),
    ("import_localities", "bac-giang-2024-units.csv", BAC_GIANG_2024_DATE),
    ("import_reform", "reform-2024-bac-giang.csv", None),
    ("import_localities", "bac-ninh-2024-units.csv", None),
    ("import_localities", "bac-ninh-2025-units.csv", CURRENT_MAP_DATE),
    ("import_reform", "reform-2025-bac-ninh.csv", None),
]


class Command(BaseCommand):
    help = ("Load the demo map: Bắc Giang 2023, its 2024 rearrangement, old Bắc Ninh, and the new Bắc Ninh of "
            "1/7/2025 with the successor links of both reforms. Rerunning it changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=str(DATA_DIR), help="Folder holding the files (tests).")

    def handle(self, data_dir, **options):
        for command, filename, valid_from in STEPS:
            arguments = [str(Path(data_dir) / filename)]
            if valid_from:
                arguments.append(f"--valid-from={valid_from.isoformat()}")
            call_command(command, *arguments, stdout=self.stdout, stderr=self.stderr)

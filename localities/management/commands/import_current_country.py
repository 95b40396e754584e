from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from lms.tabular import ImportRejected
from localities.services import CURRENT_MAP_DATE, import_mapping_rows

from ._reporting import refusal, units_summary

DEFAULT_SOURCE = "localities.data.national.current_country_rows"


class Command(BaseCommand):
    help = ("Load the whole current country (34 provinces, 3,321 commune-level units, in force from 2025-07-01) "
            "from the pinned vietnam-provinces package. Rerunning it changes nothing. See docs/places.md.")

    def add_arguments(self, parser):
        parser.add_argument("--source", default=DEFAULT_SOURCE,
                            help="Dotted path of a function returning the rows (the official column names).")

    def handle(self, source, **options):
        try:
            result = import_mapping_rows(import_string(source)(), valid_from=CURRENT_MAP_DATE)
        except ImportRejected as rejected:
            raise refusal(self, rejected, "bad row(s); nothing was imported.") from None
        self.stdout.write(self.style.SUCCESS(units_summary("Current country", result)))

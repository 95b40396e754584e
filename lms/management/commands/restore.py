from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore an archive written by `backup` into an empty installation (new database, empty media "
            "folders); checks every checksum first and every table's row count after.")

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        try:
            result = restore_backup(Path(archive))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored: {result.tables} tables, {result.rows} rows, {result.files} files")

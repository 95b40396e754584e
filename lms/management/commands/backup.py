from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.backup import BackupError, create_backup


class Command(BaseCommand):
    help = ("Write one dated archive of the database (pg_dump -Fc, or SQLite's online backup), public media "
            "and private files, with a manifest of row counts and checksums (docs/operations.md).")

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="Folder for the archive (default: ./backups).")

    def handle(self, *args, output, **options):
        try:
            archive = create_backup(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))

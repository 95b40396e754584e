"""Move private files that older versions stored under MEDIA_ROOT into private storage.

Before the private storage existed, learner exports (`exports/`), quiz file answers (`quiz-answers/`) and
certificate PDFs (`certificates/`) lay under MEDIA_ROOT, where `/media/` served them to anyone. Run once
after upgrading (idempotent; `--dry-run` only reports):

    manage.py move_private_files [--dry-run] [--delete-orphans]

Each file a row still names is copied to private storage under a new unguessable name, the row is pointed
at it, then the old file is deleted. `--delete-orphans` also deletes files left in those three folders of
MEDIA_ROOT that no row names (they are personal data nobody can reach through the application).
"""

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction

from lms.storage import private_name, private_storage

# (model, file field, folder under both roots)
PRIVATE_FIELDS = [
    ("reports.ExportJob", "file", "exports"),
    ("assessments.Answer", "file", "quiz-answers"),
    ("courses.Certificate", "pdf", "certificates"),
]


class Command(BaseCommand):
    help = "Move exports, quiz file answers and certificate PDFs from MEDIA_ROOT to private storage."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only report what would move")
        parser.add_argument("--delete-orphans", action="store_true",
                            help="also delete files in those MEDIA_ROOT folders that no row names")

    def handle(self, *args, dry_run=False, delete_orphans=False, **options):
        for label, field, folder in PRIVATE_FIELDS:
            model = apps.get_model(label)
            moved = sum(self._move(label, model, field, folder, pk, name, dry_run)
                        for pk, name in model.objects.exclude(**{field: ""}).values_list("pk", field).iterator())
            orphans = self._orphans(model, field, folder)
            if delete_orphans and not dry_run:
                for name in orphans:
                    default_storage.delete(name)
            self.stdout.write(f"{label}: {moved} moved{' (dry run)' if dry_run else ''}; "
                              f"{len(orphans)} unreferenced in MEDIA_ROOT/{folder}/"
                              f"{' deleted' if delete_orphans and not dry_run else ''}")

    def _move(self, label, model, field, folder, pk, name, dry_run) -> int:
        private = private_storage()
        if private.exists(name) or not default_storage.exists(name):
            return 0  # moved already, or gone
        if dry_run:
            return 1
        with default_storage.open(name, "rb") as source:
            new_name = private.save(private_name(folder, name), source)
            size = source.size
        with transaction.atomic():
            updated = model.objects.filter(pk=pk, **{field: name}).update(**{field: new_name})
            if updated and label == "assessments.Answer":
                _repoint_answer(model, pk, new_name, size)
        if updated:
            default_storage.delete(name)
        else:
            private.delete(new_name)  # the row changed meanwhile: leave it alone
        return updated

    def _orphans(self, model, field, folder) -> list[str]:
        held = set(model.objects.exclude(**{field: ""}).values_list(field, flat=True))
        return [name for name in _walk(default_storage, folder) if name not in held]


def _repoint_answer(model, pk, new_name, size) -> None:
    """An answer also keeps the name in its response and counts its size against the learner's quota."""
    answer = model.objects.get(pk=pk)
    response = dict(answer.response or {})
    if "file" in response:
        response["file"] = new_name
    model.objects.filter(pk=pk).update(response=response, file_size=size)


def _walk(storage, folder) -> list[str]:
    if not storage.exists(folder):
        return []
    folders, files = storage.listdir(folder)
    names = [f"{folder}/{name}" for name in files]
    for sub in folders:
        names.extend(_walk(storage, f"{folder}/{sub}"))
    return names

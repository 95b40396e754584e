"""The restore drill: a dataset (learners, attempts with file answers, a certificate, a class, public media),
`manage.py backup`, `manage.py restore` into a fresh database and fresh media folders in another process,
then every table's row count and every file's checksum compared, and the certificate still verifies.
Runs on SQLite (online backup API) and on PostgreSQL (pg_dump -Fc / pg_restore)."""

import io
import json
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from assessments import services as assessment_services
from lms.backup import BackupError, file_checksums, restore_backup, row_counts, sqlite_counts

from ..assessments.builders import make_file_question, make_quiz
from ..certificates.builders import complete_program
from ..conftest import make_learner
from ..courses.class_builders import make_class
from ..outbox.helpers import database_url
from .nodes import ROOT, node_env

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def dataset(learner, commune, district, district_manager, home_page, django_capture_on_commit_callbacks):
    for n in range(3):
        make_learner(commune, phone=f"09130000{n:02d}", full_name=f"Học viên dự phòng {n}")
    question = make_file_question()
    attempt = assessment_services.start_attempt(learner, make_quiz([question]))
    with django_capture_on_commit_callbacks(execute=True):
        assessment_services.save_answers(attempt, [assessment_services.PostedAnswer(
            question.pk, [], SimpleUploadedFile("bai-lam.pdf", PDF))])
    program, certificate = complete_program(learner, home_page, django_capture_on_commit_callbacks)
    certificate.refresh_from_db()
    assert certificate.pdf, "the certificate PDF was drawn"
    make_class(home_page, district_manager, district, program=program)
    default_storage.save("tai-lieu/so-tay.txt", ContentFile("Sổ tay đài truyền thanh xã".encode()))
    return certificate


def backup(tmp_path) -> Path:
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    return Path(out.getvalue().strip())


def fresh_database(tmp_path) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    name = connection.settings_dict["NAME"] + "_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    return database_url().rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def manage(env, *args):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


CHECK_RESTORED = """
import json
from django.test import Client
from lms.backup import row_counts
page = Client(HTTP_HOST="localhost").get("/verify/%s/")
print(json.dumps({"counts": row_counts(), "status": page.status_code,
                  "valid": "Giấy chứng nhận hợp lệ" in page.content.decode()}))
"""


@pytest.mark.django_db(transaction=True)
def test_restore_drill(dataset, tmp_path):
    archive = backup(tmp_path)
    assert archive.name.startswith("lms-backup-") and archive.suffix == ".tar"
    counts = row_counts()
    media, private = file_checksums(settings.MEDIA_ROOT), file_checksums(settings.PRIVATE_MEDIA_ROOT)
    assert any(name.startswith("quiz-answers/") for name in private)
    assert any(name.startswith("tai-lieu/") for name in media)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["row_counts"] == counts
    assert {name for name in manifest["files"] if name.startswith("private/")} == {f"private/{n}" for n in private}

    target = fresh_database(tmp_path)
    new_media, new_private = tmp_path / "new-media", tmp_path / "new-private"
    env = node_env(DJANGO_SETTINGS_MODULE="lms.settings.dev", DJANGO_DEBUG="false", DATABASE_URL=target,
                   MEDIA_ROOT=new_media, PRIVATE_MEDIA_ROOT=new_private, LOG_LEVEL="WARNING")
    try:
        assert "restored:" in manage(env, "restore", str(archive))
        restored = json.loads(manage(env, "shell", "-c", CHECK_RESTORED % dataset.code).strip().splitlines()[-1])
    finally:
        drop_database(target)

    assert restored["counts"] == counts
    assert counts["accounts_user"] >= 5 and counts["courses_certificate"] == 1
    assert file_checksums(new_media) == media
    assert file_checksums(new_private) == private
    assert restored["status"] == 200 and restored["valid"]


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_archive_and_a_non_empty_installation(dataset, tmp_path):
    archive = backup(tmp_path)
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(archive)  # this test database has tables
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as tar:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("private/quiz-answers/"):
                data = data.replace(b"%%EOF", b"%%EOX")
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="damaged"):
        restore_backup(damaged)


def test_sqlite_counts_include_every_table(tmp_path):
    database = sqlite3.connect(tmp_path / "x.sqlite3")
    database.execute("CREATE TABLE a (x)")
    database.execute("INSERT INTO a VALUES (1), (2)")
    assert sqlite_counts(database) == {"a": 2}

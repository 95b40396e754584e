"""The private storage itself: no public URL, a root that /media/ can never reach, and the command that
moves files older versions left under MEDIA_ROOT."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from assessments import services as quiz_services
from assessments.models import Answer
from lms.storage import check_private_media, private_storage
from reports.models import ExportJob

from ..assessments.builders import make_file_question, make_quiz


def test_private_files_have_no_public_url():
    with pytest.raises(ValueError, match="no public URL"):
        private_storage().url("exports/x/hoc-vien-1.xlsx")


def test_private_root_inside_media_root_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "media" / "private")
    assert [error.id for error in check_private_media()] == ["lms.E102"]
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.PRIVATE_MEDIA_SERVE = "apache"
    assert [error.id for error in check_private_media()] == ["lms.E103"]
    settings.PRIVATE_MEDIA_SERVE = "nginx"
    assert check_private_media() == []


def _old_file(name: str, data: bytes) -> str:
    """Where versions before the private storage put it: under MEDIA_ROOT, a guessable name."""
    default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


@pytest.mark.django_db
def test_move_private_files_out_of_media_root(learner, province_manager, province):
    job = ExportJob.objects.create(requested_by=province_manager, locality=province, status="done",
                                   file=_old_file("exports/hoc-vien-1.csv", b"Ho va ten\n"))
    question = make_file_question()
    attempt = quiz_services.start_attempt(learner, make_quiz([question]))
    old_answer = _old_file(f"quiz-answers/{attempt.pk}/bai.pdf", b"%PDF-1.4 bai lam")
    answer = Answer.objects.create(attempt_question=attempt.questions.get(), file=old_answer,
                                   response={"file": old_answer})
    orphan = _old_file("exports/hoc-vien-2.csv", b"old export nobody holds")

    out = io.StringIO()
    call_command("move_private_files", stdout=out)
    job.refresh_from_db()
    answer.refresh_from_db()
    for name, data in ((job.file.name, b"Ho va ten\n"), (answer.file.name, b"%PDF-1.4 bai lam")):
        assert private_storage().open(name).read() == data
        assert len(Path(name).parent.name) == 32  # the new, unguessable token folder
    assert answer.response == {"file": answer.file.name} and answer.file_size == len(b"%PDF-1.4 bai lam")
    assert not default_storage.exists("exports/hoc-vien-1.csv") and not default_storage.exists(old_answer)
    assert "reports.ExportJob: 1 moved; 1 unreferenced" in out.getvalue()
    assert default_storage.exists(orphan)  # reported, kept unless asked

    out = io.StringIO()
    call_command("move_private_files", "--delete-orphans", stdout=out)
    assert "reports.ExportJob: 0 moved" in out.getvalue() and "assessments.Answer: 0 moved" in out.getvalue()
    assert not default_storage.exists(orphan)
    job.refresh_from_db()
    assert private_storage().exists(job.file.name)

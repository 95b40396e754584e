"""File answers: the content decides (not the name), bombs are refused, a replaced file is deleted, each
learner has a storage quota, and the file lives in private storage, served only to its learner and to
staff whose scope covers the attempt."""

import os

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.views.static import serve

from accounts.models import Role
from assessments import services
from assessments.exceptions import AnswerQuotaExceeded, InvalidResponse
from assessments.models import Answer
from lms.storage import private_storage

from ..conftest import make_learner, make_staff
from ..reports.builders import bomb_png
from ..reports.builders import png_bytes as png
from .builders import make_file_question, make_quiz

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>fetch('/admin/')</script></body></html>"


@pytest.fixture
def file_attempt(learner):
    question = make_file_question()
    return question, services.start_attempt(learner, make_quiz([question]))


def send(attempt, question, name, data):
    return services.save_answers(attempt, [services.PostedAnswer(question.pk, [], SimpleUploadedFile(name, data))])


def stored_answer(question):
    return Answer.objects.get(attempt_question__question=question)


@pytest.mark.django_db
@pytest.mark.parametrize("name, data", [
    ("bai-lam.png", HTML),                          # a web page renamed .png
    ("bai-lam.pdf", HTML),                          # ... or .pdf
    ("bai-lam.pdf", b"%PDF-1.4\n" + HTML),          # markup behind a PDF header
    ("bai-lam.png", PDF),                           # a real PDF under an image name
    ("ban-tin.mp3", png()),                         # an image under an audio name
])
def test_content_must_match_the_extension(file_attempt, name, data):
    question, attempt = file_attempt
    with pytest.raises(InvalidResponse, match="không khớp"):
        send(attempt, question, name, data)
    assert not Answer.objects.exists()


@pytest.mark.django_db
def test_decompression_bomb_png_is_refused(file_attempt):
    question, attempt = file_attempt
    with pytest.raises(InvalidResponse, match="kích thước quá lớn"):
        send(attempt, question, "anh.png", bomb_png())
    assert not Answer.objects.exists()


@pytest.mark.django_db
def test_image_over_the_pixel_limit_is_refused(file_attempt, settings):
    """Between Pillow's warning threshold and our own limit: still refused, before any decoding."""
    settings.ANSWER_MAX_IMAGE_PIXELS = 50 * 50
    question, attempt = file_attempt
    with pytest.raises(InvalidResponse, match="kích thước quá lớn"):
        send(attempt, question, "anh.png", png(60, 60))


@pytest.mark.django_db
def test_honest_files_are_accepted(file_attempt):
    question, attempt = file_attempt
    for name, data in (("anh.png", png()), ("bai.pdf", PDF), ("ban-tin.mp3", MP3)):
        assert send(attempt, question, name, data) == 1
        assert stored_answer(question).file_basename == name


@pytest.mark.django_db
def test_replaced_file_is_deleted_from_storage(file_attempt, django_capture_on_commit_callbacks):
    question, attempt = file_attempt
    storage = private_storage()
    with django_capture_on_commit_callbacks(execute=True):
        send(attempt, question, "lan-1.pdf", PDF)
    first = stored_answer(question).file.name
    assert storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        send(attempt, question, "lan-2.pdf", PDF)
    answer = stored_answer(question)
    assert answer.file.name != first and storage.exists(answer.file.name)
    assert not storage.exists(first)
    assert answer.response == {"file": answer.file.name} and answer.file_size == len(PDF)


@pytest.mark.django_db
def test_refused_save_keeps_the_previous_file(file_attempt, django_capture_on_commit_callbacks):
    question, attempt = file_attempt
    with django_capture_on_commit_callbacks(execute=True):
        send(attempt, question, "lan-1.pdf", PDF)
    first = stored_answer(question).file.name
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidResponse):
        send(attempt, question, "lan-2.png", HTML)
    assert stored_answer(question).file.name == first and private_storage().exists(first)


@pytest.mark.django_db
def test_storage_quota_per_learner(learner, settings, django_capture_on_commit_callbacks):
    settings.QUIZ_ANSWER_QUOTA_BYTES = 3 * len(PDF)
    first_q, second_q = make_file_question(), make_file_question()
    first = services.start_attempt(learner, make_quiz([first_q]))
    second = services.start_attempt(learner, make_quiz([second_q], title="Kiểm tra chuyên đề 2"))
    padded = PDF + b"%" * len(PDF)  # twice the size, still a PDF
    send(first, first_q, "mot.pdf", padded)
    with pytest.raises(AnswerQuotaExceeded, match="vượt giới hạn") as refused:
        send(second, second_q, "hai.pdf", padded)  # another attempt: the learner's files count together
    assert "của bạn đã dùng" in str(refused.value)
    assert not Answer.objects.filter(attempt_question__question=second_q).exists()
    folder = os.path.join(settings.PRIVATE_MEDIA_ROOT, "quiz-answers")
    before = sum(len(files) for _root, _dirs, files in os.walk(folder))
    with django_capture_on_commit_callbacks(execute=True):
        send(first, first_q, "mot-b.pdf", padded)  # replacing a file frees its share
    assert sum(len(files) for _root, _dirs, files in os.walk(folder)) == before
    assert send(second, second_q, "hai.pdf", PDF) == 1


@pytest.mark.django_db
def test_quota_refusal_reaches_the_page(client, file_attempt, learner, settings):
    settings.QUIZ_ANSWER_QUOTA_BYTES = 10
    question, attempt = file_attempt
    client.force_login(learner)
    response = client.post(reverse("assessments:save", args=[attempt.pk]),
                           {"question": [question.pk], f"q{question.pk}": SimpleUploadedFile("bai.pdf", PDF)})
    assert response.status_code == 400 and "vượt giới hạn" in response.content.decode()
    assert not Answer.objects.exists()


@pytest.fixture
def answer(file_attempt):
    question, attempt = file_attempt
    send(attempt, question, "bai-lam.pdf", PDF)
    return stored_answer(question)


@pytest.mark.django_db
def test_answer_file_is_private_and_unguessable(answer):
    name = answer.file.name
    assert private_storage().exists(name) and not default_storage.exists(name)
    path = os.path.realpath(private_storage().path(name))
    assert not path.startswith(os.path.realpath(settings.MEDIA_ROOT) + os.sep)
    token = name.split("/")[1]
    assert len(token) == 32 and str(answer.attempt_question.attempt_id) not in name.replace(token, "")
    with pytest.raises(Http404):  # what /media/ (nginx, or the development server) would answer
        serve(RequestFactory().get(f"/media/{name}"), name, document_root=settings.MEDIA_ROOT)


@pytest.mark.django_db
def test_answer_file_is_served_to_its_learner_and_staff_in_scope(client, answer, learner, trainer,
                                                                 province_manager):
    url = reverse("assessments:answer_file", args=[answer.pk])
    for user in (learner, trainer, province_manager):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF
        assert response["Cache-Control"] == "private, no-store" and "attachment" in response["Content-Disposition"]


@pytest.mark.django_db
def test_answer_file_is_404_for_everyone_else(client, answer, outsider_learner, outsider_manager, other_district,
                                              commune):
    url = reverse("assessments:answer_file", args=[answer.pk])
    assert client.get(url).status_code == 404  # anonymous: no login page confirming the file exists
    neighbour = make_learner(commune, phone="0987000077", full_name="Cùng Xã")
    other_trainer = make_staff("other-trainer", Role.TRAINER, other_district)
    for user in (outsider_learner, neighbour, outsider_manager, other_trainer):
        client.force_login(user)
        assert client.get(url).status_code == 404, user

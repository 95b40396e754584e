"""Practice tasks: a learner hands in text, a file or a phone recording from the lesson; a trainer in scope
marks it from the marking queue; the learner reads the feedback under the task. Files are checked for type
and size, kept in private storage and served to the learner and staff in scope only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from courses import services as learning
from courses.models import PracticeStatus, PracticeSubmission
from courses.practice import selectors, services
from courses.practice.services import PracticeError
from lms.storage import private_storage

from ..conftest import make_learner, make_staff
from .builders import make_index, make_lesson, make_module, make_program

MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 400
HTML = b"<!DOCTYPE html><html><body><script>fetch('/admin/')</script></body></html>"
TASK = "task-radio"


def practice_body():
    return [{"type": "paragraph", "value": "<p>Nội dung</p>", "id": "p1"},
            {"type": "practice", "id": TASK,
             "value": {"instructions": "<p>Ghi âm một bản tin 2 phút.</p>", "submission": "Tệp ghi âm"}}]


@pytest.fixture
def lesson(home_page):
    program = make_program(make_index(home_page), code="TH1")
    return make_lesson(make_module(program, "m1"), "th", body=practice_body())


@pytest.fixture
def enrolled(learner, lesson):
    learning.enrol(learner, lesson.get_parent().get_parent().specific)
    return learner


@pytest.fixture
def other_trainer(other_district):
    return make_staff("other-trainer", Role.TRAINER, other_district)


def post(client, lesson, data, block=TASK):
    return client.post(reverse("courses:practice_submit", args=[lesson.pk, block]), data)


def audio(name="ghi-am.m4a", data=MP3):
    return SimpleUploadedFile(name if name.endswith(".mp3") else name, data, content_type="audio/mpeg")


@pytest.mark.django_db
def test_learner_hands_in_a_recording_and_sees_it_waiting(client, enrolled, lesson, commune):
    client.force_login(enrolled)
    page = client.get(lesson.url).content.decode()
    assert 'accept="audio/*" capture' in page and 'enctype="multipart/form-data"' in page
    response = post(client, lesson, {"text": "Bản tin xã", "recording": audio("ban-tin.mp3")})
    assert response.status_code == 302 and response["Location"].endswith(f"#practice-{TASK}")
    row = PracticeSubmission.objects.get()
    assert (row.user, row.lesson_id, row.block_id, row.commune, row.status) == (
        enrolled, lesson.pk, TASK, commune, PracticeStatus.SUBMITTED)
    assert private_storage().exists(row.file.name) and row.file_size == len(MP3)
    page = client.get(lesson.url).content.decode()
    assert "Chờ chấm" in page and "Nộp lại" in page


@pytest.mark.django_db
def test_the_kept_lesson_body_gives_each_learner_their_own_hand_in(client, enrolled, lesson, commune):
    """The lesson body is rendered once and kept; the hand-in under a task is filled in per request."""
    neighbour = make_learner(commune, phone="0987000002", full_name="Học Viên Hai")
    learning.enrol(neighbour, lesson.get_parent().get_parent().specific)
    client.force_login(enrolled)
    client.get(lesson.url)  # the body is kept from here on
    assert post(client, lesson, {"text": "Bản tin của học viên một"}).status_code == 302
    mine = client.get(lesson.url).content.decode()
    assert "Bản tin của học viên một" in mine and "Nộp lại" in mine and "Ghi âm một bản tin 2 phút." in mine
    client.force_login(neighbour)
    theirs = client.get(lesson.url).content.decode()
    assert "Bản tin của học viên một" not in theirs and "Nộp bài thực hành" in theirs
    assert f'action="{reverse("courses:practice_submit", args=[lesson.pk, TASK])}"' in theirs
    client.logout()
    visitor = client.get(lesson.url).content.decode()
    assert "Ghi âm một bản tin 2 phút." in visitor and "practice-text" not in visitor and "lms:hand-in" not in visitor


@pytest.mark.django_db
def test_the_kept_empty_form_carries_each_learners_own_token_and_language(client, enrolled, lesson, commune):
    """The form of a learner who handed in nothing is rendered once per task and language, then reused: each
    request still puts its own CSRF token in it, and English learners get the English form."""
    import re

    from django.middleware.csrf import _unmask_cipher_token

    neighbour = make_learner(commune, phone="0987000002", full_name="Học Viên Hai")
    learning.enrol(neighbour, lesson.get_parent().get_parent().specific)
    forms = []
    for user in (enrolled, neighbour, enrolled):
        client.force_login(user)
        page = client.get(lesson.url).content.decode()
        form = re.search(r'<form method="post" enctype="multipart/form-data".*?</form>', page, re.S)[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value
        assert "Nộp bài thực hành" in form and "lms-csrf-token-slot" not in page
        forms.append(form.replace(token, ""))
    assert forms[0] == forms[1] == forms[2]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(lesson.url).content.decode()
    assert "Hand in the practice task" in english and "Nộp bài thực hành" not in english


@pytest.mark.django_db
def test_the_hand_in_is_read_only_once_something_was_handed_in(client, enrolled, lesson, django_assert_num_queries):
    """Most learners have handed in nothing for the lesson they open: the learner's facts say so, and the form
    is shown without reading a hand-in. After handing in, the page reads it (one query more) and shows it."""
    from .test_learner_page_speed import LESSON_QUERIES

    client.force_login(enrolled)
    client.get(lesson.url)  # creates the organiser settings, which clears the kept site
    client.get(lesson.url)  # the site and settings are kept from here on
    with django_assert_num_queries(LESSON_QUERIES):
        before = client.get(lesson.url).content.decode()
    assert "Nộp bài thực hành" in before and "Bài đã nộp" not in before
    assert post(client, lesson, {"text": "Bản tin đã nộp"}).status_code == 302
    with django_assert_num_queries(LESSON_QUERIES + 1):
        after = client.get(lesson.url).content.decode()
    assert "Bài đã nộp" in after and "Bản tin đã nộp" in after and "Nộp lại" in after


@pytest.mark.django_db
@pytest.mark.parametrize("data", [
    {"text": "", "file": SimpleUploadedFile("ban-tin.mp3", HTML)},          # a web page renamed .mp3
    {"text": "", "file": SimpleUploadedFile("ban-tin.exe", b"MZ" + b"\0" * 64)},  # not an accepted type
    {"text": ""},                                                          # nothing handed in
])
def test_bad_hand_ins_are_refused_and_nothing_is_stored(client, enrolled, lesson, data):
    client.force_login(enrolled)
    post(client, lesson, data)
    assert not PracticeSubmission.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(enrolled, lesson, settings):
    settings.PRACTICE_MAX_UPLOAD_BYTES = 100
    with pytest.raises(PracticeError, match="quá lớn"):
        services.submit(enrolled, lesson, TASK, upload=audio("ban-tin.mp3"))
    assert not PracticeSubmission.objects.exists()


@pytest.mark.django_db
def test_only_an_enrolled_learner_hands_in_a_task_of_the_lesson(client, learner, lesson):
    client.force_login(learner)
    assert "practice-text" not in client.get(lesson.url).content.decode()  # no form before enrolling
    post(client, lesson, {"text": "Bài làm"})
    assert not PracticeSubmission.objects.exists()
    learning.enrol(learner, lesson.get_parent().get_parent().specific)
    with pytest.raises(PracticeError):
        services.submit(learner, lesson, "no-such-task", text="Bài làm")
    assert not PracticeSubmission.objects.exists()


@pytest.mark.django_db
def test_trainer_in_scope_marks_from_the_queue_and_learner_reads_the_feedback(
        client, enrolled, lesson, trainer, other_trainer):
    submission = services.submit(enrolled, lesson, TASK, text="Bản tin", upload=audio("ban-tin.mp3"))
    assert list(selectors.marking_queue(trainer)) == [submission]
    assert list(selectors.marking_queue(other_trainer)) == []
    client.force_login(trainer)
    queue = client.get(reverse("assessments_admin:marking")).content.decode()
    mark_url = reverse("courses_admin:practice_mark", args=[submission.pk])
    assert mark_url in queue
    assert client.get(mark_url).status_code == 200
    response = client.post(mark_url, {"status": "redo", "feedback": "Giọng đọc còn nhanh, đọc chậm lại."})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.marked_by) == (PracticeStatus.REDO, trainer)
    assert list(selectors.marking_queue(trainer)) == []
    client.force_login(enrolled)
    page = client.get(lesson.url).content.decode()
    assert "Giọng đọc còn nhanh, đọc chậm lại." in page and "Cần làm lại" in page


@pytest.mark.django_db
def test_outsiders_cannot_see_mark_or_open_the_file(client, enrolled, lesson, trainer, other_trainer, other_commune):
    submission = services.submit(enrolled, lesson, TASK, upload=audio("ban-tin.mp3"))
    file_url = reverse("courses:practice_file", args=[submission.pk])
    mark_url = reverse("courses_admin:practice_mark", args=[submission.pk])
    client.force_login(other_trainer)
    assert mark_url not in client.get(reverse("assessments_admin:marking")).content.decode()
    assert client.get(mark_url).status_code == 404
    assert client.post(mark_url, {"status": "passed", "feedback": ""}).status_code == 404
    assert client.get(file_url).status_code == 404
    client.force_login(make_learner(other_commune, phone="0987000055"))
    assert client.get(file_url).status_code == 404
    client.logout()
    assert client.get(file_url).status_code == 404
    submission.refresh_from_db()
    assert submission.status == PracticeStatus.SUBMITTED and submission.marked_by is None
    for user in (enrolled, trainer):
        client.force_login(user)
        response = client.get(file_url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_handing_in_again_goes_back_to_the_queue_and_passed_is_final(enrolled, lesson, trainer,
                                                                    django_capture_on_commit_callbacks):
    first = services.submit(enrolled, lesson, TASK, upload=audio("ban-tin.mp3"))
    old_file = first.file.name
    services.mark(trainer, first.pk, PracticeStatus.REDO, "Làm lại phần kết")
    with django_capture_on_commit_callbacks(execute=True):
        again = services.submit(enrolled, lesson, TASK, upload=audio("ban-tin-2.mp3"))
    assert (again.pk, again.status, again.feedback, again.marked_by) == (first.pk, PracticeStatus.SUBMITTED, "",
                                                                         None)
    assert not private_storage().exists(old_file) and private_storage().exists(again.file.name)
    services.mark(trainer, again.pk, PracticeStatus.PASSED, "Tốt")
    with pytest.raises(PracticeError, match="đạt"):
        services.submit(enrolled, lesson, TASK, text="Lần ba")
    assert PracticeSubmission.objects.get().status == PracticeStatus.PASSED


@pytest.mark.django_db
def test_a_mark_on_work_handed_in_again_meanwhile_is_refused(enrolled, lesson, trainer, monkeypatch):
    """The marker read the first version; the learner hands in again before the mark is saved."""
    seen = services.submit(enrolled, lesson, TASK, text="Lần một")
    reader = selectors.submission_for_marker

    def read_then_learner_hands_in_again(user, pk):
        version = reader(user, pk)
        PracticeSubmission.objects.filter(pk=pk).update(submitted_at=version.submitted_at.replace(year=2030))
        return version

    monkeypatch.setattr(selectors, "submission_for_marker", read_then_learner_hands_in_again)
    with pytest.raises(PracticeError, match="nộp lại"):
        services.mark(trainer, seen.pk, PracticeStatus.PASSED, "")
    assert PracticeSubmission.objects.get().status == PracticeStatus.SUBMITTED


@pytest.mark.django_db
def test_redo_needs_feedback(enrolled, lesson, trainer):
    submission = services.submit(enrolled, lesson, TASK, text="Bài")
    with pytest.raises(PracticeError):
        services.mark(trainer, submission.pk, PracticeStatus.REDO, "  ")
    assert PracticeSubmission.objects.get().status == PracticeStatus.SUBMITTED

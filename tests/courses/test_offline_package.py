"""The module package (courses/package.py): what a learner may download to study offline, and its size."""

import pytest
from django.core import signing
from django.urls import reverse

from assessments import offline
from courses import services
from courses.models import LessonProgress
from tests.assessments.builders import make_quiz, make_single
from tests.e2e.media import make_audio_document, make_image

from .builders import make_course, make_lesson

pytestmark = pytest.mark.django_db

TEXT_PACKAGE_BUDGET = 300 * 1024  # a text-only module of five lessons


@pytest.fixture
def course(home_page):
    program, first, second, *_ = make_course(home_page)
    return program, first, second


def package_url(module) -> str:
    return reverse("courses:module_package", args=[module.pk])


def urls_of(response) -> set[str]:
    return {f["url"] for f in response.json()["files"]}


def test_the_package_lists_lessons_images_and_audio_with_sizes(client, learner, course):
    program, module, _second = course
    audio = make_audio_document()
    image = make_image()
    lesson = make_lesson(module, "nghe", body=[
        {"type": "image", "value": {"image": image.pk, "caption": "Ảnh"}},
        {"type": "audio", "value": {"title": "Bản tin", "file": audio.pk, "duration": "", "transcript": ""}},
    ])
    services.enrol(learner, program)
    client.force_login(learner)
    response = client.get(package_url(module))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    data = response.json()
    files = {f["url"]: f for f in data["files"]}
    assert module.url in files and lesson.url in files and audio.file.url in files
    assert files[audio.file.url] == {"url": audio.file.url, "bytes": audio.file.size, "kind": "audio"}
    images = [f for f in data["files"] if f["kind"] == "image"]
    assert len(images) == 2 and all(f["bytes"] > 0 for f in images)  # the two srcset widths
    assert data["audio_bytes"] == audio.file.size
    assert data["total_bytes"] == sum(f["bytes"] for f in data["files"])
    assert reverse("courses:offline_downloads") in files


def test_downloading_a_lesson_does_not_mark_it_started(client, learner, course):
    program, module, _second = course
    services.enrol(learner, program)
    client.force_login(learner)
    lesson = module.get_children().first()
    assert client.get(lesson.url, headers={"X-LMS-Offline-Download": "1"}).status_code == 200
    assert not LessonProgress.objects.exists()
    client.get(lesson.url)
    assert LessonProgress.objects.filter(user=learner, lesson_id=lesson.pk).exists()


def test_local_lessons_only_for_their_unit(client, learner, outsider_learner, district, course):
    program, module, _second = course
    local = make_lesson(module, "mo-hinh-luc-ngan", local_unit=district)
    for person in (learner, outsider_learner):
        services.enrol(person, program)
    client.force_login(learner)
    assert local.url in urls_of(client.get(package_url(module)))
    client.force_login(outsider_learner)
    response = client.get(package_url(module))
    assert response.status_code == 200 and local.url not in urls_of(response)
    assert local.pk not in {lesson["id"] for lesson in response.json()["lessons"]}


def test_no_package_without_enrolment_or_before_the_prerequisite(client, learner, outsider_learner, course):
    program, first, second = course
    client.force_login(outsider_learner)
    response = client.get(package_url(first))
    assert response.status_code == 403 and "ghi danh" in response.json()["error"]
    services.enrol(learner, program)
    client.force_login(learner)
    locked = client.get(package_url(second))
    assert locked.status_code == 403 and first.title in locked.json()["error"]
    client.logout()
    assert client.get(package_url(first)).status_code == 302


def test_a_text_module_of_five_lessons_stays_under_budget(client, learner, home_page):
    program, module, *_ = make_course(home_page, lessons_per_module=5, code="CT5")
    services.enrol(learner, program)
    client.force_login(learner)
    data = client.get(package_url(module)).json()
    assert len(data["lessons"]) == 5 and data["audio_bytes"] == 0
    assert data["total_bytes"] <= TEXT_PACKAGE_BUDGET
    measured = sum(len(client.get(f["url"], headers={"X-LMS-Offline-Download": "1"}).content)
                   for f in data["files"])
    assert measured <= TEXT_PACKAGE_BUDGET, measured


def test_the_module_quiz_comes_as_a_signed_draw_when_it_allows_offline(client, learner, course):
    program, module, _second = course
    module.quiz = make_quiz([make_single()], allow_offline=True)
    module.save()
    services.enrol(learner, program)
    client.force_login(learner)
    data = client.get(package_url(module)).json()
    draw = signing.loads(data["quiz"]["draw"], salt=offline.SIGNING_SALT)
    assert draw["u"] == learner.pk and draw["q"] == module.quiz_id
    assert data["quiz"]["page"] == f"{reverse('assessments:offline_quiz')}#{module.pk}"
    assert reverse("assessments:offline_quiz") in urls_of(client.get(package_url(module)))
    module.quiz.allow_offline = False
    module.quiz.save()
    data = client.get(package_url(module)).json()
    assert data["quiz"] is None and "không cho làm ngoại tuyến" in data["quiz_refusal"]


def test_a_programs_final_test_is_never_offline(learner, course):
    program, _first, _second = course
    final = make_quiz([make_single()], allow_offline=True, title="Kiểm tra cuối khoá")
    program.final_quiz = final
    program.save_revision().publish()
    services.enrol(learner, program)
    with pytest.raises(offline.OfflineRefused, match="cuối chương trình"):
        offline.issue_draw(learner, final)


def test_the_module_page_offers_the_download_to_enrolled_learners(client, learner, course):
    program, module, _second = course
    client.force_login(learner)
    assert b'id="offline-download"' not in client.get(module.url).content
    services.enrol(learner, program)
    page = client.get(module.url).content.decode()
    assert 'id="offline-download"' in page and package_url(module) in page
    assert "Tải về để học ngoại tuyến" in page


def test_the_downloads_page(client, learner):
    client.force_login(learner)
    response = client.get(reverse("courses:offline_downloads"))
    assert response.status_code == 200 and "Dữ liệu đã tải" in response.content.decode()

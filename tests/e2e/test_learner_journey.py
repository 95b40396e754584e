"""Journey 1: a learner on a 360×740 phone, from sign-up to a verified certificate."""

import json
import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from assessments.models import Attempt
from courses.models import Certificate, CertificateStatus, CompletionRule, LessonProgress, ProgramCompletion
from courses.services import opened_at_of
from tests.assessments.builders import make_quiz, make_single
from tests.courses.builders import make_index, make_lesson, make_module, make_program

from .axe import assert_accessible
from .conftest import PHONE
from .media import make_audio_document, make_image

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_NUMBER = "0912345678"
PASSWORD = "Hoc-vien-Luc-Ngan-2024"


@pytest.fixture
def course(e2e_site):
    """One program, one module with a text lesson, an audio lesson and a two-question quiz (pass at 60%)."""
    program = make_program(make_index(e2e_site), code="CT1", title="Kỹ năng thông tin cơ sở")
    quiz = make_quiz([make_single(text="Đài truyền thanh xã do ai quản lý?"),
                      make_single(text="Ai ký quyết định thành lập đài truyền thanh xã?")],
                     title="Kiểm tra chuyên đề 1", pass_mark=60)
    module = make_module(program, "dai-truyen-thanh", title="Đài truyền thanh cấp xã", quiz=quiz)
    make_lesson(module, "gioi-thieu", title="Giới thiệu đài truyền thanh", body=[
        {"type": "heading", "value": "Nhiệm vụ của đài"},
        {"type": "paragraph", "value": "<p>Đài truyền thanh xã phát tin về giảm nghèo bền vững.</p>"},
        {"type": "image", "value": {"image": make_image().pk, "caption": "Phòng phát thanh của xã"}},
    ])
    make_lesson(module, "nghe-ban-tin", title="Nghe bản tin mẫu", completion_rule=CompletionRule.MEDIA_END, body=[
        {"type": "audio", "value": {"title": "Bản tin sáng thứ Hai", "file": make_audio_document().pk,
                                    "duration": "", "transcript": "<p>Kính thưa bà con…</p>"}},
    ])
    return program, module, quiz


def sign_up(page, screens):
    page.goto("/accounts/signup/")
    page.fill("#id_full_name", "Nguyễn Thị Hương")
    page.fill("#id_phone", PHONE_NUMBER)
    page.select_option("#id_commune", label="Xã Phong Minh")  # one province: chosen already
    page.check("input[name=target_group][value=A]")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    screens.shot(page, "sign-up")
    assert_accessible(page, "sign-up")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    expect(page.locator(".msg.success")).to_contain_text("Nguyễn Thị Hương")


def enrol_and_read(page, screens):
    page.goto("/chuong-trinh/")
    screens.shot(page, "programs")
    page.click("text=Kỹ năng thông tin cơ sở")
    page.wait_for_url(re.compile(r"/chuong-trinh/ct1/$"))
    with page.expect_navigation():
        page.click("text=Ghi danh học chương trình này")
    expect(page.locator(".msg.success")).to_contain_text("Đã ghi danh")
    screens.shot(page, "program-enrolled")
    assert_accessible(page, "program")
    page.click("text=Đài truyền thanh cấp xã")
    page.wait_for_url(re.compile(r"/dai-truyen-thanh/$"))
    page.click("text=Giới thiệu đài truyền thanh")
    page.wait_for_url(re.compile(r"/gioi-thieu/$"))
    expect(page.locator(".lesson-body img")).to_be_visible()
    screens.shot(page, "lesson-text")
    assert_accessible(page, "lesson")
    with page.expect_navigation():
        page.click("text=Đã học xong bài này")
    page.wait_for_url(re.compile(r"/nghe-ban-tin/$"))  # on to the next lesson


def listen_leave_and_resume(page, screens, user):
    audio = page.locator("audio[data-progress-media]")
    expect(audio).to_be_visible()
    screens.shot(page, "lesson-audio")
    assert_accessible(page, "audio lesson")
    page.evaluate("document.querySelector('audio').play()")
    # Functions, not expressions: Playwright evaluates a string expression with eval, which the CSP forbids.
    page.wait_for_function("() => document.querySelector('audio').currentTime > 0.3")  # it really plays
    with page.expect_response(lambda r: "/learning/api/progress/" in r.url and r.request.method == "POST") as sent:
        page.evaluate("(() => { const a = document.querySelector('audio'); a.currentTime = 4; a.pause(); })()")
    assert sent.value.ok
    progress = LessonProgress.objects.get(user=user, lesson__slug="nghe-ban-tin")
    assert progress.position >= 4 and progress.completed_at is None
    # The report carries the page's signed opening: the clock its time is credited by (a reopened lesson
    # writes nothing).
    report = json.loads(sent.value.request.post_data)
    assert opened_at_of(report["opened"], user, progress.lesson) is not None

    page.goto("/learning/")  # leave …
    screens.shot(page, "my-learning")
    assert_accessible(page, "my learning")
    with page.expect_navigation():
        page.click("text=Học tiếp: Nghe bản tin mẫu")  # … and come back where they stopped
    page.evaluate("document.querySelector('audio').play()")
    page.wait_for_function("() => document.querySelector('audio').currentTime >= 4")
    with page.expect_response(lambda r: "/learning/api/progress/" in r.url and r.json().get("completed"),
                              timeout=30_000):
        pass  # the audio plays to its end and the lesson completes itself (completion rule: media end)
    assert LessonProgress.objects.get(pk=progress.pk).completed_at is not None


def answer(page, question_text: str, choice_text: str):
    fieldset = page.locator("fieldset.q", has_text=question_text)
    fieldset.get_by_label(choice_text).check()


def take_quiz(page, screens, correct_second: bool):
    answer(page, "Đài truyền thanh xã do ai quản lý?", "UBND xã")
    answer(page, "Ai ký quyết định", "UBND xã" if correct_second else "Trường học")
    with page.expect_navigation():
        page.click("text=Lưu và xem lại trước khi nộp")
    page.wait_for_url(re.compile(r"/review/$"))
    with page.expect_navigation():
        page.click("main button:has-text('Nộp bài')")
    page.wait_for_url(re.compile(r"/result/$"))


def quiz_twice(page, screens, module, quiz, user):
    page.goto(module.url)
    with page.expect_navigation():
        page.click("text=Làm bài kiểm tra chuyên đề")
    with page.expect_navigation():
        page.click("text=Bắt đầu làm bài")
    screens.shot(page, "quiz")
    assert_accessible(page, "quiz")
    take_quiz(page, screens, correct_second=False)
    expect(page.locator(".result .fail")).to_have_text("Chưa đạt")
    screens.shot(page, "quiz-failed")
    page.click("text=Về trang bài kiểm tra")
    with page.expect_navigation():
        page.click("text=Làm lại")
    take_quiz(page, screens, correct_second=True)
    expect(page.locator(".result .pass")).to_have_text("Đạt")
    screens.shot(page, "quiz-passed")
    assert_accessible(page, "quiz result")
    assert list(Attempt.objects.filter(user=user, quiz=quiz).order_by("pk").values_list("passed", flat=True)) == [
        False, True]


def certificate(page, screens, program, user, tmp_path):
    assert ProgramCompletion.objects.filter(user=user, program=program).exists()
    page.goto("/learning/")
    with page.expect_navigation():
        page.get_by_role("link", name="Giấy chứng nhận", exact=True).click()
    screens.shot(page, "certificates")
    assert_accessible(page, "certificates")
    with page.expect_download() as download_info:
        page.click("text=Tải giấy chứng nhận (PDF)")
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    issued = Certificate.objects.get(user=user, program=program, status=CertificateStatus.READY)
    assert saved.name == f"{issued.code}.pdf" and saved.read_bytes().startswith(b"%PDF")
    with page.expect_navigation():
        page.click("text=Kiểm tra tính hợp lệ")
    page.wait_for_url(re.compile(rf"/verify/{issued.code}/$"))
    expect(page.locator("main")).to_contain_text("Giấy chứng nhận hợp lệ.")
    expect(page.locator("main")).to_contain_text("Nguyễn Thị Hương")
    screens.shot(page, "verification")
    assert_accessible(page, "verification")


def test_learner_from_sign_up_to_verified_certificate(course, open_page, screens, tmp_path):
    program, module, quiz = course
    page = open_page(PHONE)
    sign_up(page, screens)
    user = User.objects.get(phone=PHONE_NUMBER)
    assert user.learner_profile.commune.name == "Xã Phong Minh"
    enrol_and_read(page, screens)
    listen_leave_and_resume(page, screens, user)
    quiz_twice(page, screens, module, quiz, user)
    certificate(page, screens, program, user, tmp_path)

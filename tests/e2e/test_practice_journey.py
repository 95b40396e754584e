"""Journey (#15 items 11–12) on a 360×740 phone: a learner hands in a practice task with a recording, the trainer
marks it in the marking queue, the learner reads the feedback; an audio lesson says it is complete at once,
with its progress report retried after a dropped connection."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from courses import services
from courses.models import CompletionRule, LessonProgress, PracticeStatus, PracticeSubmission
from localities.models import Level, Locality
from tests.conftest import PASSWORD, make_learner, make_staff
from tests.courses.builders import make_index, make_lesson, make_module, make_program

from .axe import assert_accessible
from .conftest import PHONE, login
from .media import make_audio_document, wav_bytes, write_temp

pytestmark = pytest.mark.django_db(transaction=True)

FEEDBACK = "Giọng đọc rõ; đọc chậm hơn ở phần số liệu."


@pytest.fixture
def world(e2e_site):
    district = Locality.objects.get(level=Level.DISTRICT, code="219")
    commune = district.children.order_by("code").first()
    program = make_program(make_index(e2e_site), code="CT1", title="Kỹ năng thông tin cơ sở")
    module = make_module(program, "dai-truyen-thanh", title="Đài truyền thanh cấp xã")
    practice = make_lesson(module, "thuc-hanh", title="Thực hành viết và đọc tin", body=[
        {"type": "paragraph", "value": "<p>Tin ngắn cần trả lời 5W1H.</p>"},
        {"type": "practice", "value": {"instructions": "<p>Viết và ghi âm một tin ngắn về mô hình giảm nghèo.</p>",
                                       "submission": "Bản ghi âm 1–2 phút"}},
    ])
    listening = make_lesson(module, "nghe-ban-tin", title="Nghe bản tin mẫu",
                            completion_rule=CompletionRule.MEDIA_END, body=[
                                {"type": "audio", "value": {"title": "Bản tin sáng thứ Hai", "duration": "",
                                                            "file": make_audio_document(seconds=3).pk,
                                                            "transcript": "<p>Kính thưa bà con…</p>"}}])
    learner = make_learner(commune, phone="0912345678", full_name="Nguyễn Thị Hương")
    services.enrol(learner, program)
    trainer = make_staff("giangvien", Role.TRAINER, district)
    return {"practice": practice, "listening": listening, "learner": learner, "trainer": trainer}


def test_practice_submission_marked_by_the_trainer_and_read_by_the_learner(world, open_page, screens, tmp_path):
    learner_page = open_page(PHONE)
    login(learner_page, "0912345678", PASSWORD, next_url=world["practice"].url)
    learner_page.wait_for_url(re.compile(r"/thuc-hanh/$"))
    task = learner_page.locator("section.practice")
    expect(task.locator("input[type=file][capture]")).to_have_attribute("accept", "audio/*")
    task.get_by_label("Bài làm (viết ngắn)").fill("Xã Phong Minh nhân rộng mô hình nuôi ong, 40 hộ thoát nghèo.")
    task.get_by_label("Hoặc ghi âm bằng điện thoại").set_input_files(
        str(write_temp(tmp_path, "ghi-am.wav", wav_bytes(2))))
    screens.shot(learner_page, "practice-filled")
    with learner_page.expect_navigation():
        task.get_by_role("button", name="Nộp bài thực hành").click()
    expect(learner_page.locator(".msg.success")).to_contain_text("Đã nộp bài thực hành")
    expect(task).to_contain_text("Chờ chấm")
    screens.shot(learner_page, "practice-submitted")
    assert_accessible(learner_page, "practice submitted")
    submission = PracticeSubmission.objects.get()
    assert submission.file.name.endswith("ghi-am.wav") and submission.status == PracticeStatus.SUBMITTED

    trainer_page = open_page(PHONE)
    login(trainer_page, "giangvien", PASSWORD, next_url="/admin/assessments/marking/")
    expect(trainer_page.locator("main")).to_contain_text("Bài thực hành chờ chấm")
    screens.shot(trainer_page, "marking-queue", check_overflow=False)  # the admin's table scrolls on a phone
    with trainer_page.expect_navigation():
        trainer_page.locator("tr", has_text="Thực hành viết và đọc tin").get_by_role("link", name="Chấm").click()
    expect(trainer_page.locator("main")).to_contain_text("Xã Phong Minh nhân rộng mô hình nuôi ong")
    trainer_page.get_by_label("Cần làm lại").check()
    trainer_page.get_by_label("Nhận xét cho học viên").fill(FEEDBACK)
    screens.shot(trainer_page, "marking", check_overflow=False)
    with trainer_page.expect_navigation():
        trainer_page.get_by_role("button", name="Lưu kết quả").click()
    expect(trainer_page.locator("main")).to_contain_text("Không có bài nào chờ chấm")
    submission.refresh_from_db()
    assert (submission.status, submission.feedback, submission.marked_by) == (
        PracticeStatus.REDO, FEEDBACK, world["trainer"])

    learner_page.reload()
    expect(task).to_contain_text("Cần làm lại")
    expect(task.locator(".feedback")).to_contain_text(FEEDBACK)
    screens.shot(learner_page, "practice-feedback")
    assert_accessible(learner_page, "practice feedback")
    leave_lesson(learner_page)


def test_an_audio_lesson_says_complete_at_once_after_a_dropped_report(world, open_page, screens):
    page = open_page(PHONE)
    login(page, "0912345678", PASSWORD, next_url=world["listening"].url)
    page.wait_for_url(re.compile(r"/nghe-ban-tin/$"))
    dropped = []

    def drop_first_report(route):
        if not dropped:
            dropped.append(route.request.post_data)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/learning/api/progress/", drop_first_report)
    completed = page.locator("#lesson-completed")
    expect(completed).to_be_hidden()
    delivered = []
    page.on("response", lambda r: delivered.append(r.request.post_data) if "/api/progress/" in r.url and r.ok else None)
    with page.expect_response(lambda r: "/learning/api/progress/" in r.url and r.ok and r.json()["completed"],
                              timeout=30_000):
        page.evaluate("document.querySelector('audio').play()")
    assert dropped and dropped[0] in delivered  # the report that failed was sent again, with its own event id
    expect(completed).to_be_visible()  # no reload
    expect(completed).to_contain_text("Bài học đã hoàn thành")
    screens.shot(page, "audio-completed")
    assert LessonProgress.objects.get(user=world["learner"], lesson=world["listening"]).completed_at is not None
    leave_lesson(page)


def leave_lesson(page):
    """Leave the lesson while the server is up: its script reports once more when the page is hidden, and that
    report must not reach the server while the test's database is being flushed."""
    page.goto("/learning/")
    expect(page.locator("h1")).to_contain_text("Việc học của tôi")
    page.wait_for_load_state("networkidle")

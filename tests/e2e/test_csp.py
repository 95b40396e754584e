"""The Content-Security-Policy in a real browser: no page of the site or the admin trips it.

Chromium reports each blocked script, style, frame or image as a `securitypolicyviolation` event;
an init script (injected by the browser driver, which the policy does not govern) records them.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from assessments import services as quiz_services
from courses import services
from courses.permissions import grant_trainer_permissions
from localities.models import Level, Locality
from tests.assessments.builders import make_quiz, make_single
from tests.conftest import PASSWORD, make_learner, make_staff
from tests.courses.builders import make_index, make_lesson, make_module, make_program

from .conftest import DESKTOP, PHONE, login
from .media import make_audio_document, make_image

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def world(e2e_site):
    index = make_index(e2e_site)
    program = make_program(index, code="CT1", title="Kỹ năng thông tin cơ sở")
    grant_trainer_permissions(index)
    quiz = make_quiz([make_single()], title="Kiểm tra chuyên đề 1")
    module = make_module(program, "dai-truyen-thanh", title="Đài truyền thanh cấp xã", quiz=quiz)
    audio = make_audio_document()
    lesson = make_lesson(module, "gioi-thieu", title="Giới thiệu đài truyền thanh", body=[
        {"type": "paragraph", "value": "<p>Đài truyền thanh xã phát tin về giảm nghèo bền vững.</p>"},
        {"type": "image", "value": {"image": make_image().pk, "caption": "Phòng phát thanh của xã"}},
        {"type": "audio", "value": {"title": "Bản tin sáng", "file": audio.pk, "duration": "", "transcript": ""}},
        {"type": "video", "value": {"title": "Phóng sự", "file": audio.pk, "embed": None, "transcript": ""}},
    ])
    district = Locality.objects.get(level=Level.DISTRICT, code="219")
    learner = make_learner(district.children.order_by("code").first(), phone="0912000111")
    services.enrol(learner, program)
    trainer = make_staff("giangvien.tinh", Role.TRAINER, Locality.objects.get(level=Level.PROVINCE))
    return {"index": index, "program": program, "module": module, "lesson": lesson, "quiz": quiz,
            "learner": learner, "trainer": trainer}


def watched_page(open_page, viewport):
    page = open_page(viewport)
    page.context.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    return page, console


def assert_no_violation(page, console, label):
    page.wait_for_load_state("load")
    recorded = page.evaluate("window.__cspViolations")
    blocked = [text for text in console if "Content Security Policy" in text]
    assert not recorded and not blocked, f"{label}: {recorded} {blocked}"


def test_learner_pages_run_under_the_policy(world, open_page):
    page, console = watched_page(open_page, PHONE)
    for label, url in [("home", "/"), ("sign-in", "/accounts/login/"), ("sign-up", "/accounts/signup/")]:
        page.goto(url)
        assert_no_violation(page, console, label)
    expect(page.locator("#id_commune optgroup")).to_have_count(10)  # one province: its communes by district

    login(page, "0912000111", PASSWORD)
    attempt = quiz_services.start_attempt(world["learner"], world["quiz"])
    for label, url in [("programs", world["index"].url), ("program", world["program"].url),
                       ("module", world["module"].url), ("quiz", f"/quizzes/{world['quiz'].pk}/"),
                       ("attempt", f"/quizzes/attempts/{attempt.pk}/"), ("my learning", "/learning/"),
                       ("classes check-in", "/learning/classes/")]:
        page.goto(url)
        assert_no_violation(page, console, label)

    page.goto(world["lesson"].url)
    expect(page.locator(".lesson-body img")).to_be_visible()
    with page.expect_response(lambda r: "/learning/api/progress/" in r.url) as sent:  # progress.js runs
        page.evaluate("(() => { const a = document.querySelector('audio'); a.pause(); "
                      "a.dispatchEvent(new Event('pause')); })()")
    assert sent.value.ok
    assert_no_violation(page, console, "lesson")


def test_wagtail_admin_runs_under_its_policy(world, open_page):
    page, console = watched_page(open_page, DESKTOP)
    login(page, "giangvien.tinh", PASSWORD, next_url="/admin/")
    page.wait_for_url(re.compile(r"/admin/$"))
    assert_no_violation(page, console, "admin home")
    page.goto(f"/admin/pages/{world['module'].pk}/")
    assert_no_violation(page, console, "explorer")
    page.goto(f"/admin/pages/{world['lesson'].pk}/edit/")
    expect(page.locator("#id_title")).to_have_value("Giới thiệu đài truyền thanh")
    assert_no_violation(page, console, "lesson editor")

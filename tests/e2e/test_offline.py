"""Journey: a learner on a 360×740 phone downloads a module, loses the connection, reads two lessons, plays
the audio from the cache, takes the quiz, and syncs when the connection returns. A second phone of the same
learner shows that a tampered answer and an attempt over the limit are refused with a message.

Offline here means the browser context is offline AND every request Playwright sees (the service worker's
included) is aborted; the database then shows that the completion and the attempt reached the server only
with the sync."""

import json
import os
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from accounts.models import TargetGroup
from assessments.models import Attempt, AttemptState, OfflineAttempt
from courses import services
from courses.models import CompletionRule, LessonProgress
from localities.models import Level, Locality
from tests.assessments.builders import make_quiz, make_single
from tests.conftest import PASSWORD, make_learner
from tests.courses.builders import make_index, make_lesson, make_module, make_program

from .conftest import PHONE, login
from .media import make_audio_document, make_image

# The service worker's own requests go through Playwright's routing only with this (read at browser launch).
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(e2e_site):
    return build_world(e2e_site, audio_seconds=3)


def build_world(site, audio_seconds):
    program = make_program(make_index(site), code="CT7", title="Kỹ năng thông tin cơ sở")
    quiz = make_quiz([make_single(text="Đài truyền thanh xã do ai quản lý?"),
                      make_single(text="Ai ký quyết định thành lập đài truyền thanh xã?")],
                     title="Kiểm tra chuyên đề ngoại tuyến", pass_mark=60, allow_offline=True, attempts_allowed=1)
    module = make_module(program, "dai-truyen-thanh", title="Đài truyền thanh cấp xã", quiz=quiz)
    text = make_lesson(module, "gioi-thieu", title="Giới thiệu đài truyền thanh", body=[
        {"type": "paragraph", "value": "<p>Đài truyền thanh xã phát tin về giảm nghèo bền vững.</p>"},
        {"type": "image", "value": {"image": make_image().pk, "caption": "Phòng phát thanh của xã"}},
    ])
    audio = make_lesson(module, "nghe-ban-tin", title="Nghe bản tin mẫu", completion_rule=CompletionRule.MEDIA_END,
                        body=[{"type": "audio", "value": {"title": "Bản tin sáng thứ Hai",
                                                          "file": make_audio_document(seconds=audio_seconds).pk,
                                                          "duration": "", "transcript": "<p>Kính thưa bà con…</p>"}}])
    commune = Locality.objects.filter(level=Level.COMMUNE, parent__code="219").order_by("code").first()
    learner = make_learner(commune, group=TargetGroup.A)
    services.enrol(learner, program)
    return {"module": module, "quiz": quiz, "text": text, "audio": audio, "learner": learner}


def abort_all(route):
    route.abort("internetdisconnected")


def go_offline(page):
    page.context.set_offline(True)
    page.context.route("**/*", abort_all)


def go_online(page):
    page.context.unroute("**/*", abort_all)
    page.context.set_offline(False)


def signed_in_phone(open_page, world):
    page = open_page(PHONE)
    login(page, world["learner"].username, PASSWORD, next_url=world["module"].url)
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
    return page


def download_module(page, module):
    page.goto(module.url)
    page.click("text=Tải về để học ngoại tuyến")
    expect(page.locator(".offline-size")).to_contain_text("MB")
    page.click("button.offline-confirm")
    expect(page.locator(".offline-panel .msg.success")).to_contain_text("Đã tải về", timeout=30_000)
    assert page.evaluate(f"() => caches.has('lms-module-{module.pk}')")


def answer(page, question_text, choice_text):
    page.locator("fieldset.q", has_text=question_text).get_by_label(choice_text).check()


def take_offline_quiz(page, module, right=True):
    page.goto(f"/quizzes/offline/#{module.pk}")
    page.click("button.offline-start")
    answer(page, "Đài truyền thanh xã do ai quản lý?", "UBND xã")
    answer(page, "Ai ký quyết định", "UBND xã" if right else "Trường học")
    page.click("form.offline-quiz-form button[type=submit]")
    expect(page.locator(".offline-queued")).to_be_visible()


def queued(page):
    return page.evaluate("() => LmsQueue.pending()")


def network_requests(page, url) -> list[str]:
    """The URLs one visit of `url` fetched from the server: the worker's own fetches, and page requests the
    worker did not answer."""
    seen = []

    def note(request):
        seen.append(request)

    page.context.on("requestfinished", note)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.context.remove_listener("requestfinished", note)
    return [r.url for r in seen if r.service_worker is not None
            or (r.response() is not None and not r.response().from_service_worker)]


def returning_visit_costs_one_response(page, lesson):
    network_requests(page, lesson.url)
    fetched = network_requests(page, lesson.url)
    assert [urlsplit(url).path for url in fetched if not url.endswith("/sw.js")] == [lesson.url], fetched


def study_offline(page, world):
    returning_visit_costs_one_response(page, world["audio"])  # static files and audio from the worker
    go_offline(page)
    page.goto(world["text"].url)  # from the module's cache: the network is gone
    expect(page.locator(".offline-banner")).to_contain_text("ngoại tuyến")
    expect(page.locator(".lesson-body img")).to_be_visible()
    assert page.evaluate("() => document.querySelector('.lesson-body img').naturalWidth > 0")
    page.click("text=Đã học xong bài này")
    expect(page.locator(".offline-saved")).to_be_visible()
    page.goto(world["audio"].url)
    expect(page.locator("details")).to_contain_text("Lời thoại")
    page.evaluate("() => document.querySelector('audio').play()")
    page.wait_for_function("() => document.querySelector('audio').currentTime > 0.5")  # plays from the cache
    take_offline_quiz(page, world["module"])
    items = queued(page)
    assert {item["kind"] for item in items} == {"progress", "attempt"}
    # The completion and the attempt wait on the phone. (Not "no row at all": a progress report sent with
    # `keepalive` as a page unloads may leave the browser outside the emulated offline state.)
    assert not LessonProgress.objects.filter(lesson_id=world["text"].pk, completed_at__isnull=False).exists()
    assert not Attempt.objects.exists()
    return next(item for item in items if item["kind"] == "attempt")


def test_study_offline_then_sync(world, open_page):
    page = signed_in_phone(open_page, world)
    second = signed_in_phone(open_page, world)  # the learner's other phone, for the refusals
    download_module(page, world["module"])
    download_module(second, world["module"])  # a second signed draw, while the attempt limit allows it
    attempt_item = study_offline(page, world)

    go_online(page)
    page.goto("/learning/offline/")  # a page load syncs the queue
    expect(page.locator(".offline-results")).to_contain_text("100% – Đạt")
    learner = world["learner"]
    progress = LessonProgress.objects.get(user=learner, lesson_id=world["text"].pk)
    assert progress.completed_at is not None
    attempt = Attempt.objects.get(user=learner, quiz=world["quiz"])
    assert attempt.state == AttemptState.GRADED and attempt.passed and attempt.percent == 100
    assert OfflineAttempt.objects.get(attempt=attempt).client_id.hex == attempt_item["id"].replace("-", "")
    assert queued(page) == []

    replay = page.evaluate("""(item) => fetch(item.url, {method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": item.csrf}, body: JSON.stringify(item.body)})
        .then((r) => r.json())""", attempt_item)
    assert replay["replayed"] and replay["attempt"] == attempt.pk
    assert Attempt.objects.count() == 1 and OfflineAttempt.objects.count() == 1

    refusals_on_the_second_phone(second, world, attempt_item)
    remove_module(page, world["module"])


def refusals_on_the_second_phone(page, world, first_item):
    go_offline(page)
    take_offline_quiz(page, world["module"], right=False)
    item = next(i for i in queued(page) if i["kind"] == "attempt")
    honest = json.loads(json.dumps(item))
    item["body"]["answers"][str(world["quiz"].fixed_questions.first().question_id + 1000)] = ["1"]
    page.evaluate("(item) => LmsQueue.put('queue', item)", item)  # a tampered answer: a question not drawn
    go_online(page)
    page.goto("/learning/offline/")
    expect(page.locator("#offline-results")).to_contain_text("không thuộc đề đã tải về")
    # The honest answers from that phone come after the first phone's attempt: over the limit of one.
    honest["id"] = honest["body"]["client_id"] = "0b4f6a8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    page.evaluate("(item) => LmsQueue.put('queue', item)", honest)
    page.reload()
    expect(page.locator("#offline-results")).to_contain_text("hết 1 lần làm bài")
    assert Attempt.objects.count() == 1 and OfflineAttempt.objects.count() == 1
    assert first_item["body"]["draw"] != honest["body"]["draw"]


def remove_module(page, module):
    page.goto("/learning/offline/")
    card = page.locator(f".offline-module[data-module='{module.pk}']")
    expect(card).to_contain_text("MB")
    card.locator("button.offline-remove").click()
    expect(page.locator("#offline-downloads")).to_contain_text("Đã xoá")
    assert not page.evaluate(f"() => caches.has('lms-module-{module.pk}')")
    assert page.evaluate("() => LmsQueue.all('packages')") == []
    go_offline(page)
    page.goto(module.url)  # no longer on the phone
    expect(page.locator("h1")).to_have_text(re.compile("Không có kết nối mạng"))


def test_a_slow_or_metered_connection_is_named_before_large_audio(e2e_site, open_page):
    world = build_world(e2e_site, audio_seconds=140)  # about 1.1 MB of audio
    page = signed_in_phone(open_page, world)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {  # a 3G phone: Chromium's Network Information API follows
        "offline": False, "latency": 400, "downloadThroughput": 60_000, "uploadThroughput": 30_000,
        "connectionType": "cellular3g"})
    page.goto(world["module"].url)
    page.click("text=Tải về để học ngoại tuyến")
    expect(page.locator(".offline-size")).to_contain_text("MB")
    expect(page.locator(".offline-metered")).to_contain_text("mạng di động hoặc mạng chậm")
    page.click("text=Huỷ")
    assert not page.evaluate(f"() => caches.has('lms-module-{world['module'].pk}')")  # nothing downloaded

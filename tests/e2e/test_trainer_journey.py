"""Journey 2: a province trainer authors a lesson, builds a quiz, imports questions and marks an essay."""

from decimal import Decimal

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from accounts.models import Role
from assessments import importing, services
from assessments.models import (
    Answer,
    AttemptState,
    EssayQuestion,
    Question,
    Quiz,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from courses.models import LessonPage, ModulePage
from courses.permissions import grant_trainer_permissions
from localities.models import Level, Locality
from tests.assessments.builders import make_quiz, make_topic
from tests.conftest import PASSWORD, make_learner, make_staff
from tests.courses.builders import make_index, make_program

from .conftest import DESKTOP, TIMEOUT_MS, login
from .media import make_audio_document, make_image

pytestmark = pytest.mark.django_db(transaction=True)

ESSAY = "Trình bày kế hoạch tuyên truyền phòng chống thiên tai của xã"
LESSON_TEXT = "Đài truyền thanh xã phát bản tin về phòng chống thiên tai mỗi sáng."


@pytest.fixture(autouse=True)
def patient_expect():
    """Admin screens load more script than the public site: assertions wait as long as actions do."""
    expect.set_options(timeout=TIMEOUT_MS)
    yield
    expect.set_options(timeout=None)


@pytest.fixture
def world(e2e_site):
    index = make_index(e2e_site)
    program = make_program(index, code="CT1", title="Kỹ năng thông tin cơ sở")
    grant_trainer_permissions(index)
    province = Locality.objects.get(level=Level.PROVINCE)
    make_topic("Thông tin cơ sở")
    trainer = make_staff("giangvien.tinh", Role.TRAINER, province)
    image = make_image(title="Phòng phát thanh của xã")
    audio = make_audio_document(title="Bản tin sáng thứ Hai")
    return {"program": program, "trainer": trainer, "image": image, "audio": audio,
            "attempt": submitted_essay(province)}


def submitted_essay(province):
    """A learner in Phong Minh has submitted a one-essay quiz; it waits for a trainer's mark."""
    commune = Locality.objects.get(level=Level.COMMUNE, name="Xã Phong Minh")
    learner = make_learner(commune, phone="0912000001", full_name="Nguyễn Thị Hương")
    essay = EssayQuestion.objects.create(topic=make_topic("Thông tin cơ sở"), text=ESSAY, points=Decimal(5))
    quiz = make_quiz([essay], title="Bài tự luận cuối khoá", pass_mark=60)
    attempt = services.start_attempt(learner, quiz)
    services.save_answers(attempt, [services.PostedAnswer(essay.pk, ["Loa phát thanh mỗi sáng lúc 6 giờ."])])
    services.submit_attempt(attempt)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.AWAITING_MARKING
    return attempt


def publish(page):
    """Wagtail 8's page editor: Publish sits in the footer's dropdown, under Save draft."""
    page.locator("footer .w-dropdown-button .w-dropdown__toggle").click()
    with page.expect_navigation():
        page.locator("button[name=action-publish]").click()


def fill_page_basics(page, title, slug):
    page.fill("input[name=title]", title)
    # Wagtail names a tab's id after its heading, which is translated: find the tabs by their Vietnamese names.
    page.get_by_role("tab", name="Hiển thị và tìm kiếm").click()
    # Leaving the title fills the slug from it (Vietnamese letters kept); wait for that, then type ours.
    slug_input = page.locator("input[name=slug]")
    expect(slug_input).not_to_have_value("")
    slug_input.fill(slug)
    page.get_by_role("tab", name="Nội dung").click()


def add_block(page, label):
    page.locator("[data-contentpath=body] .c-sf-add-button").last.click()
    page.get_by_role("option", name=label, exact=True).click()


def pick_in_modal(page, title):
    """Click the item in the chooser modal just opened, and wait until the modal and its backdrop are gone."""
    page.locator(".modal a[data-chooser-modal-choice]", has_text=title).click()
    expect(page.locator(".modal")).to_have_count(0)
    expect(page.locator(".modal-backdrop")).to_have_count(0)


def choose_in_block(page, title):
    """Open the newest block's chooser (image or document) and pick the item by its title."""
    page.locator("[data-contentpath=body] button[data-chooser-action-choose]").last.click()
    pick_in_modal(page, title)


def author_lesson(page, screens, world):
    program = world["program"]
    page.goto(f"/admin/pages/add/courses/modulepage/{program.pk}/")
    fill_page_basics(page, "Đài truyền thanh cấp xã", "dai-truyen-thanh")
    publish(page)
    module = ModulePage.objects.get(slug="dai-truyen-thanh")
    assert module.live and module.get_parent().pk == program.pk

    page.goto(f"/admin/pages/add/courses/lessonpage/{module.pk}/")
    fill_page_basics(page, "Bản tin phòng chống thiên tai", "ban-tin-thien-tai")
    add_block(page, "Đoạn văn")
    editor = page.locator("[data-contentpath=body] [contenteditable=true]").last
    editor.click()
    page.keyboard.type(LESSON_TEXT)
    add_block(page, "Ảnh")
    choose_in_block(page, world["image"].title)
    page.locator("input[name$='-value-caption']").last.fill("Phòng phát thanh của xã")
    add_block(page, "Âm thanh kèm lời thoại")
    page.locator("input[name$='-value-title']").last.fill("Bản tin sáng thứ Hai")
    choose_in_block(page, world["audio"].title)
    screens.shot(page, "lesson-editor", check_overflow=False)
    publish(page)
    expect(page.locator(".messages")).to_contain_text("Bản tin phòng chống thiên tai")

    lesson = LessonPage.objects.get(slug="ban-tin-thien-tai")
    assert lesson.live and lesson.get_parent().pk == module.pk
    assert [block.block_type for block in lesson.body] == ["paragraph", "image", "audio"]
    assert LESSON_TEXT in lesson.body[0].value.source
    assert lesson.body[1].value["image"].pk == world["image"].pk
    assert lesson.body[2].value["file"].pk == world["audio"].pk

    page.goto(lesson.url)
    expect(page.locator("main")).to_contain_text(LESSON_TEXT)
    expect(page.locator(".lesson-body img")).to_be_visible()
    expect(page.locator("audio")).to_have_count(1)
    screens.shot(page, "public-lesson")


SINGLE = "Đài truyền thanh cấp xã do cơ quan nào quản lý?"
TRUE_FALSE = "Bản tin thông tin cơ sở phát hằng tuần."
SHORT = "Tỉnh nào triển khai đề án này?"


def new_question(page, kind_label, text):
    """The type picker, then the snippet form of that type: topic from its chooser, the question text."""
    page.goto("/admin/assessments/questions/new/")
    with page.expect_navigation():
        page.get_by_role("link", name=kind_label, exact=True).click()
    page.locator("#id_topic-chooser button[data-chooser-action-choose]").click()
    pick_in_modal(page, "Thông tin cơ sở")
    page.fill("textarea[name=text]", text)


def choose_question(page, screens, index, text, kind=None):
    """The question chooser (#15 item 8): type a few words of the question, or filter by its type, then pick."""
    page.locator(f"#id_fixed_questions-{index}-question-chooser button[data-chooser-action-choose]").click()
    modal = page.locator(".modal")
    if kind:
        with page.expect_response(lambda r: "/question-chooser/results/" in r.url):
            modal.locator("#id_kind").select_option(label=kind)
        expect(modal.locator("a[data-chooser-modal-choice]", has_text=SINGLE)).to_have_count(0)
    else:
        with page.expect_response(lambda r: "/question-chooser/results/" in r.url):
            modal.locator("#id_q").fill(" ".join(text.split()[:3]))
        expect(modal.locator("a[data-chooser-modal-choice]")).to_have_count(1)
    if index == 0:
        screens.shot(page, "question-chooser", check_overflow=False)
    pick_in_modal(page, text)


def save_snippet(page):
    with page.expect_navigation():
        page.locator("footer button[type=submit]").first.click()
    expect(page.locator(".messages .success")).to_be_visible()


def build_quiz(page, screens):
    new_question(page, "Một lựa chọn", SINGLE)
    page.fill("input[name=choices-0-text]", "UBND xã")
    page.check("input[name=choices-0-is_correct]")
    page.fill("input[name=choices-1-text]", "Trường học")
    screens.shot(page, "single-choice-question", check_overflow=False)
    save_snippet(page)
    new_question(page, "Đúng / Sai", TRUE_FALSE)
    page.uncheck("input[name=correct_answer]")
    save_snippet(page)
    new_question(page, "Trả lời ngắn", SHORT)
    page.fill("textarea[name=accepted_answers]", "Bắc Giang\nBac Giang")
    save_snippet(page)

    page.goto("/admin/snippets/assessments/quiz/add/")
    page.fill("input[name=title]", "Kiểm tra chuyên đề Đài truyền thanh")
    page.fill("input[name=pass_mark]", "60")
    for index, text in enumerate([SINGLE, TRUE_FALSE, SHORT]):
        page.locator("#id_fixed_questions-ADD").click()
        choose_question(page, screens, index, text, kind="Đúng / Sai" if text == TRUE_FALSE else None)
    screens.shot(page, "quiz-editor", check_overflow=False)
    save_snippet(page)

    single = SingleChoiceQuestion.objects.get(text=SINGLE)
    assert [(c.text, c.is_correct) for c in single.choices.order_by("sort_order")] == [
        ("UBND xã", True), ("Trường học", False)]
    assert TrueFalseQuestion.objects.get(text=TRUE_FALSE).correct_answer is False
    assert ShortAnswerQuestion.objects.get(text=SHORT).accepted_answers.splitlines() == ["Bắc Giang", "Bac Giang"]
    quiz = Quiz.objects.get(title="Kiểm tra chuyên đề Đài truyền thanh")
    assert quiz.pass_mark == 60
    assert [q.question.text for q in quiz.fixed_questions.order_by("sort_order")] == [SINGLE, TRUE_FALSE, SHORT]


IMPORTED = [
    ["Sản xuất chương trình", "Một lựa chọn", "Bản tin phát thanh nên dài bao nhiêu phút?", "1", "Dễ",
     "3 phút | 30 phút", "1", "", "", ""],
    ["Sản xuất chương trình", "Đúng sai", "Phát thanh viên cần đọc thử trước khi thu.", "1", "", "", "Đúng",
     "", "", ""],
    ["Sản xuất chương trình", "Tự luận", "Trình bày cách chọn tin cho bản tin sáng", "5", "", "", "", "", "",
     "Nêu tiêu chí chọn tin"],
]


def import_questions(page, screens, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(importing.TEMPLATE_COLUMNS)
    for row in IMPORTED:
        sheet.append(row)
    upload = tmp_path / "cau-hoi.xlsx"
    workbook.save(upload)

    page.goto("/admin/assessments/import/")
    page.set_input_files("input[name=file]", str(upload))
    with page.expect_navigation():
        page.locator("main button[type=submit]", has_text="Nhập").click()
    expect(page.locator(".help-info[role=status]")).to_contain_text("Đã nhập 3 câu hỏi")
    screens.shot(page, "questions-imported", check_overflow=False)
    imported = Question.objects.filter(topic__name="Sản xuất chương trình")
    assert sorted((type(q).__name__, q.text) for q in imported) == sorted([
        ("SingleChoiceQuestion", IMPORTED[0][2]), ("TrueFalseQuestion", IMPORTED[1][2]),
        ("EssayQuestion", IMPORTED[2][2])])


def mark_essay(page, screens, attempt):
    page.goto("/admin/assessments/marking/")
    row = page.locator("table.listing tbody tr", has_text=ESSAY)
    expect(row).to_contain_text("Xã Phong Minh")
    screens.shot(page, "marking-queue", check_overflow=False)
    with page.expect_navigation():
        row.get_by_role("link", name="Chấm").click()
    expect(page.locator("main")).to_contain_text("Loa phát thanh mỗi sáng")
    page.fill("input[name=points]", "4")
    page.fill("textarea[name=feedback]", "Kế hoạch rõ ràng, cần nêu thêm lịch phát.")
    screens.shot(page, "marking-answer", check_overflow=False)
    with page.expect_navigation():
        page.locator("main button[type=submit]", has_text="Lưu điểm").click()
    expect(page.locator(".messages")).to_contain_text("Đã chấm điểm")
    expect(page.locator("main")).to_contain_text("Không có bài nào chờ chấm")
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED and attempt.score == 4 and attempt.passed is True
    answer = Answer.objects.get(attempt_question__attempt=attempt)
    assert answer.marked_by.username == "giangvien.tinh" and answer.feedback.startswith("Kế hoạch rõ ràng")


def test_trainer_authors_lesson_quiz_import_and_marks(world, open_page, screens, tmp_path):
    page = open_page(DESKTOP)
    login(page, "giangvien.tinh", PASSWORD, next_url="/admin/")
    author_lesson(page, screens, world)
    build_quiz(page, screens)
    import_questions(page, screens, tmp_path)
    mark_essay(page, screens, world["attempt"])

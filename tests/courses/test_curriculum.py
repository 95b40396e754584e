import json

import pytest
from wagtail.models import GroupPagePermission

from courses.curriculum import CURRICULUM_FILE, load_curriculum
from courses.models import LessonPage, ModulePage, ProgramPage


def test_curriculum_file_is_complete():
    data = json.loads(CURRICULUM_FILE.read_text(encoding="utf-8"))
    codes = [p["code"] for p in data["programs"]]
    assert codes == ["CT1", "CT2", "CT3", "CT4"]
    modules = [m for p in data["programs"] for m in p["modules"]]
    assert len(modules) == 12
    for module in modules:
        assert len(module["lessons"]) >= 2, module["code"]
        for lesson in module["lessons"]:
            assert lesson["objectives"] and lesson["key_points"] and lesson["practice"]["instructions"]


@pytest.mark.django_db
def test_load_curriculum_is_idempotent_and_keeps_edits(home_page):
    first = load_curriculum(home_page)
    assert ProgramPage.objects.count() == 4
    assert ModulePage.objects.count() == 12
    lessons = LessonPage.objects.count()
    assert lessons >= 24
    edited = LessonPage.objects.first()
    edited.title = "Tiêu đề giảng viên đã sửa"
    edited.save()
    second = load_curriculum(home_page)
    assert second.created == 0 and second.existing == first.created
    assert LessonPage.objects.count() == lessons
    assert LessonPage.objects.get(pk=edited.pk).title == "Tiêu đề giảng viên đã sửa"
    assert GroupPagePermission.objects.filter(group__name="Giảng viên cấp huyện").count() == 1


@pytest.mark.django_db
def test_loaded_lessons_render_with_vietnamese_text(client, home_page, learner):
    load_curriculum(home_page)
    lesson = LessonPage.objects.live().first()
    client.force_login(learner)
    page = client.get(lesson.url).content.decode()
    assert "Mục tiêu bài học" in page and "Bài thực hành" in page


@pytest.mark.django_db
def test_each_module_gets_its_quiz_with_the_file_questions(home_page):
    from assessments.models import Quiz

    load_curriculum(home_page)
    data = json.loads(CURRICULUM_FILE.read_text(encoding="utf-8"))
    assert Quiz.objects.count() == 12
    module = ModulePage.objects.get(code="CT2-M2")
    expected = next(m for p in data["programs"] for m in p["modules"] if m["code"] == "CT2-M2")["quiz"]
    questions = [item.question for item in module.quiz.fixed_questions.order_by("sort_order")]
    assert [q.text for q in questions] == [item["text"] for item in expected]
    first = questions[0]
    correct = [c.text for c in first.choices.all() if c.is_correct]
    assert correct == [expected[0]["choices"][expected[0]["correct"]]]
    load_curriculum(home_page)
    assert Quiz.objects.count() == 12

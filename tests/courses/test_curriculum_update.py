"""`load_curriculum --update`: untouched pages and quizzes follow the file, edited ones are reported."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from assessments.models import Question
from courses.curriculum import CURRICULUM_FILE, load_curriculum
from courses.models import LessonPage, ModulePage


def _changed_file(tmp_path, edit):
    data = json.loads(CURRICULUM_FILE.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "curriculum.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _lessons(data):
    return [lesson for p in data["programs"] for m in p["modules"] for lesson in m["lessons"]]


@pytest.mark.django_db
def test_update_changes_untouched_pages_and_quizzes_and_reports_edited_ones(home_page, tmp_path, admin_user):
    load_curriculum(home_page)
    first, second = LessonPage.objects.order_by("path")[:2]
    edited = first.specific
    edited.intro = "Giảng viên đã viết lại phần giới thiệu."
    edited.save_revision(user=admin_user).publish()
    module = ModulePage.objects.get(code="CT2-M1")
    old_questions = set(module.quiz.fixed_questions.values_list("question_id", flat=True))

    def edit(data):
        lessons = {lesson["slug"]: lesson for lesson in _lessons(data)}
        lessons[first.slug]["intro"] = "Giới thiệu mới từ tệp."
        lessons[second.slug]["intro"] = "Giới thiệu mới từ tệp cho bài thứ hai."
        lessons[second.slug]["key_points"].append("Ý chính mới.")
        quiz = next(m for p in data["programs"] for m in p["modules"] if m["code"] == "CT2-M1")["quiz"]
        quiz[0]["text"] = "Câu hỏi đã sửa trong tệp?"
    path = _changed_file(tmp_path, edit)

    result = load_curriculum(home_page, path=path, update=True)

    assert LessonPage.objects.get(pk=first.pk).intro == "Giảng viên đã viết lại phần giới thiệu."
    assert (first.title, first.pk) in result.report.to_review
    updated = LessonPage.objects.get(pk=second.pk)
    assert updated.intro == "Giới thiệu mới từ tệp cho bài thứ hai."
    assert "Ý chính mới." in json.dumps(list(updated.body.raw_data), ensure_ascii=False)
    assert not updated.has_unpublished_changes
    module.quiz.refresh_from_db()
    texts = [link.question.text for link in module.quiz.fixed_questions.order_by("sort_order")]
    assert texts[0] == "Câu hỏi đã sửa trong tệp?" and len(texts) == 5
    # Unanswered old questions go; the quiz's rows are new.
    assert not Question.objects.filter(pk__in=old_questions).exists()
    assert sorted(result.report.updated) == sorted([second.title, module.quiz.title])

    again = load_curriculum(home_page, path=path, update=True)
    assert again.report.updated == [] and again.report.to_review == [(first.title, first.pk)]
    assert LessonPage.objects.get(pk=second.pk).revisions.count() == 2


@pytest.mark.django_db
def test_an_edited_quiz_is_reported_and_kept(home_page, tmp_path):
    load_curriculum(home_page)
    quiz = ModulePage.objects.get(code="CT1-M2").quiz
    question = quiz.fixed_questions.order_by("sort_order").first().question
    question.text = "Câu hỏi giảng viên đã sửa?"
    question.save()

    def edit(data):
        module = next(m for p in data["programs"] for m in p["modules"] if m["code"] == "CT1-M2")
        module["quiz"][1]["text"] = "Câu khác trong tệp?"
    result = load_curriculum(home_page, path=_changed_file(tmp_path, edit), update=True)

    assert (quiz.title, None) in result.report.to_review
    texts = [link.question.text for link in quiz.fixed_questions.order_by("sort_order")]
    assert texts[0] == "Câu hỏi giảng viên đã sửa?" and "Câu khác trong tệp?" not in texts


@pytest.mark.django_db
def test_update_command_on_the_shipped_file_changes_nothing_after_a_fresh_load(home_page):
    load_curriculum(home_page)
    out = StringIO()
    call_command("load_curriculum", "--update", stdout=out)
    assert "Updated from the file: 0" in out.getvalue() and "to review" not in out.getvalue()


@pytest.mark.django_db
def test_pages_loaded_before_hashes_were_kept_update_only_without_editor_revisions(home_page, tmp_path, admin_user):
    from courses.models import CurriculumRecord

    load_curriculum(home_page)
    CurriculumRecord.objects.filter(key__startswith="page:").delete()  # as an installation loaded earlier
    first, second = LessonPage.objects.order_by("path")[:2]
    LessonPage.objects.get(pk=first.pk).save_revision(user=admin_user).publish()

    def edit(data):
        for lesson in _lessons(data)[:2]:
            lesson["intro"] = "Giới thiệu mới."
    result = load_curriculum(home_page, path=_changed_file(tmp_path, edit), update=True)

    assert LessonPage.objects.get(pk=first.pk).intro != "Giới thiệu mới."
    assert (first.title, first.pk) in result.report.to_review
    assert LessonPage.objects.get(pk=second.pk).intro == "Giới thiệu mới."


@pytest.mark.django_db
def test_trainer_note_is_kept_from_learners(client, home_page, learner):
    load_curriculum(home_page)
    lesson = LessonPage.objects.exclude(trainer_note="").live().first()
    assert lesson is not None
    client.force_login(learner)
    page = client.get(lesson.url).content.decode()
    assert lesson.intro[:40] in page and lesson.trainer_note[:40] not in page

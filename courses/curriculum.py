"""Building the four programs from `courses/data/curriculum.json` (idempotent).

Pages that already exist (matched by slug under their parent) are left untouched, so running
the loader again never overwrites what trainers have edited in the CMS. With `update=True` an
existing page or quiz is brought up to the file only while nobody has edited it since it was
loaded (curriculum_hashes); the others are reported for a trainer to review.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from . import curriculum_hashes as hashes
from .models import LessonPage, ModulePage, ProgramIndexPage, ProgramPage
from .permissions import grant_trainer_permissions

CURRICULUM_FILE = Path(__file__).resolve().parent / "data" / "curriculum.json"
INDEX_SLUG = "chuong-trinh"


@dataclass
class LoadResult:
    created: int = 0
    existing: int = 0
    update: bool = False
    report: hashes.UpdateReport = field(default_factory=hashes.UpdateReport)


def load_curriculum(home_page, path: Path = CURRICULUM_FILE, update: bool = False) -> LoadResult:
    data = json.loads(path.read_text(encoding="utf-8"))
    result = LoadResult(update=update)
    with transaction.atomic():
        index = _child(home_page, INDEX_SLUG, result, lambda: ProgramIndexPage(
            title=_("Chương trình bồi dưỡng"), slug=INDEX_SLUG,
            intro="<p>" + escape(_("Bốn chương trình bồi dưỡng nâng cao năng lực cán bộ thông tin và "
                                   "truyền thông cơ sở.")) + "</p>"), track=False)
        for program_data in data["programs"]:
            _load_program(index, program_data, result)
        grant_trainer_permissions(index)
    return result


def _child(parent, slug, result: LoadResult, build, track: bool = True):
    existing = parent.get_children().filter(slug=slug).specific().first()
    if existing is not None:
        result.existing += 1
        if result.update and track:
            hashes.update_page(existing, build(), result.report)
        return existing
    page = parent.add_child(instance=build())
    page.save_revision().publish()
    if track:
        hashes.remember_page(page)
    result.created += 1
    return page


def _load_program(index, data: dict, result: LoadResult) -> None:
    program = _child(index, data["slug"], result, lambda: ProgramPage(
        title=data["title"], slug=data["slug"], code=data["code"], summary=data["summary"],
        target_groups="".join(sorted(data["target_groups"])), nominal_hours=data["hours"]))
    first_module = None
    for module_data in data["modules"]:
        module = _child(program, module_data["slug"], result, lambda m=module_data, first=first_module: ModulePage(
            title=m["title"], slug=m["slug"], code=m["code"], hours=m["hours"],
            objectives=_html_list(m["objectives"]),
            # Basics first: every later module of a program opens once its first module is done.
            prerequisite=first))
        _module_quiz(module, module_data, result)
        first_module = first_module or module
        for lesson_data in module_data["lessons"]:
            _child(module, lesson_data["slug"], result, lambda d=lesson_data: LessonPage(
                title=d["title"], slug=d["slug"], intro=d["intro"], body=lesson_body(d),
                trainer_note=d.get("trainer_note", ""), estimated_minutes=15))


def _html_list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


def lesson_body(data: dict) -> list[dict]:
    """Stream blocks for one lesson: objectives, sections, key points, example, practice task."""
    body = [{"type": "callout", "value": {"kind": "note", "title": _("Mục tiêu bài học"),
                                          "body": _html_list(data["objectives"])}}]
    for section in data["sections"]:
        body.append({"type": "heading", "value": section["heading"]})
        body.append({"type": "paragraph", "value": _paragraphs(section["paragraphs"])})
    body.append({"type": "callout", "value": {"kind": "key_points", "title": _("Ý chính"),
                                              "body": _html_list(data["key_points"])}})
    if data.get("example"):
        body.append({"type": "example", "value": {"title": data["example"]["title"],
                                                  "body": _paragraphs([data["example"]["text"]])}})
    if data.get("practice"):
        body.append({"type": "practice", "value": {"instructions": _paragraphs([data["practice"]["instructions"]]),
                                                   "submission": data["practice"]["submission"]}})
    return body


MODULE_PASS_MARK = 60  # percent; trainers can change it per quiz


def _module_quiz(module, data: dict, result: LoadResult) -> None:
    """Give a new module its quiz; on --update refresh an untouched quiz's questions from the file."""
    if not data.get("quiz"):
        return
    if module.quiz_id is None:
        module.quiz = module_quiz(data)
        module.save_revision().publish()  # the revision carries the quiz too
        hashes.remember(hashes.quiz_key(data["code"]), hashes.quiz_hash(module.quiz))
    elif result.update:
        _update_quiz(module.quiz, data, result.report)


def _quiz_title(data: dict) -> str:
    return (_("Kiểm tra: %(module)s") % {"module": data["title"]})[:255]


def _question_specs(data: dict) -> list:
    from assessments.importing import SINGLE, QuestionSpec

    return [QuestionSpec(line=number, kind=SINGLE, topic=data["title"][:200], text=item["text"],
                         explanation=item.get("explanation", ""),
                         choices=[(text, index == item["correct"]) for index, text in enumerate(item["choices"])])
            for number, item in enumerate(data["quiz"], start=1)]


def _expected_quiz_hash(data: dict) -> str:
    return hashes.digest({"title": _quiz_title(data), "questions": [
        {"text": spec.text, "explanation": spec.explanation, "choices": [list(c) for c in spec.choices]}
        for spec in _question_specs(data)]})


def _update_quiz(quiz, data: dict, report) -> None:
    from assessments.models import AttemptQuestion, Question, QuizQuestion
    from assessments.services import import_questions

    key, current = hashes.quiz_key(data["code"]), hashes.quiz_hash(quiz)
    if current == _expected_quiz_hash(data):
        report.unchanged += 1
        hashes.remember(key, current)
        return
    if not hashes.quiz_untouched(data["code"], quiz):
        report.to_review.append((quiz.title, None))
        return
    # New question rows, not edits in place: submitted attempts keep the questions they were graded on.
    old_ids = list(quiz.fixed_questions.values_list("question_id", flat=True))
    quiz.fixed_questions.all().delete()
    questions = import_questions(_question_specs(data))
    QuizQuestion.objects.bulk_create([QuizQuestion(quiz=quiz, question=question, sort_order=index)
                                      for index, question in enumerate(questions)])
    answered = set(AttemptQuestion.objects.filter(question_id__in=old_ids).values_list("question_id", flat=True))
    in_other_quizzes = set(QuizQuestion.objects.filter(question_id__in=old_ids).values_list("question_id", flat=True))
    Question.objects.filter(pk__in=set(old_ids) - answered - in_other_quizzes).delete()
    quiz.title = _quiz_title(data)
    quiz.save(update_fields=["title"])
    hashes.remember(key, hashes.quiz_hash(quiz))
    report.updated.append(quiz.title)


def module_quiz(data: dict):
    """The module's quiz from the curriculum file: its single-choice questions, in a topic of their own."""
    if not data.get("quiz"):
        return None
    from assessments.models import Quiz, QuizQuestion
    from assessments.services import import_questions

    questions = import_questions(_question_specs(data))
    quiz = Quiz.objects.create(title=_quiz_title(data), pass_mark=MODULE_PASS_MARK)
    QuizQuestion.objects.bulk_create([QuizQuestion(quiz=quiz, question=question, sort_order=index)
                                      for index, question in enumerate(questions)])
    return quiz

"""Building the four programs from `courses/data/curriculum.json` (idempotent).

Pages that already exist (matched by slug under their parent) are left untouched, so running
the loader again never overwrites what trainers have edited in the CMS.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import LessonPage, ModulePage, ProgramIndexPage, ProgramPage
from .permissions import grant_trainer_permissions

CURRICULUM_FILE = Path(__file__).resolve().parent / "data" / "curriculum.json"
INDEX_SLUG = "chuong-trinh"


@dataclass
class LoadResult:
    created: int = 0
    existing: int = 0


def load_curriculum(home_page, path: Path = CURRICULUM_FILE) -> LoadResult:
    data = json.loads(path.read_text(encoding="utf-8"))
    result = LoadResult()
    with transaction.atomic():
        index = _child(home_page, INDEX_SLUG, result, lambda: ProgramIndexPage(
            title=_("Chương trình bồi dưỡng"), slug=INDEX_SLUG,
            intro="<p>" + escape(_("Bốn chương trình bồi dưỡng nâng cao năng lực cán bộ thông tin và "
                                   "truyền thông cơ sở.")) + "</p>"))
        for program_data in data["programs"]:
            _load_program(index, program_data, result)
        grant_trainer_permissions(index)
    return result


def _child(parent, slug, result: LoadResult, build):
    existing = parent.get_children().filter(slug=slug).specific().first()
    if existing is not None:
        result.existing += 1
        return existing
    page = parent.add_child(instance=build())
    page.save_revision().publish()
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
            prerequisite=first, quiz=module_quiz(m)))
        first_module = first_module or module
        for lesson_data in module_data["lessons"]:
            _child(module, lesson_data["slug"], result, lambda d=lesson_data: LessonPage(
                title=d["title"], slug=d["slug"], intro=d["intro"], body=lesson_body(d),
                estimated_minutes=15))


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


def module_quiz(data: dict):
    """The module's quiz from the curriculum file: its single-choice questions, in a topic of their own."""
    if not data.get("quiz"):
        return None
    from assessments.importing import SINGLE, QuestionSpec
    from assessments.models import Quiz, QuizQuestion
    from assessments.services import import_questions

    specs = [QuestionSpec(line=number, kind=SINGLE, topic=data["title"][:200], text=item["text"],
                          explanation=item.get("explanation", ""),
                          choices=[(text, index == item["correct"]) for index, text in enumerate(item["choices"])])
             for number, item in enumerate(data["quiz"], start=1)]
    questions = import_questions(specs)
    quiz = Quiz.objects.create(title=(_("Kiểm tra: %(module)s") % {"module": data["title"]})[:255],
                               pass_mark=MODULE_PASS_MARK)
    QuizQuestion.objects.bulk_create([QuizQuestion(quiz=quiz, question=question, sort_order=index)
                                      for index, question in enumerate(questions)])
    return quiz

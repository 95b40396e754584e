"""A final test for each seeded program (issue 15, item 4), from `courses/data/final_tests.json`.

Kept apart from the curriculum loader and its file: the final test holds no questions of its own, it draws
them (`QuizDraw`) from the topics of the program's module quizzes, so rewriting the questions of
curriculum.json changes what the final test asks without touching this file. Idempotent: a program that has
a final test (loaded before, or chosen by a trainer) keeps it.
"""

import json
from pathlib import Path

from django.db import transaction

from .models import ModulePage, ProgramPage

FINAL_TESTS_FILE = Path(__file__).resolve().parent / "data" / "final_tests.json"


def attach_final_tests(path: Path = FINAL_TESTS_FILE) -> int:
    """Give every listed program without a final test one; returns how many were created."""
    config = json.loads(path.read_text(encoding="utf-8"))
    created = 0
    with transaction.atomic():
        programs = ProgramPage.objects.filter(code__in=list(config["programs"]), final_quiz__isnull=True)
        for program in programs.order_by("path"):
            settings = {**config["default"], **config["programs"][program.code]}
            created += _attach(program, settings)
    return created


def _topic_sizes(program: ProgramPage) -> list[tuple[int, int]]:
    """(topic, number of questions) of the program's module quizzes, in module order."""
    from assessments.models import QuizQuestion

    quiz_ids = list(ModulePage.objects.child_of(program).filter(quiz__isnull=False).order_by("path")
                    .values_list("quiz_id", flat=True))
    sizes: dict[int, int] = {}
    rows = QuizQuestion.objects.filter(quiz_id__in=quiz_ids).values_list("quiz_id", "question__topic_id")
    by_quiz: dict[int, list[int]] = {}
    for quiz_id, topic_id in rows:
        by_quiz.setdefault(quiz_id, []).append(topic_id)
    for quiz_id in quiz_ids:  # module order first, then topic order inside a module
        for topic_id in by_quiz.get(quiz_id, []):
            sizes[topic_id] = sizes.get(topic_id, 0) + 1
    return list(sizes.items())


def _attach(program: ProgramPage, settings: dict) -> int:
    from assessments.models import Quiz, QuizDraw

    topics = _topic_sizes(program)
    if not topics:  # no module questions to draw from: nothing to test yet
        return 0
    quiz = Quiz.objects.create(
        title=(settings["title"] % {"program": program.title})[:255], description=settings["description"],
        pass_mark=settings["pass_mark"], time_limit_minutes=settings["time_limit_minutes"],
        attempts_allowed=settings["attempts_allowed"])
    QuizDraw.objects.bulk_create([QuizDraw(quiz=quiz, topic_id=topic_id, sort_order=index,
                                           count=min(settings["questions_per_module"], size))
                                  for index, (topic_id, size) in enumerate(topics)])
    program.final_quiz = quiz
    if program.has_unpublished_changes:
        # A trainer's draft stays a draft: the live page gets the test, the draft gets it when published.
        ProgramPage.objects.filter(pk=program.pk).update(final_quiz=quiz)
        latest = program.latest_revision
        if latest is not None:
            latest.content["final_quiz"] = quiz.pk
            latest.save(update_fields=["content"])
    else:
        program.save_revision().publish()
    return 1

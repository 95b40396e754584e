"""Builders for quiz tests: sensible defaults, override what the test is about."""

import io
from decimal import Decimal

from openpyxl import Workbook

from assessments import importing
from assessments.models import (
    Choice,
    EssayQuestion,
    FileAnswerQuestion,
    MultipleChoiceQuestion,
    OrderingQuestion,
    Quiz,
    QuizDraw,
    QuizQuestion,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    Topic,
    TrueFalseQuestion,
)


def make_topic(name="Thông tin cơ sở") -> Topic:
    return Topic.objects.get_or_create(name=name)[0]


def _with_choices(question, choices):
    question.save()
    Choice.objects.bulk_create([
        Choice(question=question, text=text, is_correct=correct, sort_order=i)
        for i, (text, correct) in enumerate(choices)
    ])
    return question


def make_single(topic=None, text="Đài truyền thanh xã do ai quản lý?", points=1, **extra):
    question = SingleChoiceQuestion(topic=topic or make_topic(), text=text, points=Decimal(points), **extra)
    return _with_choices(question, [("UBND xã", True), ("Hội Nông dân", False), ("Trường học", False)])


def make_multiple(topic=None, points=2, **extra):
    question = MultipleChoiceQuestion(topic=topic or make_topic(), text="Chọn các thể loại báo chí",
                                      points=Decimal(points), **extra)
    return _with_choices(question, [("Tin", True), ("Phóng sự", True), ("Quảng cáo", False)])


def make_true_false(topic=None, correct=True, **extra):
    question = TrueFalseQuestion(topic=topic or make_topic(), text="Bản tin phát hằng tuần.",
                                 correct_answer=correct, **extra)
    question.save()
    return question


def make_short(topic=None, accepted="Bắc Giang", **extra):
    question = ShortAnswerQuestion(topic=topic or make_topic(), text="Tỉnh nào?", accepted_answers=accepted,
                                   **extra)
    question.save()
    return question


def make_ordering(topic=None, **extra):
    question = OrderingQuestion(topic=topic or make_topic(), text="Sắp xếp các bước", **extra)
    return _with_choices(question, [("Lập kế hoạch", False), ("Viết tin", False), ("Phát sóng", False)])


def make_essay(topic=None, points=5):
    question = EssayQuestion(topic=topic or make_topic(), text="Trình bày kế hoạch tuyên truyền",
                             points=Decimal(points))
    question.save()
    return question


def make_file_question(topic=None, points=10):
    question = FileAnswerQuestion(topic=topic or make_topic(), text="Gửi bản tin phát thanh",
                                  rubric="Nội dung | 5\nGiọng đọc | 5", points=Decimal(points))
    question.save()
    return question


def make_quiz(questions=(), draws=(), **extra) -> Quiz:
    defaults = {"title": "Kiểm tra chuyên đề 1", "shuffle_questions": False, "shuffle_choices": False}
    quiz = Quiz.objects.create(**{**defaults, **extra})
    QuizQuestion.objects.bulk_create([QuizQuestion(quiz=quiz, question=q, sort_order=i)
                                      for i, q in enumerate(questions)])
    QuizDraw.objects.bulk_create([QuizDraw(quiz=quiz, topic=t, count=n, sort_order=i)
                                  for i, (t, n) in enumerate(draws)])
    return quiz


def correct_choice_ids(question) -> list[int]:
    return sorted(question.choices.filter(is_correct=True).values_list("pk", flat=True))


def question_sheet(rows) -> bytes:
    """An XLSX question file: the import template's header, then `rows`."""
    workbook = Workbook()
    workbook.active.append(importing.TEMPLATE_COLUMNS)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

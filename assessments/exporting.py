"""The question bank as specs (the same shape the importers produce), for export to GIFT and Moodle XML and
for the duplicate check of an import. Four queries whatever the number of questions (questions of every type
in one join, choices, tags, topics)."""

from decimal import Decimal

from . import gift, moodle_xml, selectors
from .models import (
    DescriptionQuestion,
    EssayQuestion,
    FileAnswerQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    OrderingQuestion,
    Question,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    Topic,
    TrueFalseQuestion,
)
from .specs import (
    DESCRIPTION,
    ESSAY,
    FILE,
    MATCHING,
    MULTIPLE,
    NUMERICAL,
    ORDERING,
    SHORT,
    SINGLE,
    TRUE_FALSE,
    AnswerSpec,
    QuestionSpec,
)

_KINDS = {SingleChoiceQuestion: SINGLE, MultipleChoiceQuestion: MULTIPLE, TrueFalseQuestion: TRUE_FALSE,
          ShortAnswerQuestion: SHORT, OrderingQuestion: ORDERING, EssayQuestion: ESSAY, FileAnswerQuestion: FILE,
          MatchingQuestion: MATCHING, NumericalQuestion: NUMERICAL, DescriptionQuestion: DESCRIPTION}


def spec_from_question(question: Question, choices, tags=(), topic_name: str | None = None) -> QuestionSpec:
    kind = _KINDS[type(question)]
    topic_name = question.topic.name if topic_name is None else topic_name
    spec = QuestionSpec(line=question.pk, kind=kind, topic=topic_name, text=question.text,
                        title=question.title, text_format=question.text_format, points=question.points,
                        difficulty=question.difficulty, explanation=question.explanation, tags=list(tags),
                        rubric=getattr(question, "rubric", ""))
    spec.answers = [AnswerSpec(text=c.text, weight=c.weight, feedback=c.feedback, match=c.match_text,
                               tolerance=c.tolerance, correct=c.is_correct)
                    for c in sorted(choices, key=lambda c: (c.sort_order or 0, c.pk))]
    if kind == TRUE_FALSE:
        spec.correct_answer = question.correct_answer
        spec.feedback_true, spec.feedback_false = question.feedback_true, question.feedback_false
    if kind == ORDERING:
        spec.partial_credit = question.partial_credit
    if kind == SHORT:
        spec.accepted, spec.ignore_case = question.accepted_list(), question.ignore_case
    return spec


def bank_specs(questions) -> list[QuestionSpec]:
    """Specs for the given questions (a queryset, or a list of any type), in topic then id order."""
    return [spec for _pk, spec in _specs_with_ids(questions)]


def _specs_with_ids(questions) -> list[tuple[int, QuestionSpec]]:
    ids = list(questions.values_list("pk", flat=True)) if hasattr(questions, "values_list") else [
        q.pk for q in questions]
    by_id, choices = selectors.specific_questions(ids)
    tags = {}
    for question_id, name in Question.tags.through.objects.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag__name"):
        tags.setdefault(question_id, []).append(name)
    topics = dict(Topic.objects.filter(pk__in={q.topic_id for q in by_id.values()}).values_list("pk", "name"))
    ordered = sorted(by_id.values(), key=lambda q: (topics[q.topic_id], q.pk))
    return [(q.pk, spec_from_question(q, choices.get(q.pk, []), sorted(tags.get(q.pk, [])), topics[q.topic_id]))
            for q in ordered]


def signatures(topic_names) -> dict[tuple, int]:
    """(topic, signature) of every question in these topics, with the id of the oldest such question: what
    an import must not add again (and, importing into a quiz, the question to use instead)."""
    questions = Question.objects.non_polymorphic().filter(topic__name__in=list(topic_names))
    found = {}
    for pk, spec in _specs_with_ids(questions):
        found.setdefault((spec.topic, spec.signature()), pk)
    return found


def moodle_ready(spec: QuestionSpec) -> QuestionSpec:
    """Our shapes in Moodle's: weights made explicit, short answers' accepted lines as 100 % answers."""
    if spec.kind == SHORT and spec.accepted:
        spec.answers = [AnswerSpec(text=text, weight=Decimal(100)) for text in spec.accepted] + spec.answers
        spec.accepted = []
    if spec.kind == MULTIPLE and all(row.weight is None for row in spec.answers):
        _share_weights(spec)
    for row in spec.answers:
        if row.weight is None and spec.kind in (SINGLE, MULTIPLE, SHORT, NUMERICAL):
            row.weight = Decimal(100) if row.correct else Decimal(0)
    return spec


def _share_weights(spec: QuestionSpec) -> None:
    """A multiple-choice question with plain right/wrong options: Moodle's equivalent of "partial" scoring
    is each right option worth 100/k %, each wrong one −100/k % (k right options)."""
    right = sum(1 for row in spec.answers if row.correct)
    if not right:
        return
    share = (Decimal(100) / right).quantize(Decimal("0.00001"))
    for row in spec.answers:
        row.weight = share if row.correct else -share


def export(questions, fmt: str) -> tuple[str, list[QuestionSpec]]:
    """(file text, specs left out because the format cannot carry them: ordering and file questions)."""
    specs = [moodle_ready(spec) for spec in bank_specs(questions)]
    writable = moodle_xml.EXPORTABLE if fmt == "xml" else gift.EXPORTABLE
    kept = [spec for spec in specs if spec.kind in writable]
    left_out = [spec for spec in specs if spec.kind not in writable]
    text = moodle_xml.write(kept) if fmt == "xml" else gift.write(kept)
    return text, left_out

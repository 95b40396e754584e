"""What an imported question looks like before it is written: the common currency of the XLSX template, GIFT
and Moodle XML readers and writers (services.import_questions writes specs; exporting makes them)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .formats import TextFormat
from .models import Choice, Difficulty, Question, QuestionTag, Topic

SINGLE, MULTIPLE, TRUE_FALSE, SHORT, ORDERING, ESSAY, FILE = (
    "single", "multiple", "true_false", "short", "ordering", "essay", "file")
MATCHING, NUMERICAL, DESCRIPTION = "matching", "numerical", "description"
WEIGHT_STEP = Decimal("0.00001")  # Choice.weight's decimal places
TOLERANCE_STEP = Decimal("0.0000000001")


class SpecError(ValueError):
    """A question that cannot be imported; the message is translated and names the problem."""


def number_text(value: Decimal) -> str:
    """A decimal as plain digits, no exponent and no trailing zeros: 1E+2 → "100", 0.50 → "0.5"."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


@dataclass
class AnswerSpec:
    """One answer row (a Choice): text, Moodle weight in percent, feedback; match for a matching pair,
    tolerance for a numerical answer (text is then the value, or * for any number)."""

    text: str
    weight: Decimal | None = None
    feedback: str = ""
    match: str = ""
    tolerance: Decimal | None = None
    correct: bool = False


@dataclass
class QuestionSpec:
    line: int
    kind: str
    topic: str
    text: str
    points: Decimal = Decimal(1)
    difficulty: str = Difficulty.MEDIUM
    explanation: str = ""
    tags: list[str] = field(default_factory=list)
    choices: list[tuple[str, bool]] = field(default_factory=list)  # (text, correct), no weights
    correct_answer: bool = True
    accepted: list[str] = field(default_factory=list)  # short answers worth 100 %, one a line
    rubric: str = ""
    title: str = ""
    text_format: str = TextFormat.PLAIN
    answers: list[AnswerSpec] = field(default_factory=list)  # weighted rows; `choices` when empty
    feedback_true: str = ""
    feedback_false: str = ""
    ignore_case: bool = True
    partial_credit: bool = False  # ordering: share of items in place

    def answer_rows(self) -> list[AnswerSpec]:
        return self.answers or [AnswerSpec(text=text, correct=correct) for text, correct in self.choices]

    def check(self) -> None:
        """Values fit their columns (PostgreSQL refuses a longer value, SQLite stores it) and weights fit
        their decimals; weights are rounded as the database will store them."""
        limits = [(self.topic, Topic, "name", _("chủ đề")), (self.title, Question, "title", _("tên câu hỏi")),
                  *[(tag, QuestionTag.tag_model(), "name", _("thẻ")) for tag in self.tags]]
        for row in self.answer_rows():
            limits += [(row.text, Choice, "text", _("phương án")), (row.match, Choice, "match_text", _("phương án"))]
            if row.weight is not None:
                row.weight = row.weight.quantize(WEIGHT_STEP)
            if row.tolerance is not None:
                if row.tolerance >= 10 ** 9:
                    raise SpecError(_("sai số %(value)s quá lớn") % {"value": number_text(row.tolerance)})
                row.tolerance = row.tolerance.quantize(TOLERANCE_STEP).normalize()
        for value, model, field_name, label in limits:
            limit = model._meta.get_field(field_name).max_length
            if len(value) > limit:
                raise SpecError(_("%(what)s dài quá %(limit)s ký tự") % {"what": label, "limit": limit})

    def signature(self) -> tuple:
        """What makes two questions the same for the duplicate check: type, text and answers."""
        rows = tuple((r.text, r.match, _norm(r.weight), _norm(r.tolerance), r.correct if r.weight is None else None)
                     for r in self.answer_rows())
        extra = (self.correct_answer,) if self.kind == TRUE_FALSE else tuple(self.accepted)
        return self.kind, " ".join(self.text.split()), rows, extra


def _norm(value):
    return None if value is None else number_text(Decimal(value))

"""Item analysis of a quiz, as Moodle's quiz statistics: per question its facility (mean share of the
points earned), its discrimination (point-biserial / Pearson correlation between the question's score
and the rest of the attempt's score) and how often each option was chosen. Matching questions add the share
of learners who matched each stem right and how credit spread (full, partial, none); numerical questions the
share within a right answer's tolerance and the wrong values given most often. Questions a trainer marks
(essay, file) and descriptions are listed apart, with the reason they are not analysed.

Computed from graded attempts in a Celery task (`assessments.analyse_items`, queued through the outbox
with ids only), stored in `ItemAnalysis` per quiz and unit, read by the admin view. The arithmetic is
plain Python (no numpy) so a test can check it against hand-worked values.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from math import sqrt

from django.db import transaction
from django.utils import timezone

from accounts import access
from localities.models import Locality, ground_q
from outbox import services as outbox

from . import describing, grading, selectors
from .models import Attempt, AttemptQuestion, AttemptState, ItemAnalysis, Quiz
from .specs import number_text

TASK = "assessments.analyse_items"
# Below these an item is worth a trainer's look (Moodle's usual reading of the two figures).
LOW_DISCRIMINATION = 0.2
TOO_EASY, TOO_HARD = 0.9, 0.2
MIN_ATTEMPTS_FOR_UNCHOSEN = 10  # an option nobody chose means something only past a handful of attempts
COMMON_WRONG_VALUES = 5  # numerical: how many of the most frequent wrong numbers to show
# Why a question gets no statistics: its score is a trainer's judgement, or it has no answer at all.
EXCLUDED_MARKED, EXCLUDED_DESCRIPTION = "marked", "description"


@dataclass(frozen=True)
class Response:
    score: float  # points earned on the question
    max_points: float
    chosen: tuple[int, ...] = ()  # choice ids picked
    response: dict = field(default_factory=dict)  # the stored answer, for the per-type details

    @property
    def blank(self) -> bool:
        return not self.chosen and describing.is_blank(self.response)


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Correlation coefficient; None when either side does not vary (nothing to correlate)."""
    if len(xs) < 2:
        return None
    mx, my = mean(xs), mean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / sqrt(sxx * syy)


def question_statistics(attempts: list[dict[int, Response]]) -> dict[int, dict]:
    """Per question id: n, facility, discrimination against the rest of the attempt, option counts."""
    stats = {}
    question_ids = {qid for attempt in attempts for qid in attempt}
    for qid in question_ids:
        rows = [(attempt[qid], sum(r.score for r in attempt.values())) for attempt in attempts if qid in attempt]
        scores = [r.score for r, _total in rows]
        facility = mean([r.score / r.max_points if r.max_points else 0.0 for r, _total in rows])
        discrimination = pearson(scores, [total - r.score for r, total in rows])
        chosen = Counter(cid for r, _total in rows for cid in r.chosen)
        stats[qid] = {"n": len(rows), "facility": facility, "discrimination": discrimination,
                      "chosen": dict(chosen), "blank": sum(1 for r, _t in rows if r.blank),
                      "responses": [r.response for r, _total in rows]}
    return stats


def review_reasons(item: dict) -> list[str]:
    """Codes of what makes a question worth reviewing, most serious first."""
    reasons = []
    d = item["discrimination"]
    if d is not None and d < 0:
        reasons.append("negative")
    elif d is not None and d < LOW_DISCRIMINATION:
        reasons.append("low")
    if item["facility"] > TOO_EASY:
        reasons.append("easy")
    elif item["facility"] < TOO_HARD:
        reasons.append("hard")
    if item["n"] >= MIN_ATTEMPTS_FOR_UNCHOSEN and any(
            not option["is_correct"] and option["count"] == 0 for option in item["options"]):
        reasons.append("unchosen")
    return reasons


_SEVERITY = {"negative": 0, "low": 1, "hard": 2, "easy": 2, "unchosen": 3}


def review_order(item: dict) -> tuple:
    severity = min((_SEVERITY[r] for r in item["reasons"]), default=9)
    d = item["discrimination"]
    return (severity, d if d is not None else 1.0, item["position"])


# Reading the database and storing the result.

def _graded_attempts(quiz_id: int, unit: Locality | None):
    attempts = Attempt.objects.filter(quiz_id=quiz_id, state=AttemptState.GRADED)
    if unit is not None:
        attempts = attempts.filter(ground_q(unit.ground_prefixes(), "commune__path"))
    return attempts


def _responses(attempt_ids) -> list[dict[int, Response]]:
    by_attempt: dict[int, dict[int, Response]] = defaultdict(dict)
    rows = (AttemptQuestion.objects.filter(attempt_id__in=attempt_ids)
            .values_list("attempt_id", "question_id", "max_points", "answer__score", "answer__response"))
    for attempt_id, question_id, max_points, score, response in rows:
        chosen = tuple(int(c) for c in (response or {}).get("choices", []) if str(c).isdigit())
        by_attempt[attempt_id][question_id] = Response(float(score or 0), float(max_points), chosen,
                                                       response or {})
    return [by_attempt[pk] for pk in attempt_ids if pk in by_attempt]


def matching_details(choices, responses: list[dict]) -> dict:
    """Per stem the share of learners who matched it right; the mean share of stems right (Moodle's partial
    credit) and how many earned full, partial or no credit."""
    lines = [describing.match_lines(choices, response) for response in responses]
    fractions = [sum(line.right for line in stems) / len(stems) if stems else 0.0 for stems in lines]
    stems = [{"text": stem.text, "expected": stem.match_text,
              "right": sum(1 for each in lines if each[i].right)}
             for i, stem in enumerate(c for c in choices if c.text)]
    for stem in stems:
        stem["share"] = stem["right"] / len(responses)
    return {"stems": stems, "partial_mean": mean(fractions),
            "full": sum(1 for f in fractions if f == 1), "none": sum(1 for f in fractions if f == 0),
            "partial": sum(1 for f in fractions if 0 < f < 1)}


def numerical_details(choices, responses: list[dict]) -> dict:
    """Share of numbers within a right answer's tolerance (full credit) or a partly right one, and the wrong
    numbers given most often (as a Vietnamese reader writes them)."""
    rows = sorted(choices, key=lambda c: (c.sort_order or 0, c.pk))
    within = partly = 0
    wrong = Counter()
    for response in responses:
        text = response.get("text", "")
        match = grading.match_number(text, rows)
        if match is not None and match.fraction >= 1:
            within += 1
        elif match is not None and match.fraction > 0:
            partly += 1
        elif grading.parse_number(text) is not None:
            wrong[describing.number_as_entered(number_text(grading.parse_number(text)))] += 1
    return {"within": within / len(responses), "partly": partly / len(responses),
            "wrong_values": [[value, count] for value, count in wrong.most_common(COMMON_WRONG_VALUES)]}


def _excluded_reason(question) -> str | None:
    if question.widget == "description":
        return EXCLUDED_DESCRIPTION
    return EXCLUDED_MARKED if question.needs_marking else None


def _details(question, choices, stat) -> dict:
    if question.widget == "matching":
        return {"matching": matching_details(choices, stat["responses"])}
    if question.widget == "number":
        return {"numerical": numerical_details(choices, stat["responses"])}
    return {}


def _options(question, choices, stat) -> list[dict]:
    """How often each option was chosen: choice questions only (other types' rows are not picked)."""
    if question.widget not in ("single", "multiple"):
        return []
    return [{"id": c.pk, "text": c.text, "is_correct": c.fraction > 0, "count": stat["chosen"].get(c.pk, 0),
             "share": stat["chosen"].get(c.pk, 0) / stat["n"]} for c in choices]


def _items(quiz: Quiz, stats: dict[int, dict]) -> list[dict]:
    positions = {qid: i for i, qid in enumerate(quiz.fixed_questions.order_by("sort_order", "pk")
                                                .values_list("question_id", flat=True))}
    questions, choices = selectors.specific_questions(stats)
    items, excluded = [], []
    for qid, stat in stats.items():
        question = questions[qid]
        base = {"question_id": qid, "text": question.text, "widget": question.widget,
                "position": positions.get(qid, len(positions)), "n": stat["n"]}
        reason = _excluded_reason(question)
        if reason:
            excluded.append({**base, "excluded": reason})
            continue
        item = {**base, "facility": stat["facility"], "discrimination": stat["discrimination"],
                "options": _options(question, choices.get(qid, []), stat), "blank": stat["blank"],
                **_details(question, choices.get(qid, []), stat)}
        item["reasons"] = review_reasons(item)
        items.append(item)
    return sorted(items, key=review_order) + sorted(excluded, key=lambda item: item["position"])


def analyse(quiz_id: int, unit_id: int | None) -> ItemAnalysis:
    """Compute and store the analysis of one quiz over one unit's ground (None: every unit)."""
    quiz = Quiz.objects.get(pk=quiz_id)
    unit = Locality.objects.get(pk=unit_id) if unit_id else None
    attempts = list(_graded_attempts(quiz_id, unit).order_by("pk").values_list("pk", "percent"))
    stats = question_statistics(_responses([pk for pk, _p in attempts]))
    percents = [p for _pk, p in attempts if p is not None]
    values = {"attempts": len(attempts), "items": _items(quiz, stats), "computed_at": timezone.now(),
              "mean_percent": (sum(percents, Decimal(0)) / len(percents)).quantize(Decimal("0.01"))
              if percents else None}
    analysis, _created = ItemAnalysis.objects.update_or_create(quiz=quiz, unit=unit, defaults=values)
    return analysis


def request_analysis(quiz_id: int, unit_id: int | None) -> None:
    """Queue the computation; it runs once the current transaction commits."""
    with transaction.atomic():
        outbox.enqueue(TASK, quiz_id, unit_id)


# What a staff member may see.

def units_for(user) -> list[Locality | None]:
    """The units whose analysis the user may read: every unit (None) for full access, else their own units."""
    if access.has_full_access(user):
        return [None]
    return sorted(access.scope_localities(user), key=lambda unit: unit.path)


def require_unit(user, unit_id: int | None) -> Locality | None:
    """The unit asked for, if the user may read it (PermissionDenied otherwise; 404 if it does not exist)."""
    if unit_id is None:
        units = units_for(user)
        if not units:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return units[0]
    return access.require_locality(user, unit_id)

"""Item analysis of a quiz, as Moodle's quiz statistics: per question its facility (mean share of the
points earned), its discrimination (point-biserial / Pearson correlation between the question's score
and the rest of the attempt's score) and how often each option was chosen.

Computed from graded attempts in a Celery task (`assessments.analyse_items`, queued through the outbox
with ids only), stored in `ItemAnalysis` per quiz and unit, read by the admin view. The arithmetic is
plain Python (no numpy) so a test can check it against hand-worked values.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from math import sqrt

from django.db import transaction
from django.utils import timezone

from accounts import access
from localities.models import Locality, ground_q
from outbox import services as outbox

from .models import Attempt, AttemptQuestion, AttemptState, Choice, ItemAnalysis, Question, Quiz

TASK = "assessments.analyse_items"
# Below these an item is worth a trainer's look (Moodle's usual reading of the two figures).
LOW_DISCRIMINATION = 0.2
TOO_EASY, TOO_HARD = 0.9, 0.2
MIN_ATTEMPTS_FOR_UNCHOSEN = 10  # an option nobody chose means something only past a handful of attempts


@dataclass(frozen=True)
class Response:
    score: float  # points earned on the question
    max_points: float
    chosen: tuple[int, ...] = ()  # choice ids picked


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
                      "chosen": dict(chosen), "blank": sum(1 for r, _t in rows if not r.chosen)}
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
        by_attempt[attempt_id][question_id] = Response(float(score or 0), float(max_points), chosen)
    return [by_attempt[pk] for pk in attempt_ids if pk in by_attempt]


def _items(quiz: Quiz, stats: dict[int, dict]) -> list[dict]:
    positions = {qid: i for i, qid in enumerate(quiz.fixed_questions.order_by("sort_order", "pk")
                                                .values_list("question_id", flat=True))}
    texts = dict(Question.objects.filter(pk__in=stats).values_list("pk", "text"))
    choices = defaultdict(list)
    for choice in Choice.objects.filter(question_id__in=stats).order_by("question_id", "sort_order", "pk"):
        choices[choice.question_id].append(choice)
    items = []
    for qid, stat in stats.items():
        options = [{"id": c.pk, "text": c.text, "is_correct": c.is_correct, "count": stat["chosen"].get(c.pk, 0),
                    "share": stat["chosen"].get(c.pk, 0) / stat["n"]} for c in choices[qid]]
        item = {"question_id": qid, "text": texts.get(qid, ""), "position": positions.get(qid, len(positions)),
                "n": stat["n"], "facility": stat["facility"], "discrimination": stat["discrimination"],
                "options": options, "blank": stat["blank"]}
        item["reasons"] = review_reasons(item)
        items.append(item)
    return sorted(items, key=review_order)


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

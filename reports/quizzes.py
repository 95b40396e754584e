"""Module quiz results of the statistics (issue 15, item 4): per module quiz, learners who attempted it,
learners who passed, and their mean best score.

Counted from the graded attempts submitted in the period, in the commune recorded on each attempt (where the
learner was then), under the report's unit. The per-learner best is taken in SQL and averaged in the same
statement (one query for the figures, whatever the number of attempts; one more for the modules with
their programs' titles).
A learner's best is their highest percentage and they passed if any attempt passed, whatever the quiz's
grading method (the module page uses the same rule to open the next module).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Case, IntegerField, Max, OuterRef, Subquery, Value, When
from django.db.models.functions import Length, Substr

from assessments.models import Attempt, AttemptState
from courses.models import ModulePage, ProgramPage

from .charts import number_text, percent_text, score_text


@dataclass
class QuizResult:
    program: str
    module: str
    attempted: int = 0
    passed: int = 0
    mean_best: Decimal | None = None

    @property
    def pass_rate(self) -> Decimal | None:
        if not self.attempted:
            return None
        return (Decimal(self.passed) * 100 / self.attempted).quantize(Decimal("0.1"))

    @property
    def summary(self) -> str:
        return f"{number_text(self.passed)}/{number_text(self.attempted)}"

    @property
    def pass_rate_text(self) -> str:
        return percent_text(self.pass_rate)

    @property
    def mean_best_text(self) -> str:
        return score_text(self.mean_best)


def _modules(filters) -> list[ModulePage]:
    """The module quizzes in the filter, each with its program's title (a module's path is its program's
    plus one step)."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - ModulePage.steplen)
    program = ProgramPage.objects.filter(path=parent_path)
    modules = ModulePage.objects.filter(quiz__isnull=False).annotate(
        program_title=Subquery(program.values("title")[:1]))
    if filters.module_id:
        modules = modules.filter(pk=filters.module_id)
    if filters.program_id:
        program_path = ProgramPage.objects.filter(pk=filters.program_id).values("path")
        modules = modules.filter(path__startswith=program_path[:1])
    return list(modules.order_by("path").only("pk", "path", "title", "quiz_id"))  # one query


def module_quiz_results(units, filters) -> list[QuizResult]:
    modules = _modules(filters)
    if not modules:
        return []
    results = {m.quiz_id: QuizResult(m.program_title or "", m.title) for m in modules}
    for quiz_id, attempted, passed, mean_best in _grouped(units, filters, list(results)):
        result = results[quiz_id]
        result.attempted, result.passed = attempted, passed or 0
        result.mean_best = Decimal(str(mean_best)).quantize(Decimal("0.1")) if mean_best is not None else None
    return [results[m.quiz_id] for m in modules if m.quiz_id in results]


def _grouped(units, filters, quiz_ids: list[int]):
    """(quiz, learners attempted, learners passed, mean of their best percentages): the best per learner in
    a subquery, summed per quiz around it."""
    attempts = Attempt.objects.filter(quiz_id__in=quiz_ids, state=AttemptState.GRADED, percent__isnull=False)
    attempts = attempts.filter(units.path_q("commune__path"))
    attempts = attempts.filter(filters.period_q("submitted_at__date"))
    if filters.target_group:
        attempts = attempts.filter(user__learner_profile__target_group=filters.target_group)
    best = (attempts.values("quiz_id", "user_id").order_by()
            .annotate(best=Max("percent"),
                      ok=Max(Case(When(passed=True, then=Value(1)), default=Value(0), output_field=IntegerField()))))
    inner, params = best.values("quiz_id", "best", "ok").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT quiz_id, COUNT(*), SUM(ok), AVG(best) FROM ({inner}) AS per_learner "  # noqa: S608
                       "GROUP BY quiz_id", params)
        return cursor.fetchall()

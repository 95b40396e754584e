"""Read queries for quiz pages, the marking queue, exports and other apps (courses, reports).

Each function runs a fixed number of queries whatever the number of questions or attempts.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access

from . import describing
from .exceptions import OutOfScope
from .models import (
    QUESTION_TYPES,
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptState,
    Choice,
    GradingMethod,
    Question,
    Quiz,
    ReviewPolicy,
)

# Reverse one-to-one names from the Question base to each subclass table. A page joins only the
# tables of the types it holds: joining all eleven made every quiz page's main query ~5 ms slower.
_LINKS = [model._meta.model_name for model in QUESTION_TYPES]


def _link(ctype_id: int) -> str | None:
    """The subclass link of a question content type (ContentType's own cache: no query after the first)."""
    name = ContentType.objects.get_for_id(ctype_id).model
    return name if name in _LINKS else None


def _links_present(questions) -> list[str]:
    ctype_ids = questions.order_by().values_list("polymorphic_ctype_id", flat=True).distinct()
    return sorted({link for ctype_id in ctype_ids if (link := _link(ctype_id))})


def _specific(question: Question) -> Question:
    """The question as its own type, read from the link its content type names (joined beforehand)."""
    link = _link(question.polymorphic_ctype_id)
    try:
        return getattr(question, link) if link else question
    except ObjectDoesNotExist:
        return question


def _choices_by_question(question_ids) -> dict[int, list[Choice]]:
    grouped: dict[int, list[Choice]] = {}
    for choice in Choice.objects.filter(question_id__in=question_ids).order_by("sort_order", "pk"):
        grouped.setdefault(choice.question_id, []).append(choice)
    return grouped


def specific_questions(ids: Iterable[int]) -> tuple[dict[int, Question], dict[int, list[Choice]]]:
    """Questions by id as their own type, and their choices in authored order (three queries)."""
    ids = list(ids)
    base = Question.objects.non_polymorphic().filter(pk__in=ids)
    base = base.select_related(*_links_present(base))
    return {q.pk: _specific(q) for q in base}, _choices_by_question(ids)


@dataclass
class Item:
    """One question of an attempt, as the learner sees it."""

    attempt_question: AttemptQuestion
    question: Question
    choices: list[Choice]
    answer: Answer | None

    @property
    def chosen_ids(self) -> list[int]:
        response = self.answer.response if self.answer else {}
        return response.get("choices") or response.get("order") or []

    @property
    def response(self) -> dict:
        return self.answer.response if self.answer else {}

    @property
    def ordering_rows(self) -> list[tuple[Choice, int]]:
        """Items with the rank to preselect: the saved order, else the drawn order."""
        rank = {cid: i for i, cid in enumerate(self.chosen_ids, start=1)}
        return [(choice, rank.get(choice.pk, i)) for i, choice in enumerate(self.choices, start=1)]

    @property
    def ranks(self) -> range:
        return range(1, len(self.choices) + 1)

    @property
    def match_rows(self) -> list[tuple[Choice, str]]:
        """Matching: each stem (in drawn order) with the answer text chosen for it ("" for none yet)."""
        texts = {c.pk: c.match_text for c in self.choices}
        chosen = self.response.get("matches", {})
        return [(c, texts.get(chosen.get(str(c.pk)), "")) for c in self.choices if c.text]

    @property
    def match_options(self) -> list[str]:
        """Matching: the distinct answer texts, alphabetical (the stems carry the shuffle). The page posts the
        text: a row id would name the stem it belongs to."""
        return sorted({c.match_text for c in self.choices}, key=lambda text: (text.casefold(), text))

    @property
    def match_review(self) -> list[tuple[Choice, str, bool]]:
        return [(stem, chosen, chosen == stem.match_text) for stem, chosen in self.match_rows]

    @property
    def number_as_entered(self) -> str:
        """Numerical: the learner's number as typed, with a decimal comma."""
        return describing.number_as_entered(self.response.get("text", ""))

    @property
    def is_description(self) -> bool:
        return self.question.widget == "description"

    @property
    def weighted_answers(self) -> list[tuple[str, str]]:
        """Short answer and numerical: (answer as shown, weight in %) for the review, best first."""
        from .specs import number_text

        if hasattr(self.question, "accepted_list"):
            rows = [(text, 1, "") for text in self.question.accepted_list()]
            rows += [(c.text, c.fraction, "") for c in self.choices]
        else:
            rows = [(c.text if c.text == "*" or not c.tolerance else f"{c.text} ± {number_text(c.tolerance)}",
                     c.fraction, "") for c in self.choices]
        ranked = sorted((row for row in rows if row[1] > 0), key=lambda row: -row[1])
        cent = Decimal("0.01")
        return [(text, number_text((Decimal(fraction.numerator * 100) / fraction.denominator).quantize(cent)))
                for text, fraction, _feedback in ranked]

    @property
    def feedback(self) -> list[str]:
        """What the author wrote for the answers this response chose (shown only when review is allowed)."""
        return self.question.feedback_for(self.response, self.choices)

    @property
    def correct_order(self) -> list[Choice]:
        return sorted(self.choices, key=lambda c: (c.sort_order or 0, c.pk))

    @property
    def answered_order(self) -> list[Choice]:
        by_id = {c.pk: c for c in self.choices}
        return [by_id[cid] for cid in self.response.get("order", []) if cid in by_id]


def attempt_items(attempt: Attempt, question_ids: Iterable[int] | None = None) -> list[Item]:
    """The frozen questions of an attempt with choices in drawn order and saved answers (three queries)."""
    aqs = AttemptQuestion.objects.filter(attempt_id=attempt.pk).order_by("position")
    if question_ids is not None:
        aqs = aqs.filter(question_id__in=list(question_ids))
    links = _links_present(Question.objects.non_polymorphic().filter(pk__in=aqs.values("question_id")))
    aqs = list(aqs.select_related("answer", "question", *[f"question__{link}" for link in links]))
    choices = _choices_by_question([aq.question_id for aq in aqs])
    items = []
    for aq in aqs:
        by_id = {c.pk: c for c in choices.get(aq.question_id, [])}
        ordered = [by_id[cid] for cid in aq.choice_order if cid in by_id]
        items.append(Item(aq, _specific(aq.question), ordered, getattr(aq, "answer", None)))
    return items


def attempt_for_learner(user, attempt_id: int) -> Attempt:
    """A learner reaches only their own attempts: anyone else's is a 404."""
    return get_object_or_404(Attempt.objects.select_related("quiz"), pk=attempt_id, user_id=user.pk)


def learner_attempts(user, quiz: Quiz) -> list[Attempt]:
    return list(Attempt.objects.filter(user_id=user.pk, quiz=quiz).order_by("number"))


def question_count(quiz: Quiz) -> int:
    """How many questions an attempt holds: the fixed ones, plus per topic the number drawn or as many as
    the bank has (services._draw's rule), in three small queries."""
    from django.db.models import Count

    from .models import QuizDraw, QuizQuestion

    fixed = list(QuizQuestion.objects.filter(quiz=quiz).values_list("question_id", flat=True))
    draws = dict(QuizDraw.objects.filter(quiz=quiz).values_list("topic_id", "count"))
    if not draws:
        return len(fixed)
    banks = dict(Question.objects.non_polymorphic().filter(topic_id__in=draws).exclude(pk__in=fixed)
                 .values("topic_id").annotate(n=Count("pk")).order_by().values_list("topic_id", "n"))
    return len(fixed) + sum(min(count, banks.get(topic_id, 0)) for topic_id, count in draws.items())


def can_review(attempt: Attempt, now=None) -> bool:
    """Whether the learner may see correct answers and explanations, per the quiz's policy."""
    quiz, now = attempt.quiz, now or timezone.now()
    if attempt.state == AttemptState.IN_PROGRESS or quiz.review_policy == ReviewPolicy.NEVER:
        return False
    if quiz.review_policy == ReviewPolicy.AFTER_PASS:
        return bool(attempt.passed)
    if quiz.review_policy == ReviewPolicy.AFTER_CLOSE:
        return quiz.available_until is not None and now >= quiz.available_until
    return True


# For courses and reports ------------------------------------------------------------------

def _last_graded(user_id: int):
    return (Attempt.objects.filter(user_id=user_id, quiz=OuterRef("pk"), state=AttemptState.GRADED)
            .order_by("-submitted_at", "-pk"))


def passed_quiz_ids(user_id: int, quiz_ids: Iterable[int]) -> set[int]:
    """Quizzes among `quiz_ids` the user has passed: any graded attempt for "highest", the last for "last"."""
    any_passed = Exists(Attempt.objects.filter(user_id=user_id, quiz=OuterRef("pk"),
                                               state=AttemptState.GRADED, passed=True))
    last_passed = Subquery(_last_graded(user_id).values("passed")[:1])
    return set(Quiz.objects.filter(pk__in=list(quiz_ids))
               .annotate(any_passed=any_passed, last_passed=last_passed)
               .filter(Q(grading_method=GradingMethod.HIGHEST, any_passed=True)
                       | Q(grading_method=GradingMethod.LAST, last_passed=True))
               .values_list("pk", flat=True))


def passed_pairs(quiz_ids: Iterable[int], user_ids: Iterable[int] | None = None) -> set[tuple[int, int]]:
    """(user_id, quiz_id) for every learner who passed each quiz, by the rule of passed_quiz_ids, for many
    learners in one query (the completion drift check); `user_ids` None means everyone."""
    attempts = Attempt.objects.filter(quiz_id__in=list(quiz_ids), state=AttemptState.GRADED)
    if user_ids is not None:
        attempts = attempts.filter(user_id__in=list(user_ids))
    passed, last = set(), {}
    rows = attempts.order_by("user_id", "quiz_id", "submitted_at", "pk").values_list(
        "user_id", "quiz_id", "quiz__grading_method", "passed")
    for user_id, quiz_id, method, ok in rows.iterator(chunk_size=20000):
        if method == GradingMethod.LAST:
            last[(user_id, quiz_id)] = bool(ok)  # ascending: the last graded attempt is written last
        elif ok:
            passed.add((user_id, quiz_id))
    return passed | {key for key, ok in last.items() if ok}


def best_scores(user_id: int, quiz_ids: Iterable[int]) -> dict[int, Decimal]:
    """The percentage that counts per quiz (highest, or last by the quiz's grading method); graded only."""
    highest = Subquery(Attempt.objects.filter(user_id=user_id, quiz=OuterRef("pk"), state=AttemptState.GRADED)
                       .values("quiz").annotate(best=Max("percent")).values("best")[:1])
    last = Subquery(_last_graded(user_id).values("percent")[:1])
    rows = (Quiz.objects.filter(pk__in=list(quiz_ids)).annotate(highest=highest, last=last)
            .values_list("pk", "grading_method", "highest", "last"))
    result = {}
    for pk, method, high, final in rows:
        value = final if method == GradingMethod.LAST else high
        if value is not None:
            result[pk] = value
    return result


# For trainers -----------------------------------------------------------------------------

_MARKING_RELATED = ["attempt_question__question", "attempt_question__attempt__user",
                    "attempt_question__attempt__quiz", "attempt_question__attempt__commune"]


def marking_queue(user):
    """Essay and file answers waiting for a mark, in attempts from the trainer's communes."""
    answers = (Answer.objects.filter(score__isnull=True,
                                     attempt_question__attempt__state=AttemptState.AWAITING_MARKING)
               .select_related(*_MARKING_RELATED).order_by("attempt_question__attempt__submitted_at", "pk"))
    return access.filter_in_scope(answers, user, "attempt_question__attempt__commune__path")


def answer_for_marker(user, answer_id: int) -> Answer:
    answer = get_object_or_404(Answer.objects.select_related(*_MARKING_RELATED), pk=answer_id)
    commune = answer.attempt_question.attempt.commune
    if not access.has_full_access(user) and (commune is None or not access.can_see_locality(user, commune)):
        raise OutOfScope(_("Bài làm này không thuộc địa bàn của bạn."))
    return answer


def regradable_attempts(user, question_id: int):
    """Submitted attempts holding the question whose learner's commune (at the time) is in the user's
    scope. The scope is a subquery on units, so that the row lock of a regrade takes attempts only."""
    from localities.models import Locality

    attempts = Attempt.objects.filter(questions__question_id=question_id,
                                      state__in=[AttemptState.GRADED, AttemptState.AWAITING_MARKING])
    if access.has_full_access(user):
        return attempts
    units = access.filter_in_scope(Locality.objects.all(), user, "path")
    return attempts.filter(commune_id__in=units.values("pk"))


def regrade_reach(user, question_id: int) -> tuple[int, int]:
    """(attempts a regrade by this user would rescore, submitted attempts with the question outside it)."""
    everyone = Attempt.objects.filter(questions__question_id=question_id,
                                      state__in=[AttemptState.GRADED, AttemptState.AWAITING_MARKING]).count()
    mine = regradable_attempts(user, question_id).count()
    return mine, everyone - mine


def answer_file_for(user, answer_id: int) -> Answer:
    """A file answer for its learner, or for staff whose scope covers the attempt's commune; 404 for
    anyone else, so ids tell nothing."""
    answer = (Answer.objects.select_related("attempt_question__attempt__commune")
              .filter(pk=answer_id).exclude(file="").first())
    if answer is None:
        raise Http404
    attempt = answer.attempt_question.attempt
    if attempt.user_id == user.pk or access.has_full_access(user):
        return answer
    if attempt.commune is not None and access.can_see_locality(user, attempt.commune):
        return answer
    raise Http404


def quiz_results(user, quiz: Quiz) -> list[dict]:
    """One row per learner in the user's scope: attempts, counting percentage, passed (one query)."""
    attempts = access.filter_in_scope(
        Attempt.objects.filter(quiz=quiz).exclude(state=AttemptState.IN_PROGRESS)
        .select_related("user", "commune", "commune__parent").order_by("user_id", "number"),
        user, "commune__path")
    rows: dict[int, dict] = {}
    for attempt in attempts:
        row = rows.setdefault(attempt.user_id, {"user": attempt.user, "commune": attempt.commune,
                                                "attempts": 0, "percent": None, "passed": False,
                                                "awaiting": False})
        row["attempts"] += 1
        row["commune"] = attempt.commune
        if attempt.state == AttemptState.AWAITING_MARKING:
            row["awaiting"] = True
            continue
        if quiz.grading_method == GradingMethod.LAST or row["percent"] is None or attempt.percent > row["percent"]:
            row["percent"] = attempt.percent
            row["passed"] = bool(attempt.passed) if quiz.grading_method == GradingMethod.LAST else (
                row["passed"] or bool(attempt.passed))
        else:
            row["passed"] = row["passed"] or bool(attempt.passed)
    return list(rows.values())


def quizzes_for_author(user):
    """Quizzes a staff member may change through a bank import: every one for administrators and province
    staff; for district and commune staff, every quiz but those the shared curriculum uses (a module's or a
    program's, taken by every learner) and those of classes organised outside their scope. So a quiz of
    their own classes, and a new one nothing uses yet, are theirs to fill."""
    from django.apps import apps  # courses builds on assessments: its models are read, never imported

    quizzes = Quiz.objects.order_by("title", "pk")
    if access.may_publish_for_everyone(user):
        return quizzes
    if not access.is_staff_member(user):
        return quizzes.none()
    module, program, training_class = (apps.get_model("courses", name)
                                       for name in ("ModulePage", "ProgramPage", "TrainingClass"))
    foreign = training_class.objects.exclude(
        pk__in=access.filter_in_scope(training_class.objects.all(), user, "organiser__path").values("pk"))
    taken = [module.objects.filter(quiz__isnull=False).values("quiz_id"),
             program.objects.filter(final_quiz__isnull=False).values("final_quiz_id"),
             foreign.filter(pre_test__isnull=False).values("pre_test_id"),
             foreign.filter(post_test__isnull=False).values("post_test_id")]
    for ids in taken:
        quizzes = quizzes.exclude(pk__in=ids)
    return quizzes


def submitted_answers(user, quiz: Quiz):
    """The answers of every submitted attempt of the quiz in the user's scope, learner by learner and attempt by
    attempt, with the questions as their own types and their authored choices. Four queries whatever the number
    of attempts; the rows stream (the caller iterates them once)."""
    rows = access.filter_in_scope(
        AttemptQuestion.objects.filter(attempt__quiz=quiz).exclude(attempt__state=AttemptState.IN_PROGRESS)
        .select_related("attempt__user", "attempt__commune__parent", "answer")
        .order_by("attempt__user_id", "attempt__number", "position"),
        user, "attempt__commune__path")
    question_ids = set(rows.order_by().values_list("question_id", flat=True).distinct())
    questions, choices = specific_questions(question_ids)
    return rows.iterator(chunk_size=2000), questions, choices

"""Every change to attempts, answers, marks and the question bank goes through one function here."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import LearnerProfile, User
from lms.storage import private_name, private_storage

from . import selectors
from .exceptions import (
    AnswerQuotaExceeded,
    AttemptClosed,
    AttemptLimitReached,
    EmptyQuiz,
    InvalidMark,
    QuestionNotInAttempt,
    QuizNotAllowed,
    QuizNotAvailable,
)
from .models import (
    DEADLINE_GRACE_SECONDS,
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptState,
    Choice,
    DescriptionQuestion,
    EssayQuestion,
    FileAnswerQuestion,
    GradeAudit,
    MatchingQuestion,
    MultipleChoiceQuestion,
    MultipleChoiceRule,
    NumericalQuestion,
    OrderingQuestion,
    Question,
    Quiz,
    QuizDraw,
    QuizQuestion,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    Topic,
    TrueFalseQuestion,
)
from .signals import attempt_graded, grade_recorded

GRACE = timedelta(seconds=DEADLINE_GRACE_SECONDS)
CENT = Decimal("0.01")
_random = random.SystemRandom()  # learners must not predict the draw


def _points(fraction, max_points: Decimal) -> Decimal:
    return (Decimal(fraction.numerator) * max_points / Decimal(fraction.denominator)).quantize(
        CENT, rounding=ROUND_HALF_UP)


def _announce(attempt: Attempt) -> None:
    """In the grading transaction: grade_recorded (follow-up work joins the transaction); on commit:
    attempt_graded."""
    grade_recorded.send(sender=Attempt, attempt_id=attempt.pk, user_id=attempt.user_id, quiz_id=attempt.quiz_id)
    attempt_id = attempt.pk

    def send():
        attempt_graded.send(sender=Attempt, attempt=Attempt.objects.get(pk=attempt_id))
    transaction.on_commit(send)


# Who may start ----------------------------------------------------------------------------
# The quiz engine knows no page tree. An app above it (courses) registers a rule here from its
# AppConfig.ready(): rule(user, quiz) returns a translated refusal, or None when it has no objection.

_start_rules: dict[str, Callable] = {}
_marking_sources: dict[str, Callable] = {}
_next_steps: dict[str, Callable] = {}


def register_marking_source(uid: str, source: Callable) -> None:
    """Other work trainers mark from the same queue (courses: practice tasks). source(user) returns rows
    {learner, commune, source, item, submitted_at, url} already limited to the user's scope."""
    _marking_sources[uid] = source


def other_marking_items(user) -> list[dict]:
    rows = [row for source in _marking_sources.values() for row in source(user)]
    return sorted(rows, key=lambda row: row["submitted_at"])


def register_next_step(uid: str, rule: Callable) -> None:
    """Where a learner goes after a quiz (courses: the next module, or the program). rule(attempt) returns
    (label, url) or None."""
    _next_steps[uid] = rule


def next_step(attempt: Attempt):
    for rule in _next_steps.values():
        step = rule(attempt)
        if step:
            return step
    return None


def register_start_rule(uid: str, rule: Callable) -> None:
    """Add (or replace, by `uid`, as a dispatch_uid does) a rule every start must pass."""
    _start_rules[uid] = rule


def start_refusal(user, quiz: Quiz) -> str | None:
    """Why `user` may not start (or resume) `quiz`, or None."""
    for rule in _start_rules.values():
        refusal = rule(user, quiz)
        if refusal:
            return str(refusal)
    return None


# Starting ---------------------------------------------------------------------------------

def start_attempt(user, quiz: Quiz, now=None) -> Attempt:
    """Resume the learner's open attempt, or draw and freeze a new one within the limits; only for a
    learner the registered rules let in (enrolled, module unlocked, ...)."""
    refusal = start_refusal(user, quiz)
    if refusal:
        raise QuizNotAllowed(refusal)
    now = now or timezone.now()
    open_attempt = Attempt.objects.filter(user=user, quiz=quiz, state=AttemptState.IN_PROGRESS).first()
    if open_attempt and not is_overdue(open_attempt, now):
        return open_attempt
    if open_attempt:
        submit_attempt(open_attempt, now=now, automatic=True)
    _check_window(quiz, now)
    used = Attempt.objects.filter(user=user, quiz=quiz).count()
    if quiz.attempts_allowed and used >= quiz.attempts_allowed:
        return _parallel_start_or_limit(user, quiz)
    drawn = _draw(quiz)
    if not drawn:
        raise EmptyQuiz(_("Bài kiểm tra chưa có câu hỏi."))
    try:
        with transaction.atomic():
            return _create_attempt(user, quiz, used + 1, drawn, now)
    except IntegrityError:  # a parallel start took this number
        return _parallel_start_or_limit(user, quiz)


def _parallel_start_or_limit(user, quiz: Quiz) -> Attempt:
    """The attempt a parallel start (another tab) has just opened, or else the limit is reached. Looked up
    again on purpose: that start may have committed after this one found no open attempt."""
    winner = Attempt.objects.filter(user=user, quiz=quiz, state=AttemptState.IN_PROGRESS).first()
    if winner:
        return winner
    raise AttemptLimitReached(_("Bạn đã dùng hết %(count)s lần làm bài.") % {"count": quiz.attempts_allowed})


def _check_window(quiz: Quiz, now) -> None:
    if quiz.available_from and now < quiz.available_from:
        raise QuizNotAvailable(_("Bài kiểm tra chưa mở."))
    if quiz.available_until and now >= quiz.available_until:
        raise QuizNotAvailable(_("Bài kiểm tra đã đóng."))


def _draw(quiz: Quiz) -> list[tuple[Question, list[int]]]:
    """Fixed questions, then N random ones per topic; returns (question, choice order) pairs."""
    fixed = list(QuizQuestion.objects.filter(quiz=quiz).order_by("sort_order", "pk")
                 .values_list("question_id", flat=True))
    draws = {d.topic_id: d.count for d in QuizDraw.objects.filter(quiz=quiz)}
    pool: dict[int, list[int]] = {}
    if draws:
        # Descriptions are text between questions, never drawn at random (as in Moodle).
        description = ContentType.objects.get_for_model(DescriptionQuestion, for_concrete_model=False)
        for qid, topic_id in (Question.objects.non_polymorphic().filter(topic_id__in=draws)
                              .exclude(pk__in=fixed).exclude(polymorphic_ctype=description)
                              .values_list("pk", "topic_id")):
            pool.setdefault(topic_id, []).append(qid)
    ids = fixed + [qid for topic_id, count in draws.items()
                   for qid in _random.sample(pool.get(topic_id, []), min(count, len(pool.get(topic_id, []))))]
    if quiz.shuffle_questions:
        _random.shuffle(ids)
    questions, choices = selectors.specific_questions(ids)
    return [(questions[qid], _choice_order(quiz, questions[qid], choices.get(qid, []))) for qid in ids]


def _choice_order(quiz: Quiz, question: Question, choices) -> list[int]:
    order = [c.pk for c in choices]
    # Ordering items are stored in the right order: showing them unshuffled gives the answer away.
    if quiz.shuffle_choices or isinstance(question, OrderingQuestion):
        _random.shuffle(order)
    return order


def _create_attempt(user, quiz, number, drawn, now) -> Attempt:
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    if quiz.available_until and (deadline is None or deadline > quiz.available_until):
        deadline = quiz.available_until
    commune_id = LearnerProfile.objects.filter(user=user).values_list("commune_id", flat=True).first()
    attempt = Attempt.objects.create(
        user=user, quiz=quiz, number=number, started_at=now, deadline=deadline, commune_id=commune_id,
        max_score=sum((q.points for q, _order in drawn), Decimal(0)),
    )
    AttemptQuestion.objects.bulk_create([
        AttemptQuestion(attempt=attempt, question=question, position=position, choice_order=order,
                        max_points=question.points)
        for position, (question, order) in enumerate(drawn, start=1)
    ])
    return attempt


def is_overdue(attempt: Attempt, now=None) -> bool:
    now = now or timezone.now()
    return attempt.deadline is not None and now > attempt.deadline + GRACE


# Answering --------------------------------------------------------------------------------

@dataclass(frozen=True)
class PostedAnswer:
    question_id: int
    values: list[str]
    upload: object = None


@transaction.atomic
def save_answers(attempt: Attempt, posted: list[PostedAnswer], now=None) -> int:
    """Validate every posted answer, then upsert them all; nothing is written if one is bad."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)  # serialises with submit
    _ensure_open(attempt, now)
    items = selectors.attempt_items(attempt, [p.question_id for p in posted])
    by_question = {item.question.pk: item for item in items}
    answers = []
    for entry in posted:
        item = by_question.get(entry.question_id)
        if item is None:
            raise QuestionNotInAttempt(_("Câu hỏi không thuộc bài làm này."))
        response = item.question.read_response(entry.values, entry.upload, item.attempt_question.choice_order,
                                                item.choices)
        if isinstance(item.question, FileAnswerQuestion) and entry.upload is None:
            continue  # a form posted without a new file keeps the file already sent
        answers.append((item, response, entry.upload))
    _upsert_answers(attempt, answers, now)
    return len(answers)


def _ensure_open(attempt: Attempt, now) -> None:
    if attempt.state != AttemptState.IN_PROGRESS:
        raise AttemptClosed(_("Bài làm đã nộp, không thể sửa."))
    if is_overdue(attempt, now):
        raise AttemptClosed(_("Đã hết giờ làm bài."))


def _upsert_answers(attempt, answers, now) -> None:
    """Store new files (private storage), then upsert the rows. A file replaced by a new one is deleted
    once the change commits; a new file whose row does not get written is deleted at once."""
    uploaded = [item.attempt_question.pk for item, _response, upload in answers if upload is not None]
    replaced = _stored_files(uploaded)
    if uploaded:
        _check_quota(attempt, uploaded, sum(upload.size for _i, _r, upload in answers if upload is not None))
    storage, saved = private_storage(), []
    try:
        rows = []
        for item, response, upload in answers:
            file_name, size = "", 0
            if upload is not None:
                file_name = storage.save(private_name("quiz-answers", upload.name), upload)
                saved.append(file_name)
                response, size = {"file": file_name}, upload.size
            rows.append(Answer(attempt_question=item.attempt_question, response=response, file=file_name,
                               file_size=size, saved_at=now))
        if rows:
            Answer.objects.bulk_create(rows, update_conflicts=True, unique_fields=["attempt_question"],
                                       update_fields=["response", "file", "file_size", "saved_at"])
    except BaseException:
        _delete_files(saved)
        raise
    if replaced:
        transaction.on_commit(partial(_delete_files, replaced))


def _stored_files(attempt_question_ids: list[int]) -> list[str]:
    if not attempt_question_ids:
        return []
    return list(Answer.objects.filter(attempt_question_id__in=attempt_question_ids).exclude(file="")
                .values_list("file", flat=True))


def _check_quota(attempt, replacing: list[int], incoming: int) -> None:
    """A learner's answer files, all attempts together, stay under QUIZ_ANSWER_QUOTA_BYTES (the files
    being replaced do not count). The learner's row is locked so two attempts saved at once cannot both
    slip under the limit."""
    list(User.objects.select_for_update().filter(pk=attempt.user_id).values_list("pk", flat=True))
    used = (Answer.objects.filter(attempt_question__attempt__user_id=attempt.user_id)
            .exclude(attempt_question_id__in=replacing).aggregate(total=Sum("file_size"))["total"] or 0)
    limit = settings.QUIZ_ANSWER_QUOTA_BYTES
    if used + incoming > limit:
        raise AnswerQuotaExceeded(
            _("Không lưu được tệp: các tệp bài làm của bạn đã dùng %(used)s, thêm tệp này (%(size)s) sẽ vượt "
              "giới hạn %(limit)s. Hãy gửi tệp nhỏ hơn (ví dụ nén ảnh, cắt ngắn âm thanh).")
            % {"used": filesizeformat(used), "size": filesizeformat(incoming), "limit": filesizeformat(limit)})


def _delete_files(names) -> None:
    storage = private_storage()
    for name in names:
        storage.delete(name)


# Submitting and grading -------------------------------------------------------------------

def submit_attempt(attempt: Attempt, now=None, automatic: bool = False) -> bool:
    """Close the attempt with what was saved and grade it; True only for the call that closed it."""
    now = now or timezone.now()
    with transaction.atomic():
        # The conditional update is the lock: a second submit (another tab) waits, then finds
        # the state changed and updates nothing.
        won = Attempt.objects.filter(pk=attempt.pk, state=AttemptState.IN_PROGRESS).update(
            state=AttemptState.AWAITING_MARKING, submitted_at=now, closed_automatically=automatic)
        if not won:
            return False
        _grade(Attempt.objects.select_related("quiz").get(pk=attempt.pk), now)
    return True


def _grade(attempt: Attempt, now) -> None:
    items = selectors.attempt_items(attempt)
    answers, new_answers = [], []
    for item in items:
        answer = item.answer or Answer(attempt_question=item.attempt_question, response={}, saved_at=now)
        fraction = item.question.score_fraction(answer.response, item.choices)
        answer.score = None if fraction is None else _points(fraction, item.attempt_question.max_points)
        (answers if answer.pk else new_answers).append(answer)
    Answer.objects.bulk_update(answers, ["score"])
    Answer.objects.bulk_create(new_answers)
    if any(a.score is None for a in answers):
        return  # essays or files wait in the marking queue
    _finalise(attempt, sum((a.score for a in answers + new_answers), Decimal(0)), now)


def _finalise(attempt: Attempt, score: Decimal, now) -> None:
    attempt.score = score
    attempt.percent = _percent(score, attempt.max_score)
    attempt.passed = attempt.percent >= attempt.quiz.pass_mark
    attempt.state = AttemptState.GRADED
    attempt.graded_at = now
    attempt.save(update_fields=["score", "percent", "passed", "state", "graded_at"])
    _announce(attempt)


def _percent(score: Decimal, max_score: Decimal) -> Decimal:
    if not max_score:
        return Decimal(100)
    return (score * 100 / max_score).quantize(CENT, rounding=ROUND_HALF_UP)


def close_overdue_attempts(now=None, limit: int = 500) -> int:
    """Submit open attempts past deadline and grace with what they saved (the periodic task)."""
    now = now or timezone.now()
    ids = list(Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lt=now - GRACE)
               .order_by("deadline").values_list("pk", flat=True)[:limit])
    return sum(submit_attempt(Attempt(pk=pk), now=now, automatic=True) for pk in ids)


# Marking ----------------------------------------------------------------------------------

@transaction.atomic
def mark_answer(marker, answer_id: int, points: Decimal, feedback: str = "", now=None) -> Answer:
    """A trainer in scope marks an essay or file answer; the last mark grades the attempt."""
    now = now or timezone.now()
    answer = selectors.answer_for_marker(marker, answer_id)  # 404 / OutOfScope
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=answer.attempt_question.attempt_id)
    if attempt.state != AttemptState.AWAITING_MARKING or answer.score is not None:
        raise InvalidMark(_("Câu trả lời này đã được chấm."))
    max_points = answer.attempt_question.max_points
    if points is None or not (0 <= points <= max_points):
        raise InvalidMark(_("Điểm phải từ 0 đến %(max)s.") % {"max": max_points})
    Answer.objects.filter(pk=answer.pk).update(score=points, feedback=feedback, marked_by=marker, marked_at=now)
    answers = Answer.objects.filter(attempt_question__attempt=attempt)
    if not answers.filter(score__isnull=True).exists():
        _finalise(attempt, answers.aggregate(total=Sum("score"))["total"] or Decimal(0), now)
    answer.refresh_from_db()
    return answer


# Regrading --------------------------------------------------------------------------------

@transaction.atomic
def regrade_question(question_id: int, changed_by, reason: str, now=None) -> int:
    """Rescore a fixed question in the submitted attempts of `changed_by`'s scope; audit and announce
    changed grades. The question bank is shared, results are not: a district's staff regrade their
    district's attempts, province staff and superusers everyone's (see docs/assessments.md)."""
    now = now or timezone.now()
    questions, choices = selectors.specific_questions([question_id])
    question = questions[question_id]
    if question.needs_marking:
        raise InvalidMark(_("Câu hỏi chấm tay không chấm lại tự động được."))
    attempt_ids = list(selectors.regradable_attempts(changed_by, question_id).select_for_update()
                       .values_list("pk", flat=True))
    aqs = list(AttemptQuestion.objects.filter(attempt_id__in=attempt_ids, question_id=question_id)
               .select_related("answer"))
    answers = []
    for aq in aqs:
        aq.max_points = question.points
        answer = getattr(aq, "answer", None) or Answer(attempt_question=aq, response={}, saved_at=now)
        answer.score = _points(question.score_fraction(answer.response, choices.get(question_id, [])),
                               question.points)
        answers.append(answer)
    AttemptQuestion.objects.bulk_update(aqs, ["max_points"])
    Answer.objects.bulk_create([a for a in answers if a.pk is None])
    Answer.objects.bulk_update([a for a in answers if a.pk], ["score"])
    return _retotal(attempt_ids, changed_by, reason, now)


def _retotal(attempt_ids, changed_by, reason, now) -> int:
    totals = {row["attempt_id"]: row for row in AttemptQuestion.objects.filter(attempt_id__in=attempt_ids)
              .values("attempt_id").annotate(max=Sum("max_points"), score=Sum("answer__score"))}
    changed, audits = [], []
    for attempt in Attempt.objects.filter(pk__in=attempt_ids).select_related("quiz"):
        attempt.max_score = totals[attempt.pk]["max"]
        if attempt.state != AttemptState.GRADED:
            changed.append(attempt)  # totals follow when the last mark is given
            continue
        old_score, old_passed = attempt.score, attempt.passed
        attempt.score = totals[attempt.pk]["score"] or Decimal(0)
        attempt.percent = _percent(attempt.score, attempt.max_score)
        attempt.passed = attempt.percent >= attempt.quiz.pass_mark
        changed.append(attempt)
        if (old_score, old_passed) != (attempt.score, attempt.passed):
            audits.append(GradeAudit(attempt=attempt, changed_by=changed_by, reason=reason,
                                     old_score=old_score, new_score=attempt.score,
                                     old_passed=old_passed, new_passed=attempt.passed))
    Attempt.objects.bulk_update(changed, ["max_score", "score", "percent", "passed"])
    GradeAudit.objects.bulk_create(audits)
    for audit in audits:
        _announce(audit.attempt)
    return len(audits)


# Importing --------------------------------------------------------------------------------

def _kind_models() -> dict:
    from . import specs
    return {specs.SINGLE: SingleChoiceQuestion, specs.MULTIPLE: MultipleChoiceQuestion,
            specs.TRUE_FALSE: TrueFalseQuestion, specs.SHORT: ShortAnswerQuestion,
            specs.ORDERING: OrderingQuestion, specs.ESSAY: EssayQuestion, specs.FILE: FileAnswerQuestion,
            specs.MATCHING: MatchingQuestion, specs.NUMERICAL: NumericalQuestion,
            specs.DESCRIPTION: DescriptionQuestion}


@dataclass
class ImportReport:
    created: list
    skipped: list  # specs left out: identical to a question already in their topic (or earlier in the file)
    same_titles: list  # (title, [lines]) used by more than one question of the file
    added_to_quiz: int = 0  # questions appended to the quiz the import targets


@transaction.atomic
def import_bank(specs, allow_duplicates: bool = False, quiz: Quiz | None = None) -> ImportReport:
    """Write already-validated specs (see importing.py), all of them or, on any error, none. A spec
    identical (type, text, answers) to a question of its topic, or to an earlier one of the file, is
    skipped and reported unless `allow_duplicates`: a template uploaded twice adds nothing.

    With a `quiz` (the caller checked the user may change it), the file's questions are also appended to its
    fixed questions in file order, after those it has: a skipped spec by the bank question it repeats, and a
    question the quiz already holds not again. So a file imported twice into a quiz changes nothing."""
    from . import exporting

    if quiz is not None:  # two imports into one quiz (a double submit) run one after the other
        Quiz.objects.select_for_update().filter(pk=quiz.pk).first()
    kept, skipped, in_bank = list(specs), [], {}
    if not allow_duplicates:
        seen = exporting.signatures({spec.topic for spec in specs})
        kept = []
        for spec in specs:
            key = (spec.topic, spec.signature())
            if key in seen:
                skipped.append(spec)
                in_bank[id(spec)] = seen[key]
            else:
                kept.append(spec)
                seen[key] = None  # written below; a later copy in the file is the same question
    created = _write_questions(kept)
    added = _append_to_quiz(quiz, _file_order(specs, kept, created, in_bank)) if quiz else 0
    return ImportReport(created, skipped, _same_titles(specs), added)


def _file_order(specs, kept, created, in_bank) -> list[int]:
    """The question id of each spec of the file, in file order (a copy of an earlier spec: that one's)."""
    written = {id(spec): question.pk for spec, question in zip(kept, created, strict=True)}
    first_of = {}
    ids = []
    for spec in specs:
        key = (spec.topic, spec.signature())
        pk = written.get(id(spec)) or in_bank.get(id(spec)) or first_of.get(key)
        first_of.setdefault(key, pk)
        if pk:
            ids.append(pk)
    return ids


def _append_to_quiz(quiz: Quiz, question_ids: list[int]) -> int:
    """Append to the quiz's fixed questions those it does not hold yet, after the last one."""
    present = set(QuizQuestion.objects.filter(quiz=quiz).values_list("question_id", flat=True))
    last = QuizQuestion.objects.filter(quiz=quiz).aggregate(last=Max("sort_order"))["last"]
    new = [pk for pk in dict.fromkeys(question_ids) if pk not in present]
    start = -1 if last is None else last
    QuizQuestion.objects.bulk_create([QuizQuestion(quiz=quiz, question_id=pk, sort_order=start + 1 + i)
                                      for i, pk in enumerate(new)])
    return len(new)


def import_questions(specs) -> list[Question]:
    """Every spec written, duplicates included (callers that build their own questions, e.g. courses)."""
    return import_bank(specs, allow_duplicates=True).created


def _same_titles(specs) -> list[tuple[str, list[int]]]:
    lines: dict[str, list[int]] = {}
    for spec in specs:
        if spec.title:
            lines.setdefault(spec.title, []).append(spec.line)
    return [(title, found) for title, found in lines.items() if len(found) > 1]


def _write_questions(specs) -> list[Question]:
    models_by_kind = _kind_models()
    topics = {name: Topic.objects.get_or_create(name=name)[0] for name in {s.topic for s in specs}}
    created, choices = [], []
    for spec in specs:
        question = models_by_kind[spec.kind](
            topic=topics[spec.topic], title=spec.title, text=spec.text, text_format=spec.text_format,
            points=spec.points, difficulty=spec.difficulty, explanation=spec.explanation, **_type_fields(spec))
        question.tags.add(*spec.tags)  # kept in memory by the cluster until save
        question.save()
        choices += [_choice(question, spec.kind, row, i) for i, row in enumerate(spec.answer_rows())]
        created.append(question)
    Choice.objects.bulk_create(choices)
    return created


def _choice(question, kind, row, sort_order) -> Choice:
    from . import specs
    if row.weight is None:
        correct = row.correct
    else:  # multiple: every option with a positive weight is one to tick; else only full marks count
        correct = row.weight > 0 if kind == specs.MULTIPLE else row.weight >= 100
    return Choice(question=question, text=row.text, is_correct=correct, weight=row.weight, feedback=row.feedback,
                  match_text=row.match, tolerance=row.tolerance, sort_order=sort_order)


def _type_fields(spec) -> dict:
    from . import specs
    if spec.kind == specs.TRUE_FALSE:
        return {"correct_answer": spec.correct_answer, "feedback_true": spec.feedback_true,
                "feedback_false": spec.feedback_false}
    if spec.kind == specs.SHORT:
        return {"accepted_answers": "\n".join(spec.accepted), "ignore_case": spec.ignore_case}
    if spec.kind in (specs.ESSAY, specs.FILE):
        return {"rubric": spec.rubric}
    if spec.kind == specs.ORDERING:
        return {"partial_credit": spec.partial_credit}
    if spec.kind == specs.MULTIPLE:
        weighted = any(row.weight is not None for row in spec.answer_rows())
        return {"scoring_rule": MultipleChoiceRule.WEIGHTED if weighted else MultipleChoiceRule.PARTIAL}
    return {}

"""Quizzes taken without a connection: a draw signed at download, every rule checked again at sync.

At download (the module package, courses/package.py) the server draws the questions as for a normal
start and signs the draw with django.core.signing: who, which quiz, which questions in which choice
order, when. The phone keeps the draw, the learner answers offline, and the phone later posts
{client_id, draw, started_at, finished_at, answers}. Nothing the phone says is trusted beyond what it
cannot forge or what the server can bound:

- the draw must carry a valid signature, for this learner, and be younger than OFFLINE_DRAW_MAX_AGE;
- the quiz must still allow offline attempts, and the learner may still take it (the start rules);
- the attempt limit and the quiz's window are checked at sync, as for a start;
- answers are accepted only for questions of the signed draw, each read by its question type;
- the time limit runs from the offline start the phone reports, bounded below by the download time and
  above by the sync time (a phone cannot claim to have started before it had the questions);
- the phone's `client_id` is stored once: a replayed sync returns the first result and changes nothing,
  and one draw gives at most one attempt (a second client id for the same draw is refused).

A refusal is an `OfflineRefused` whose message the learner sees (translated).
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import LearnerProfile, User

from . import selectors, services
from .exceptions import AssessmentError
from .models import Answer, Attempt, AttemptQuestion, AttemptState, OfflineAttempt, Quiz

SIGNING_SALT = "assessments.offline-draw"
OFFLINE_DRAW_MAX_AGE = timedelta(days=30)  # a draw older than this must be downloaded again
MAX_BODY_BYTES = 256 * 1024
MAX_ANSWER_CHARS = 20000
CLOCK_SKEW = timedelta(minutes=2)  # a phone's clock a little ahead of the server's is not tampering


class OfflineRefused(AssessmentError):
    """An offline attempt the server does not accept; the message is for the learner."""


# Which quizzes may be taken offline --------------------------------------------------------------
# Like the start rules (services.register_start_rule): an app above registers a rule(quiz) that
# returns a translated refusal or None. courses refuses a program's final test.

_offline_rules: dict[str, Callable] = {}


def register_offline_rule(uid: str, rule: Callable) -> None:
    _offline_rules[uid] = rule


def offline_refusal(quiz: Quiz) -> str | None:
    if not quiz.allow_offline:
        return _("Bài kiểm tra “%(quiz)s” không cho làm ngoại tuyến.") % {"quiz": quiz.title}
    for rule in _offline_rules.values():
        refusal = rule(quiz)
        if refusal:
            return str(refusal)
    return None


def _used_attempts(user, quiz: Quiz) -> int:
    return Attempt.objects.filter(user=user, quiz=quiz).count()


def _limit_message(quiz: Quiz) -> str:
    return _("Bạn đã dùng hết %(count)s lần làm bài.") % {"count": quiz.attempts_allowed}


def download_refusal(user, quiz: Quiz) -> str | None:
    """Why no offline draw is given to `user` now (the same rules are checked again at sync)."""
    refusal = offline_refusal(quiz) or services.start_refusal(user, quiz)
    if refusal:
        return refusal
    if quiz.attempts_allowed and _used_attempts(user, quiz) >= quiz.attempts_allowed:
        return _limit_message(quiz)
    return None


# The signed draw ---------------------------------------------------------------------------

def issue_draw(user, quiz: Quiz, now=None) -> dict:
    """Draw the questions for one offline attempt and sign the draw; the quiz as the phone shows it.
    Raises OfflineRefused when the learner may not take it offline."""
    refusal = download_refusal(user, quiz)
    if refusal:
        raise OfflineRefused(refusal)
    stamp = int((now or timezone.now()).timestamp())  # whole seconds, as the signed draw keeps it
    drawn = services._draw(quiz)
    if not drawn:
        raise OfflineRefused(_("Bài kiểm tra chưa có câu hỏi."))
    token = signing.dumps({"u": user.pk, "q": quiz.pk, "d": uuid.uuid4().hex, "t": stamp,
                           "qs": [[q.pk, order] for q, order in drawn]}, salt=SIGNING_SALT, compress=True)
    _questions, choices = selectors.specific_questions([q.pk for q, _order in drawn])
    return {
        "id": quiz.pk, "title": quiz.title, "description": quiz.description, "draw": token,
        "time_limit_minutes": quiz.time_limit_minutes, "pass_mark": str(quiz.pass_mark),
        "downloaded_at": stamp * 1000,
        "questions": [_question_for_phone(q, order, choices.get(q.pk, [])) for q, order in drawn],
    }


def _question_for_phone(question, order: list[int], choices) -> dict:
    """What the phone shows: text and options in the drawn order, never which option is right. Short-answer
    and numerical rows are the answers themselves: they stay on the server. A matching question sends its
    stems and the answer texts apart (alphabetical), as the online page shows them."""
    texts = {c.pk: c.text for c in choices}
    shown = {"id": question.pk, "text": question.text, "widget": question.widget, "points": str(question.points),
             "choices": []}
    if question.widget == "matching":
        shown["choices"] = [{"id": pk, "text": texts[pk]} for pk in order if texts.get(pk)]
        shown["options"] = sorted({c.match_text for c in choices}, key=lambda text: (text.casefold(), text))
    elif question.uses_choices:
        shown["choices"] = [{"id": pk, "text": texts[pk]} for pk in order]
    return shown


@dataclass(frozen=True)
class Draw:
    user_id: int
    quiz_id: int
    draw_id: uuid.UUID
    downloaded_at: datetime
    questions: list  # [[question id, [choice ids in the order shown]], ...]


def read_draw(token: str, user) -> Draw:
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=OFFLINE_DRAW_MAX_AGE)
    except signing.SignatureExpired as error:
        raise OfflineRefused(_("Đề bài tải về đã quá hạn. Hãy tải lại chuyên đề khi có mạng.")) from error
    except signing.BadSignature as error:
        raise OfflineRefused(_tampered()) from error
    if data.get("u") != user.pk:
        raise OfflineRefused(_tampered())
    return Draw(data["u"], data["q"], uuid.UUID(data["d"]), datetime.fromtimestamp(data["t"], tz=UTC),
                data["qs"])


def _tampered() -> str:
    return _("Bài làm ngoại tuyến không hợp lệ (đề bài đã bị sửa). Bài không được chấm.")


# What the phone posts ----------------------------------------------------------------------

@dataclass(frozen=True)
class OfflineSubmission:
    client_id: uuid.UUID
    draw: str
    started_at: datetime | None
    finished_at: datetime | None
    answers: dict[int, list[str]]


def _moment(value) -> datetime | None:
    """Milliseconds since the epoch, as a phone's Date.now() gives them."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**47:
        raise ValueError("time")
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def _answers(raw) -> dict[int, list[str]]:
    if not isinstance(raw, dict) or len(raw) > 500:
        raise ValueError("answers")
    answers = {}
    for key, values in raw.items():
        if not str(key).isdigit() or not isinstance(values, list) or len(values) > 100:
            raise ValueError("answers")
        if not all(isinstance(v, str) and len(v) <= MAX_ANSWER_CHARS for v in values):
            raise ValueError("answers")
        answers[int(key)] = [v.replace("\x00", "") for v in values]  # PostgreSQL stores no NUL
    return answers


def parse_submission(body: bytes) -> OfflineSubmission:
    """The posted JSON, strictly; anything malformed is a ValueError (400, nothing stored)."""
    if len(body) > MAX_BODY_BYTES:
        raise ValueError("too large")
    payload = json.loads(body or b"{}")
    if not isinstance(payload, dict) or not isinstance(payload.get("draw"), str):
        raise ValueError("draw")
    return OfflineSubmission(uuid.UUID(str(payload["client_id"])), payload["draw"],
                             _moment(payload.get("started_at")), _moment(payload.get("finished_at")),
                             _answers(payload.get("answers", {})))


# Accepting an offline attempt --------------------------------------------------------------

def submit_offline_attempt(user, submission: OfflineSubmission, now=None) -> tuple[Attempt, bool]:
    """Check everything again and record the attempt, graded; returns (attempt, replayed). A replay of a
    client id already stored returns the first attempt and changes nothing."""
    now = now or timezone.now()
    known = _known(user, submission.client_id)
    if known:
        return known, True
    try:
        with transaction.atomic():
            return _record(user, submission, now), False
    except IntegrityError:  # the same sync arriving twice at once: the first one stored it
        known = _known(user, submission.client_id)
        if known:
            return known, True
        raise OfflineRefused(_("Không ghi được bài làm lúc này, sẽ thử lại.")) from None


def _known(user, client_id) -> Attempt | None:
    row = OfflineAttempt.objects.filter(user=user, client_id=client_id).select_related("attempt__quiz").first()
    return row.attempt if row else None


def _record(user, submission: OfflineSubmission, now) -> Attempt:
    draw = read_draw(submission.draw, user)
    # One learner's syncs, one at a time: the attempt count and the draw's single use hold.
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    if _known(user, submission.client_id):
        raise IntegrityError("replayed while waiting")
    quiz = Quiz.objects.get(pk=draw.quiz_id)
    items = _drawn_items(draw, submission.answers)  # a forged attempt is named as such, whatever else
    _check_may_take(user, quiz, draw)
    started, finished = _bounded_times(submission, draw, now)
    _check_time(quiz, started, finished)
    attempt = _create(user, quiz, started, finished, items)
    OfflineAttempt.objects.create(attempt=attempt, user=user, client_id=submission.client_id,
                                  draw_id=draw.draw_id, downloaded_at=draw.downloaded_at,
                                  reported_started_at=submission.started_at,
                                  reported_finished_at=submission.finished_at)
    services._grade(attempt, now)
    attempt.refresh_from_db()
    return attempt


def _check_may_take(user, quiz: Quiz, draw: Draw) -> None:
    refusal = offline_refusal(quiz) or services.start_refusal(user, quiz)
    if refusal:
        raise OfflineRefused(refusal)
    if OfflineAttempt.objects.filter(user=user, draw_id=draw.draw_id).exists():
        raise OfflineRefused(_("Đề bài này đã được nộp một lần. Hãy tải lại chuyên đề để làm lần khác."))
    if quiz.attempts_allowed and _used_attempts(user, quiz) >= quiz.attempts_allowed:
        raise OfflineRefused(_limit_message(quiz))


def _bounded_times(submission: OfflineSubmission, draw: Draw, now) -> tuple[datetime, datetime]:
    """The phone's start, no earlier than the download and no later than now; its finish between that
    start and now (a phone clock slightly ahead is tolerated, never beyond the sync time)."""
    started = submission.started_at or draw.downloaded_at
    started = min(max(started, draw.downloaded_at), now)
    finished = submission.finished_at or now
    if finished > now + CLOCK_SKEW:
        raise OfflineRefused(_("Giờ trên máy của bạn không đúng. Hãy chỉnh giờ rồi đồng bộ lại."))
    return started, min(max(finished, started), now)


def _check_time(quiz: Quiz, started: datetime, finished: datetime) -> None:
    try:
        services._check_window(quiz, started)
    except AssessmentError as error:
        raise OfflineRefused(str(error)) from error
    if quiz.time_limit_minutes and finished - started > timedelta(minutes=quiz.time_limit_minutes) + services.GRACE:
        raise OfflineRefused(_("Bài làm ngoại tuyến vượt quá thời gian cho phép (%(minutes)s phút) nên không "
                               "được chấm.") % {"minutes": quiz.time_limit_minutes})


@dataclass
class _Item:
    question: object
    order: list[int]
    response: dict | None


def _drawn_items(draw: Draw, answers: dict[int, list[str]]) -> list[_Item]:
    """The signed draw with each answer read by its question type; an answer to a question that was not
    drawn, or one its question cannot read, refuses the whole attempt."""
    drawn = {qid: order for qid, order in draw.questions}
    if set(answers) - set(drawn):
        raise OfflineRefused(_("Bài làm có câu trả lời cho câu hỏi không thuộc đề đã tải về. Bài không được "
                               "chấm."))
    questions, choices = selectors.specific_questions(drawn)
    if len(questions) != len(drawn):
        raise OfflineRefused(_("Đề bài đã thay đổi từ khi tải về. Hãy tải lại chuyên đề."))
    items = []
    for qid, order in draw.questions:
        question, values = questions[qid], answers.get(qid)
        response = None
        if values is not None and question.widget != "file":  # files are sent online only
            response = question.read_response(values, None, order, choices.get(qid, []))  # InvalidResponse: refused
        items.append(_Item(question, order, response))
    return items


def _create(user, quiz: Quiz, started, finished, items: list[_Item]) -> Attempt:
    deadline = started + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    commune_id = LearnerProfile.objects.filter(user=user).values_list("commune_id", flat=True).first()
    attempt = Attempt.objects.create(
        user=user, quiz=quiz, number=_used_attempts(user, quiz) + 1, state=AttemptState.AWAITING_MARKING,
        started_at=started, deadline=deadline, submitted_at=finished, commune_id=commune_id,
        max_score=sum((item.question.points for item in items), Decimal(0)))
    rows = AttemptQuestion.objects.bulk_create([
        AttemptQuestion(attempt=attempt, question=item.question, position=position, choice_order=item.order,
                        max_points=item.question.points)
        for position, item in enumerate(items, start=1)])
    Answer.objects.bulk_create([Answer(attempt_question=row, response=item.response, saved_at=finished)
                                for row, item in zip(rows, items, strict=True) if item.response is not None])
    return attempt


def result_message(attempt: Attempt) -> str:
    if attempt.state == AttemptState.GRADED:
        verdict = _("Đạt") if attempt.passed else _("Chưa đạt")
        return _("“%(quiz)s”: %(percent)s%% – %(verdict)s") % {
            "quiz": attempt.quiz.title, "percent": floatformat(attempt.percent, -2), "verdict": verdict}
    return _("“%(quiz)s”: đã nộp, chờ giảng viên chấm.") % {"quiz": attempt.quiz.title}


# Views -------------------------------------------------------------------------------------

@require_POST
@login_required
def offline_attempt(request):
    """JSON {"client_id", "draw", "started_at", "finished_at" (ms), "answers": {"<question id>": [values]}}.

    CSRF-protected (X-CSRFToken). 200 with the score (again for a replay, `replayed` true); 400 for a
    malformed body; 403 with the learner's message when a rule refuses it (the phone drops the item and shows
    the message). A refusal stores nothing."""
    try:
        submission = parse_submission(request.body)
    except (ValueError, KeyError, TypeError, RecursionError):
        return JsonResponse({"error": _("Dữ liệu bài làm ngoại tuyến không hợp lệ.")}, status=400)
    try:
        attempt, replayed = submit_offline_attempt(request.user, submission)
    except AssessmentError as error:
        return JsonResponse({"error": str(error)}, status=403)
    return JsonResponse({
        "attempt": attempt.pk, "replayed": replayed, "state": attempt.state, "message": result_message(attempt),
        "score": None if attempt.score is None else str(attempt.score), "max_score": str(attempt.max_score),
        "percent": None if attempt.percent is None else str(attempt.percent), "passed": attempt.passed,
    })


@login_required
def offline_quiz_page(request):
    """The page that shows a downloaded quiz from the phone's store (offline.js); the same for every quiz,
    so one cached copy serves them all (the module is named after the #)."""
    return render(request, "assessments/offline_quiz.html")

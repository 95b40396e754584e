"""Learner pages: start, the single-page quiz with autosave, review before submit, results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lms.storage import private_file_view, serve_private

from . import forms, selectors, services
from .exceptions import AssessmentError, AttemptClosed, QuizNotAllowed
from .models import Quiz


@login_required
def start_page(request, pk):
    quiz = get_object_or_404(Quiz, pk=pk)
    return _render_start(request, quiz, services.start_refusal(request.user, quiz))


def _render_start(request, quiz, refusal=None):
    """The quiz's start page; with a refusal (not enrolled, locked...) it says why, without a start button."""
    attempts = selectors.learner_attempts(request.user, quiz)
    used = len(attempts)
    left = None if not quiz.attempts_allowed else max(quiz.attempts_allowed - used, 0)
    open_attempt = next((a for a in attempts if a.is_open), None)
    return render(request, "assessments/start.html", {
        "quiz": quiz, "attempts": attempts, "attempts_left": left, "open_attempt": open_attempt,
        "refusal": refusal, "attempts_used": used, "question_count": selectors.question_count(quiz),
    }, status=403 if refusal else 200)


@require_POST
@login_required
def start(request, pk):
    quiz = get_object_or_404(Quiz, pk=pk)
    try:
        attempt = services.start_attempt(request.user, quiz)
    except QuizNotAllowed as error:
        return _render_start(request, quiz, str(error))
    except AssessmentError as error:
        messages.error(request, str(error))
        return redirect(quiz.get_absolute_url())
    return redirect("assessments:attempt", attempt_id=attempt.pk)


@login_required
def attempt_page(request, attempt_id):
    attempt = selectors.attempt_for_learner(request.user, attempt_id)
    if not attempt.is_open:
        return redirect("assessments:result", attempt_id=attempt.pk)
    return _render_attempt(request, attempt)


def _render_attempt(request, attempt, error=None, status=200):
    return render(request, "assessments/attempt.html", {
        "attempt": attempt, "quiz": attempt.quiz, "items": selectors.attempt_items(attempt),
        "overdue": services.is_overdue(attempt), "error": error,
    }, status=status)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@login_required
def save(request, attempt_id):
    attempt = selectors.attempt_for_learner(request.user, attempt_id)
    try:
        saved = services.save_answers(attempt, forms.posted_answers(request.POST, request.FILES))
    except AttemptClosed as error:
        return _refused(request, attempt, error, status=409)
    except AssessmentError as error:  # tampered ids, a choice of another question, a bad file
        return _refused(request, attempt, error, status=400)
    if _wants_json(request):
        return JsonResponse({"saved": saved, "at": timezone.localtime().strftime("%H:%M:%S")})
    if "review" in request.POST:
        return redirect("assessments:review", attempt_id=attempt.pk)
    return redirect("assessments:attempt", attempt_id=attempt.pk)


def _refused(request, attempt, error, status):
    if _wants_json(request):
        return JsonResponse({"error": str(error)}, status=status)
    if status == 409:
        messages.error(request, str(error))
        return redirect("assessments:review", attempt_id=attempt.pk)
    return _render_attempt(request, attempt, error=str(error), status=status)


@login_required
def review(request, attempt_id):
    attempt = selectors.attempt_for_learner(request.user, attempt_id)
    if not attempt.is_open:
        return redirect("assessments:result", attempt_id=attempt.pk)
    items = selectors.attempt_items(attempt)
    return render(request, "assessments/review.html", {
        "attempt": attempt, "quiz": attempt.quiz, "items": items, "overdue": services.is_overdue(attempt),
        "unanswered": sum(1 for item in items if not item.answer and not item.is_description),
    })


@require_POST
@login_required
def submit(request, attempt_id):
    attempt = selectors.attempt_for_learner(request.user, attempt_id)
    services.submit_attempt(attempt)  # a second submit (another tab) changes nothing
    return redirect("assessments:result", attempt_id=attempt.pk)


@login_required
def result(request, attempt_id):
    attempt = selectors.attempt_for_learner(request.user, attempt_id)
    if attempt.is_open:
        return redirect("assessments:attempt", attempt_id=attempt.pk)
    show_answers = selectors.can_review(attempt)
    return render(request, "assessments/result.html", {
        "attempt": attempt, "quiz": attempt.quiz, "show_answers": show_answers,
        "items": selectors.attempt_items(attempt) if show_answers else [],
        "next_step": services.next_step(attempt),
    })


@private_file_view
def answer_file(request, answer_id):
    """A learner's file answer: the learner and staff in scope (the marker) may open it; 404 for others."""
    answer = selectors.answer_file_for(request.user, answer_id)
    return serve_private(answer.file)

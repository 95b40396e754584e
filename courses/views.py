import json
import math
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from lms.access_views import forbidden_as_403

from . import selectors, services
from .exceptions import CompletionRuleNotMet, CoursesError, InvalidProgress
from .forms import BulkEnrolForm
from .models import LessonPage, ModulePage, ProgramPage
from .package import module_package, package_refusal


def _live_program(program_id) -> ProgramPage:
    return get_object_or_404(ProgramPage.objects.live(), pk=program_id)


def _visible_lesson(user, lesson_id) -> LessonPage:
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    if not selectors.lesson_visible_to(user, lesson):
        raise Http404
    return lesson


@require_POST
@login_required
def enrol(request, program_id):
    program = _live_program(program_id)
    try:
        services.enrol(request.user, program)
    except CoursesError as error:
        messages.error(request, str(error))
        return redirect(program.url)
    messages.success(request, _("Đã ghi danh chương trình “%(program)s”.") % {"program": program.title})
    return redirect(program.url)


@login_required
def unenrol(request, program_id):
    """GET asks for confirmation (what is kept, how to come back); the POST of that page leaves."""
    program = _live_program(program_id)
    if request.method != "POST":
        if not selectors.active_enrolment(request.user, program):
            return redirect(program.url)
        return render(request, "courses/unenrol_confirm.html", {"program": program})
    services.unenrol(request.user, program)
    messages.info(request, _("Đã rời chương trình “%(program)s”. Tiến độ của bạn vẫn được lưu.")
                  % {"program": program.title})
    return redirect(program.url)


@require_POST
@login_required
def complete_lesson(request, lesson_id):
    lesson = _visible_lesson(request.user, lesson_id)
    try:
        services.complete_lesson(request.user, lesson)
    except CoursesError as error:
        messages.error(request, str(error))
        return redirect(lesson.url)
    messages.success(request, _("Đã hoàn thành bài “%(lesson)s”.") % {"lesson": lesson.title})
    following = selectors.lesson_detail(request.user, lesson)["next_lesson"]
    return redirect(following.url if following else lesson.get_parent().url)


@login_required
def my_learning(request):
    return render(request, "courses/my_learning.html", selectors.my_learning(request.user))


MAX_PROGRESS_BODY = 4096  # bytes; a report is about 150


@dataclass(frozen=True)
class ProgressReport:
    event_id: uuid.UUID
    lesson_id: int
    seconds: int
    position: float | None
    completed: bool
    opening: str | None  # the page's signed opening (services.opening_token); checked when credited


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number")  # NaN, Infinity, -Infinity: not JSON numbers


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):  # 1e400 parses as infinity
        raise ValueError("number out of range")
    return value


def _number(value, field):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(field)
    return value


def _parse_progress(body: bytes) -> ProgressReport:
    """The report's JSON, strictly: any malformed or impossible value is a ValueError (400), so that a
    bad report is refused whole and nothing of it is stored."""
    if len(body) > MAX_PROGRESS_BODY:
        raise ValueError("too large")
    payload = json.loads(body or b"{}", parse_constant=_refuse_constant, parse_float=_finite_float)
    if not isinstance(payload, dict):
        raise ValueError("not an object")
    lesson_id = _number(payload.get("lesson"), "lesson")
    seconds = payload.get("seconds")
    seconds = 0 if seconds is None else _number(seconds, "seconds")
    position = payload.get("position")
    completed = payload.get("completed", False)
    if not isinstance(completed, bool) or lesson_id != int(lesson_id) or seconds != int(seconds):
        raise ValueError("completed, lesson, seconds")
    if not 0 < lesson_id < 2**31:  # page ids are 32-bit
        raise ValueError("lesson")
    opening = payload.get("opened")
    if opening is not None and not isinstance(opening, str):
        raise ValueError("opened")
    return ProgressReport(uuid.UUID(str(payload["event_id"])), int(lesson_id), int(seconds),
                          None if position is None else float(_number(position, "position")), completed, opening)


def _invalid(message=None):
    return JsonResponse({"error": message or _("Dữ liệu tiến độ không hợp lệ.")}, status=400)


@require_POST
@login_required
def progress_event(request):
    """JSON progress events: {"event_id": uuid, "lesson": id, "seconds": n, "position": s, "completed": bool,
    "opened": the page's signed opening (optional: without it, time is credited from the previous report)}.

    CSRF-protected (send the X-CSRFToken header). Idempotent by event_id: replaying an event
    returns the current state and changes nothing. 400: malformed or impossible values; 403: not
    enrolled, locked, or another group's program; 404: a lesson the user may not see; 409: `completed`
    before the lesson's completion rule is met. A refused report changes nothing.
    """
    try:
        report = _parse_progress(request.body)
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
        return _invalid()
    lesson = _visible_lesson(request.user, report.lesson_id)
    try:
        row = services.record_progress(request.user, lesson, event_id=report.event_id, seconds=report.seconds,
                                       position=report.position, completed=report.completed,
                                       opened_at=services.opened_at_of(report.opening, request.user, lesson))
    except InvalidProgress as error:
        return _invalid(str(error))
    except CompletionRuleNotMet as error:
        return JsonResponse({"error": str(error)}, status=409)
    except CoursesError as error:
        return JsonResponse({"error": str(error)}, status=403)
    return JsonResponse({"status": row.status, "position": row.position, "seconds_spent": row.seconds_spent,
                         "completed": row.completed_at is not None})


@login_required
def package(request, module_id):
    """JSON: every URL and size of the module the learner may study offline (courses/package.py).
    404 for an unpublished module; 403 with the reason when they may not learn in it."""
    module = get_object_or_404(ModulePage.objects.live().select_related("prerequisite", "quiz"), pk=module_id)
    refusal = package_refusal(request.user, module)
    if refusal is not None:
        return JsonResponse({"error": str(refusal)}, status=403)
    response = JsonResponse(module_package(request.user, module), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"  # holds a draw signed for this learner
    return response


@login_required
def offline_downloads(request):
    """"Dữ liệu đã tải": the modules this phone keeps (listed by offline.js from the phone's own store)."""
    return render(request, "courses/offline_downloads.html")


@forbidden_as_403
def bulk_enrol(request):
    """Wagtail admin view: a manager enrols all learners of a group in a locality of their scope."""
    access.require_manager(request.user)
    form = BulkEnrolForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        count = services.bulk_enrol(request.user, data["program"], data["locality"], data["target_group"])
        messages.success(request, _("Đã ghi danh %(count)s học viên vào “%(program)s”.") % {
            "count": count, "program": data["program"].title})
        return redirect("courses_admin:bulk_enrol")
    return render(request, "courses/admin/bulk_enrol.html", {"form": form})

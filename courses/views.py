import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from lms.access_views import forbidden_as_403

from . import selectors, services
from .exceptions import CoursesError
from .forms import BulkEnrolForm
from .models import LessonPage, ProgramPage


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
    services.enrol(request.user, program)
    messages.success(request, _("Đã ghi danh chương trình “%(program)s”.") % {"program": program.title})
    return redirect(program.url)


@require_POST
@login_required
def unenrol(request, program_id):
    program = _live_program(program_id)
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


@require_POST
@login_required
def progress_event(request):
    """JSON progress events: {"event_id": uuid, "lesson": id, "seconds": n, "position": s, "completed": bool}.

    CSRF-protected (send the X-CSRFToken header). Idempotent by event_id: replaying an event
    returns the current state and changes nothing.
    """
    try:
        payload = json.loads(request.body or b"{}")
        event_id = uuid.UUID(str(payload["event_id"]))
        lesson_id = int(payload["lesson"])
        seconds = int(payload.get("seconds") or 0)
        position = payload.get("position")
        position = float(position) if position is not None else None
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("Dữ liệu tiến độ không hợp lệ.")}, status=400)
    lesson = _visible_lesson(request.user, lesson_id)
    try:
        row = services.record_progress(request.user, lesson, event_id=event_id, seconds=seconds,
                                       position=position, completed=bool(payload.get("completed")))
    except CoursesError as error:
        return JsonResponse({"error": str(error)}, status=403)
    return JsonResponse({"status": row.status, "position": row.position, "seconds_spent": row.seconds_spent,
                         "completed": row.completed_at is not None})


@forbidden_as_403
def bulk_enrol(request):
    """Wagtail admin view: a manager enrols all learners of a group in a locality of their scope."""
    if not access.is_manager(request.user):
        raise PermissionDenied
    form = BulkEnrolForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        count = services.bulk_enrol(request.user, data["program"], data["locality"], data["target_group"])
        messages.success(request, _("Đã ghi danh %(count)s học viên vào “%(program)s”.") % {
            "count": count, "program": data["program"].title})
        return redirect("courses_admin:bulk_enrol")
    return render(request, "courses/admin/bulk_enrol.html", {"form": form})

"""Practice tasks: the learner hands in from the lesson page; a trainer in scope marks in the admin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.storage import private_file_view, serve_private

from .. import selectors as course_selectors
from ..exceptions import CoursesError
from ..models import LessonPage
from . import selectors, services
from .forms import PracticeForm, PracticeMarkForm


@require_POST
@login_required
def submit(request, lesson_id, block_id):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    if not course_selectors.lesson_visible_to(request.user, lesson):
        raise Http404
    back = f"{lesson.url}#practice-{block_id}"
    form = PracticeForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, error[0])
        return redirect(back)
    data = form.cleaned_data
    try:
        services.submit(request.user, lesson, block_id, text=data["text"], upload=data["upload"])
    except CoursesError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã nộp bài thực hành. Giảng viên sẽ chấm và nhận xét."))
    return redirect(back)


@private_file_view
def file(request, submission_id):
    submission = selectors.submission_file_for(request.user, submission_id)
    return serve_private(submission.file)


def mark(request, submission_id):
    """Wagtail admin view; 404 outside the marker's scope."""
    submission = selectors.submission_for_marker(request.user, submission_id)
    form = PracticeMarkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark(request.user, submission.pk, form.cleaned_data["status"], form.cleaned_data["feedback"])
        except CoursesError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã chấm bài thực hành."))
            return redirect("assessments_admin:marking")
    task = next((block.value for block in submission.lesson.body if block.id == submission.block_id), None)
    return render(request, "courses/admin/practice_mark.html",
                  {"submission": submission, "task": task, "form": form}, status=400 if form.errors else 200)


def queue_items(user) -> list[dict]:
    """Rows for the assessments marking queue (registered in CoursesConfig.ready)."""
    from django.urls import reverse

    return [{"learner": s.user, "commune": s.commune, "source": s.lesson.title, "item": _("Bài thực hành"),
             "submitted_at": s.submitted_at, "url": reverse("courses_admin:practice_mark", args=[s.pk])}
            for s in selectors.marking_queue(user)[:200]]

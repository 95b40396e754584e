"""Training classes: learners' list and check-in; staff list, calendar, class sheet, attendance."""

from collections import defaultdict

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from lms.tabular import ImportRejected

from ..models import ClassSession, Participant, TrainingClass
from . import selectors, services
from .forms import CandidateFilterForm, CheckInForm, RosterForm, SessionHoursForm, TrainingClassForm, WalkInForm


def _staff_only(user):
    if not access.is_staff_member(user):
        raise PermissionDenied


def _class_for_staff(user, class_id) -> TrainingClass:
    training_class = get_object_or_404(TrainingClass.objects.select_related("organiser", "program"), pk=class_id)
    return services.require_manageable(user, training_class)


@login_required
def my_classes(request):
    context = selectors.learner_classes(request.user)
    context["form"] = CheckInForm()
    return render(request, "courses/classes/my_classes.html", context)


@require_POST
@login_required
def check_in(request):
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            attendance = services.check_in(request.user, form.cleaned_data["code"])
        except services.ClassError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã điểm danh buổi %(date)s.") % {
                "date": attendance.session.date.strftime("%d/%m/%Y")})
    return redirect("courses:my_classes")


@login_required
def manage(request):
    _staff_only(request.user)
    classes = list(selectors.classes_in_scope(request.user)[:200])
    by_month = defaultdict(list)
    for training_class in sorted(classes, key=lambda c: c.start_date):
        by_month[training_class.start_date.strftime("%m/%Y")].append(training_class)
    return render(request, "courses/classes/manage.html", {"classes": classes, "calendar": dict(by_month)})


@login_required
def create(request):
    _staff_only(request.user)
    form = TrainingClassForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        modules = data.pop("modules", [])
        hours = (data.pop("starts_at"), data.pop("ends_at"))
        data.pop("confirm_duplicate", None)
        training_class = services.create_class(request.user, modules=modules, trainers=[request.user], hours=hours,
                                               **data)
        messages.success(request, _("Đã tạo lớp “%(title)s”.") % {"title": training_class.title})
        return redirect("courses:class_detail", training_class.pk)
    return render(request, "courses/classes/form.html", {"form": form})


@login_required
def detail(request, class_id):
    return _detail_page(request, _class_for_staff(request.user, class_id))


def _detail_page(request, training_class, walk_in_form=None, status=200):
    filters = CandidateFilterForm(request.GET or None, training_class=training_class)
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {}) or {}
    candidates = selectors.candidate_learners(training_class, request.user, data.get("commune"),
                                              data.get("target_group"))[:300]
    context = {"training_class": training_class, "filters": filters, "candidates": candidates,
               "roster_form": RosterForm(),
               "walk_in_form": walk_in_form or WalkInForm(training_class=training_class)}
    context.update(selectors.class_sheet(training_class))
    context["duplicates"] = services.duplicates_of(
        training_class.title, training_class.organiser, training_class.start_date, training_class.end_date,
        exclude_pk=training_class.pk)[:5]
    return render(request, "courses/classes/detail.html", context, status=status)


@require_POST
@login_required
def invite(request, class_id):
    training_class = _class_for_staff(request.user, class_id)
    ids = [int(value) for value in request.POST.getlist("learners") if value.isdigit()]
    try:
        count = services.add_participants(request.user, training_class, ids)
    except services.ClassError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã thêm %(count)s học viên vào lớp.") % {"count": count})
    return redirect("courses:class_detail", class_id)


@require_POST
@login_required
def roster(request, class_id):
    training_class = _class_for_staff(request.user, class_id)
    form = RosterForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect("courses:class_detail", class_id)
    upload = form.cleaned_data["file"]
    try:
        count = services.import_roster(request.user, training_class, upload.read(), upload.name)
    except ImportRejected as rejected:
        for error in rejected.errors:
            messages.error(request, str(error))
    else:
        messages.success(request, _("Đã nhập %(count)s học viên vào lớp.") % {"count": count})
    return redirect("courses:class_detail", class_id)


@require_POST
@login_required
def walk_in(request, class_id):
    """A form error (400, nothing written) for a bad phone, a full class or a phone that is not the user's
    learner; the last says the same whoever owns the phone."""
    training_class = _class_for_staff(request.user, class_id)
    form = WalkInForm(request.POST, training_class=training_class)
    if form.is_valid():
        try:
            learner = services.add_walk_in(request.user, training_class, **form.cleaned_data)
        except services.ClassError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã thêm %(name)s vào lớp.") % {"name": learner})
            return redirect("courses:class_detail", class_id)
    messages.error(request, _("Chưa thêm được học viên: xem lỗi ở mục “Đăng ký tại lớp”."))
    return _detail_page(request, training_class, walk_in_form=form, status=400)


@login_required
def attendance(request, class_id, session_id):
    training_class = _class_for_staff(request.user, class_id)
    session = get_object_or_404(ClassSession, pk=session_id, training_class=training_class)
    if request.method == "POST":
        present_ids = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        services.save_attendance(request.user, session, present_ids)
        messages.success(request, _("Đã lưu điểm danh."))
        return redirect("courses:class_attendance", class_id, session_id)
    participants = (Participant.objects.filter(training_class=training_class).select_related("user", "commune")
                    .order_by("user__full_name"))
    marks = selectors.attendance_marks(session)
    rows = [(p, marks.get(p.pk)) for p in participants]
    return render(request, "courses/classes/attendance.html",
                  {"training_class": training_class, "session": session, "rows": rows})


@require_POST
@login_required
def session_hours(request, class_id, session_id):
    training_class = _class_for_staff(request.user, class_id)
    session = get_object_or_404(ClassSession, pk=session_id, training_class=training_class)
    form = SessionHoursForm(request.POST)
    if form.is_valid():
        services.set_session_hours(request.user, session, form.cleaned_data["starts_at"], form.cleaned_data["ends_at"])
        messages.success(request, _("Đã đổi giờ học ngày %(date)s.") % {"date": f"{session.date:%d/%m/%Y}"})
    else:
        for errors in form.errors.values():
            messages.error(request, errors[0])
    return redirect("courses:class_detail", class_id)


@login_required
def session_qr(request, class_id, session_id):
    training_class = _class_for_staff(request.user, class_id)
    session = get_object_or_404(ClassSession, pk=session_id, training_class=training_class)
    target = request.build_absolute_uri(reverse("courses:my_classes")) + f"?code={session.checkin_code}"
    return HttpResponse(segno.make(target, error="m").svg_inline(scale=6), content_type="image/svg+xml")


@login_required
def report(request):
    """The class figures moved into the statistics (reports.classes): old links land there, or for a trainer
    (who does not see the statistics) on the class figures of their scope. Not permanent: it depends on who."""
    _staff_only(request.user)
    return redirect("reports_admin:statistics" if access.is_manager(request.user) else "class_figures:classes")

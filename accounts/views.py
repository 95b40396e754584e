from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms.access_views import forbidden_as_403
from lms.tabular import ImportRejected
from localities.models import Locality, path_prefixes
from localities.selectors import current_successors

from . import access, selectors, services
from .exceptions import NotALearner, OutOfScope
from .forms import CommuneConfirmForm, LearnerImportForm, SignUpForm, chosen_province
from .middleware import SESSION_KEY
from .models import LearnerProfile, User


def signup(request):
    if request.user.is_authenticated:
        return redirect("/")
    province = chosen_province(request.POST.get("province") or request.GET.get("province"))
    form = SignUpForm(request.POST or None, province=province)
    if request.method == "POST" and form.is_valid():
        user = services.register_learner(form.learner_data(), form.cleaned_data["password1"])
        if user.awaiting_approval:
            return render(request, "accounts/signup_pending.html", {"new_user": user})
        login(request, user, backend="accounts.backends.UsernameOrPhoneBackend")
        messages.success(request, _("Chào mừng %(name)s! Tài khoản đã sẵn sàng.") % {"name": user.full_name})
        return redirect("/")
    return render(request, "accounts/signup.html", {"form": form, "province": province,
                                                    "provinces": form.fields["province"].queryset})


@login_required
def confirm_commune(request):
    """The learner's commune was merged or split: confirm today's commune (the default successor is
    preselected) or pick another of the province."""
    profile = get_object_or_404(LearnerProfile.objects.select_related("commune", "commune_before_reform"),
                                user=request.user)
    province = _province_of(profile.commune)
    form = CommuneConfirmForm(request.POST or None, province=province, initial_commune=profile.commune)
    if request.method == "POST" and form.is_valid():
        services.confirm_commune(request.user, form.cleaned_data["commune"])
        request.session.pop(SESSION_KEY, None)
        messages.success(request, _("Đã lưu xã của bạn: %(name)s.") % {"name": form.cleaned_data["commune"].name})
        return redirect(_safe_next(request))
    before = profile.commune_before_reform
    return render(request, "accounts/confirm_commune.html", {
        "form": form, "profile": profile, "before": before,
        "successors": current_successors(before) if before else [profile.commune], "next": _safe_next(request)})


def _province_of(commune):
    """The unit at the root of the commune's path (its province, with or without a district between)."""
    return Locality.objects.get(path=path_prefixes(commune.path)[0])


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                              require_https=request.is_secure())
    return target if allowed else "/"


@forbidden_as_403
def import_learners(request):
    """Admin view: a manager uploads a learner list for communes in their scope."""
    access.require_manager(request.user)
    form = LearnerImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": services.IMPORT_COLUMNS + [services.COL_EMAIL]}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            context["result"] = services.import_learners(request.user, upload.read(), upload.name)
        except ImportRejected as rejected:
            context["errors"] = rejected.errors
    return render(request, "accounts/admin/import_learners.html", context)


@forbidden_as_403
def pending_learners(request):
    access.require_manager(request.user)
    return _pending_page(request)


def _pending_page(request, status=200):
    in_scope = access.learners_in_scope(request.user, access.MANAGER_ROLES)
    pending = in_scope.filter(user__awaiting_approval=True).order_by("user__pk")
    return render(request, "accounts/admin/pending_learners.html", {"profiles": pending}, status=status)


@forbidden_as_403
@require_POST
def approve_learner(request, user_id):
    access.require_manager(request.user)
    learner = get_object_or_404(User, pk=user_id)
    try:
        services.approve_learner(request.user, learner)
    except OutOfScope as error:
        raise PermissionDenied(str(error)) from error
    except NotALearner as error:
        messages.error(request, str(error))
        return _pending_page(request, status=400)
    messages.success(request, _("Đã duyệt tài khoản %(name)s.") % {"name": learner})
    return redirect("accounts_admin:pending")


@forbidden_as_403
@require_http_methods(["GET", "POST"])
def retired_appointments(request):
    """Superuser: the appointments on units a reform retired, moved onto today's units in one POST (the
    selected rows, or all of them)."""
    if not access.has_full_access(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return _move_appointments(request)
    return render(request, "accounts/admin/retired_appointments.html",
                  {"rows": selectors.appointments_on_retired_units()})


def _move_appointments(request):
    ids = None if "all" in request.POST else [int(value) for value in request.POST.getlist("assignment")
                                              if value.isdigit()]
    if ids == []:
        messages.error(request, _("Hãy chọn ít nhất một phân công."))
        return redirect("accounts_retired_appointments")
    result = services.move_appointments_to_current_map(ids)
    if result.moved or result.merged or result.added:
        messages.success(request, _(
            "Đã chuyển %(moved)s phân công sang đơn vị hiện nay, thêm %(added)s phân công (địa bàn cũ nay thuộc "
            "nhiều đơn vị), gộp %(merged)s phân công trùng.") % {
            "moved": result.moved, "added": result.added, "merged": result.merged})
    elif not result.unresolved:
        messages.info(request, _("Không có phân công nào cần chuyển."))
    if result.unresolved:
        messages.warning(request, _("%(count)s phân công ở đơn vị không có đơn vị kế thừa hiện nay nên chưa "
                                    "chuyển được.") % {"count": result.unresolved})
    return redirect("accounts_retired_appointments")

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.access_views import forbidden_as_403
from lms.tabular import ImportRejected

from . import access, services
from .exceptions import NotALearner, OutOfScope
from .forms import LearnerImportForm, SignUpForm
from .models import User


def signup(request):
    if request.user.is_authenticated:
        return redirect("/")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.register_learner(form.learner_data(), form.cleaned_data["password1"])
        if user.awaiting_approval:
            return render(request, "accounts/signup_pending.html", {"new_user": user})
        login(request, user, backend="accounts.backends.UsernameOrPhoneBackend")
        messages.success(request, _("Chào mừng %(name)s! Tài khoản đã sẵn sàng.") % {"name": user.full_name})
        return redirect("/")
    return render(request, "accounts/signup.html", {"form": form})


def _require_manager(user):
    if not access.is_manager(user):
        raise PermissionDenied


@forbidden_as_403
def import_learners(request):
    """Admin view: a manager uploads a learner list for communes in their scope."""
    _require_manager(request.user)
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
    _require_manager(request.user)
    return _pending_page(request)


def _pending_page(request, status=200):
    in_scope = access.learners_in_scope(request.user, access.MANAGER_ROLES)
    pending = in_scope.filter(user__awaiting_approval=True).order_by("user__pk")
    return render(request, "accounts/admin/pending_learners.html", {"profiles": pending}, status=status)


@forbidden_as_403
@require_POST
def approve_learner(request, user_id):
    _require_manager(request.user)
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

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from courses.models import Certificate
from lms.storage import private_file_view, serve_private

from . import selectors, services
from .exceptions import CertificateError
from .forms import ReasonForm, VerifyForm


def verify_form(request):
    """Public: a box to type the code printed on the paper (for those who cannot scan the QR code)."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        code = selectors.normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("certificates:verify", code=code)
    return render(request, "courses/certificates/verify_form.html", {"form": form})


def verify(request, code):
    """Public: valid, revoked or unknown. Shows name, program, completion date, organiser and status only.
    A code typed another way (lower case, no dashes) lands on the address printed on the paper."""
    canonical = selectors.normalise_code(code)
    if canonical and canonical != code:
        return redirect("certificates:verify", code=canonical)
    certificate = selectors.for_verification(code)
    if certificate is None:
        return render(request, "courses/certificates/verify_unknown.html",
                      {"code": code, "form": VerifyForm(initial={"code": code})}, status=404)
    return render(request, "courses/certificates/verify.html", {"certificate": certificate})


@login_required
def my_certificates(request):
    return render(request, "courses/certificates/mine.html",
                  {"certificates": selectors.my_certificates(request.user)})


@private_file_view
def download(request, certificate_id):
    certificate = selectors.certificate_for_download(request.user, certificate_id)
    return serve_private(certificate.pdf, filename=f"{certificate.code}.pdf", content_type="application/pdf")


@login_required
def manage_list(request):
    access.require_manager(request.user)
    return render(request, "courses/certificates/manage_list.html",
                  selectors.manager_page(request.user, request.GET.get("page")))


@login_required
def manage_detail(request, certificate_id):
    context = selectors.certificate_for_manager(request.user, certificate_id)
    return render(request, "courses/certificates/manage_detail.html", {**context, "form": ReasonForm()})


def _reason_action(request, certificate_id, action, done_message):
    certificate = get_object_or_404(Certificate, pk=certificate_id)
    selectors.require_manageable(request.user, certificate)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        context = selectors.certificate_for_manager(request.user, certificate_id)
        return render(request, "courses/certificates/manage_detail.html", {**context, "form": form},
                      status=400)
    try:
        result = action(request.user, certificate, form.cleaned_data["reason"])
    except CertificateError as error:
        messages.error(request, str(error))
        return redirect("certificates:manage_detail", certificate_id)
    messages.success(request, done_message % {"code": result.code})
    return redirect("certificates:manage_detail", result.pk)


@require_POST
@login_required
def revoke(request, certificate_id):
    return _reason_action(request, certificate_id, services.revoke, _("Đã thu hồi giấy chứng nhận %(code)s."))


@require_POST
@login_required
def reissue(request, certificate_id):
    return _reason_action(request, certificate_id, services.reissue,
                          _("Đã cấp lại giấy chứng nhận, mã mới %(code)s."))

"""Read queries for certificate pages; each page runs a fixed number of queries."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import access
from courses.models import Certificate, CertificateStatus

PAGE_SIZE = 50


def organiser_settings():
    """The organiser of the default site: tasks run without a request, so no per-request site."""
    from wagtail.models import Site

    from content.models import OrganiserSettings

    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    return OrganiserSettings.for_site(site) if site else OrganiserSettings()


def active_certificate(user_id: int, program_id: int) -> Certificate | None:
    return Certificate.objects.filter(user_id=user_id, program_id=program_id, revoked_at__isnull=True).first()


def normalise_code(text: str) -> str:
    """A code as printed (XXXX-XXXX-XXXX) from what a person typed: any case, with or without dashes or
    spaces. Anything else is returned upper-cased without separators (it matches no certificate)."""
    raw = "".join(character for character in text.upper() if character.isalnum())
    if len(raw) == 12:
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    return raw


def for_verification(code: str) -> Certificate | None:
    """Only what the public page shows; `replaced_by` tells a revoked paper that was re-issued."""
    return (Certificate.objects.filter(code=normalise_code(code))
            .select_related("replaced_by").only(
                "code", "status", "learner_name", "program_title", "completed_at", "organiser_name",
                "revoked_at", "replaced_by__code", "replaced_by__status").first())


def my_certificates(user) -> list[Certificate]:
    return list(Certificate.objects.filter(user=user).exclude(status=CertificateStatus.REVOKED)
                .order_by("-issued_at"))


def in_scope(user):
    """Certificates of learners whose commune (at completion) lies in the manager's area."""
    return access.filter_in_scope(Certificate.objects.all(), user, "commune__path", access.MANAGER_ROLES)


def manager_page(user, page_number) -> dict:
    queryset = in_scope(user).order_by("-issued_at", "-pk")
    return {"page": Paginator(queryset, PAGE_SIZE).get_page(page_number)}


def can_manage(user, certificate: Certificate) -> bool:
    if access.has_full_access(user):
        return True
    return certificate.commune is not None and access.can_see_locality(user, certificate.commune,
                                                                         access.MANAGER_ROLES)


def require_manageable(user, certificate: Certificate) -> None:
    if not can_manage(user, certificate):
        raise PermissionDenied


def certificate_for_manager(user, certificate_id: int) -> dict:
    certificate = get_object_or_404(Certificate.objects.select_related("commune", "replaced_by", "replaces"),
                                    pk=certificate_id)
    require_manageable(user, certificate)
    events = list(certificate.events.select_related("actor"))
    return {"certificate": certificate, "events": events}


def certificate_for_download(user, certificate_id: int) -> Certificate:
    """The learner's own valid certificate, or one a manager's scope covers; 404 for anyone else (the
    id tells nothing) and while the PDF is being prepared."""
    certificate = get_object_or_404(Certificate.objects.select_related("commune"), pk=certificate_id)
    own_and_valid = certificate.user_id == user.pk and certificate.status != CertificateStatus.REVOKED
    if not (own_and_valid or can_manage(user, certificate)) or not certificate.pdf:
        raise Http404
    return certificate

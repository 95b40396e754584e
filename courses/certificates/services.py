"""Every change to certificates: issue, render, revoke, re-issue. Nothing else writes Certificate rows."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import (
    Certificate,
    CertificateAction,
    CertificateEvent,
    CertificateStatus,
    ProgramCompletion,
)
from lms.storage import private_name, private_storage
from outbox import services as outbox

from . import pdf, selectors
from .exceptions import CertificateError
from .signals import certificate_ready, certificate_revoked

logger = logging.getLogger(__name__)
RENDER_TASK = "courses.render_certificate"
# Longer than a render waits in a busy `slow` queue: only then is a certificate still preparing "stuck".
STUCK_RENDER_AFTER = timedelta(minutes=30)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed in by hand


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))  # 60 bits
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def verify_url(code: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("certificates:verify", args=[code])


def issue_for_completion(user_id: int, program_id: int) -> Certificate | None:
    """Issue a recorded completion's certificate once; a repeated or parallel call returns the same one."""
    completion = (ProgramCompletion.objects.select_related("user", "program", "commune__parent")
                  .filter(user_id=user_id, program_id=program_id).first())
    if completion is None:
        return None
    return _issue(completion, actor=None, replaces=None, action=CertificateAction.ISSUED)


def _issue(completion, *, actor, replaces, action) -> Certificate | None:
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(code=new_code(), replaces=replaces,
                                                     render_queued_at=timezone.now(), **_facts(completion))
            CertificateEvent.objects.create(certificate=certificate, action=action, actor=actor)
            outbox.enqueue(RENDER_TASK, certificate.pk)
    except IntegrityError:  # the one-active constraint: a parallel issue won
        return selectors.active_certificate(completion.user_id, completion.program_id)
    return certificate


def _facts(completion) -> dict:
    """What the paper says, copied in now: renaming a program or a unit later does not change it."""
    organiser = selectors.organiser_settings()
    program, commune = completion.program, completion.commune
    return {
        "user": completion.user, "program": program, "commune": commune,
        "learner_name": completion.user.get_full_name(),
        "commune_name": commune.name if commune else "",
        "district_name": commune.parent.name if commune and commune.parent else "",
        "program_title": program.title, "hours": program.nominal_hours,
        "completed_at": completion.completed_at,
        "organiser_name": program.organiser or organiser.organiser_name,
        "signer_name": organiser.signer_name, "signer_title": organiser.signer_title,
    }


def render_certificate(certificate_id: int) -> bool:
    """Draw and store the PDF, then mark the certificate ready; True only for the run that did it.

    The file is written inside the transaction that records it and deleted if that transaction does not
    commit, so no PDF outlives its row. A run that dies before the commit leaves the certificate
    "preparing": its message comes back (late acknowledgement), or `requeue_stuck_renders` sends it again.
    """
    certificate = Certificate.objects.filter(pk=certificate_id, status=CertificateStatus.PREPARING).first()
    if certificate is None:
        return False  # ready already (a re-delivered task), revoked, or gone
    content = ContentFile(pdf.render(certificate, verify_url(certificate.code)))  # the slow part, unlocked
    storage, stored = private_storage(), None
    try:
        with transaction.atomic():
            # The conditional update comes first and locks the row: a parallel run waits here, then finds
            # the certificate ready and writes no file.
            name = private_name("certificates", f"{certificate.code}.pdf")
            won = Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.PREPARING).update(
                status=CertificateStatus.READY, pdf=name)
            if not won:
                return False
            stored = storage.save(name, content)
            if stored != name:
                Certificate.objects.filter(pk=certificate.pk).update(pdf=stored)
            certificate.status, certificate.pdf.name = CertificateStatus.READY, stored
            certificate_ready.send(sender=Certificate, certificate=certificate)
    except BaseException:
        if stored:
            storage.delete(stored)  # the row that would have held it rolled back
        raise
    return True


def requeue_stuck_renders(now=None) -> int:
    """Periodic: a certificate still "preparing" long after its render was queued lost its task (a task
    that failed for good, a message lost with its broker): queue the render again. Rendering twice is
    harmless, and each certificate is queued at most once per STUCK_RENDER_AFTER."""
    now = now or timezone.now()
    cutoff = now - STUCK_RENDER_AFTER
    stuck = Certificate.objects.filter(status=CertificateStatus.PREPARING).filter(
        Q(render_queued_at__lt=cutoff) | Q(render_queued_at__isnull=True, issued_at__lt=cutoff))
    with transaction.atomic():
        ids = list(stuck.select_for_update(skip_locked=True).values_list("pk", flat=True))
        Certificate.objects.filter(pk__in=ids).update(render_queued_at=now)
        outbox.enqueue_many(RENDER_TASK, [(pk,) for pk in ids])
    if ids:
        logger.warning("certificates: %s renders queued again (stuck): %s", len(ids), ids[:20])
    return len(ids)


def revoke(manager, certificate: Certificate, reason: str) -> Certificate:
    """Revoke with a reason (audit-logged). The code stays: the verification page then says "revoked"."""
    selectors.require_manageable(manager, certificate)
    reason = _required_reason(reason)
    with transaction.atomic():
        _revoke(certificate, manager, reason)
    certificate.refresh_from_db()
    return certificate


def _revoke(certificate, actor, reason) -> None:
    revoked = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
        status=CertificateStatus.REVOKED, revoked_at=timezone.now(), revoked_reason=reason)
    if not revoked:
        raise CertificateError(_("Giấy chứng nhận này đã bị thu hồi."))
    CertificateEvent.objects.create(certificate=certificate, action=CertificateAction.REVOKED, actor=actor,
                                    reason=reason)
    certificate_revoked.send(sender=Certificate, certificate=certificate)


def reissue(manager, certificate: Certificate, reason: str) -> Certificate:
    """Revoke (if still valid) and issue a new certificate with a new code that points back to this one."""
    selectors.require_manageable(manager, certificate)
    reason = _required_reason(reason)
    if Certificate.objects.filter(replaces=certificate).exists():
        raise CertificateError(_("Giấy chứng nhận này đã được cấp lại; hãy thao tác trên bản mới nhất."))
    completion = (ProgramCompletion.objects.select_related("user", "program", "commune__parent")
                  .filter(user_id=certificate.user_id, program_id=certificate.program_id).first())
    if completion is None:
        raise CertificateError(_("Học viên không còn kết quả hoàn thành chương trình này."))
    with transaction.atomic():
        if certificate.revoked_at is None:
            _revoke(certificate, manager, reason)
        new = _issue(completion, actor=manager, replaces=certificate, action=CertificateAction.REISSUED)
        if new is None or new.replaces_id != certificate.pk:
            raise CertificateError(_("Học viên đã có giấy chứng nhận còn hiệu lực cho chương trình này."))
        CertificateEvent.objects.filter(certificate=new).update(reason=reason)
    return new


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Hãy ghi lý do."))
    return reason[:255]

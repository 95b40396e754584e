"""Every notification is written here: in-site always, by e-mail too when the learner has an address.

A notification and the outbox row of its e-mail are written in one transaction; the unique `key`
makes each event notify once however often it is announced.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from outbox import services as outbox

from .models import Kind, Notification

EMAIL_TASK = "notifications.send_email"
REMINDER_GAP = timedelta(days=7)  # at most one reminder per learner per week
INVITATION_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Draft:
    user_id: int
    email: str
    kind: str
    key: str
    title: str
    body: str
    url: str = ""


def notify(draft: Draft) -> Notification | None:
    """Write one notification (and its e-mail's outbox row); None if its key was notified before."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user_id=draft.user_id, kind=draft.kind, key=draft.key, title=draft.title, body=draft.body,
                url=draft.url)
            if draft.email:
                outbox.enqueue(EMAIL_TASK, notification.pk)
    except IntegrityError:
        return None
    return notification


@transaction.atomic
def notify_many(drafts: list[Draft]) -> int:
    """The periodic runs' bulk path: a fixed number of queries however many learners."""
    keys = [d.key for d in drafts]
    taken = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh = [d for d in drafts if d.key not in taken]
    Notification.objects.bulk_create(
        [Notification(user_id=d.user_id, kind=d.kind, key=d.key, title=d.title, body=d.body, url=d.url)
         for d in fresh], ignore_conflicts=True, batch_size=1000)
    mailed = {d.key for d in fresh if d.email}
    ids = Notification.objects.filter(key__in=mailed, emailed_at__isnull=True).values_list("pk", flat=True)
    outbox.enqueue_many(EMAIL_TASK, [(pk,) for pk in ids])
    return len(fresh)


# Titles and bodies are stored in the site's language (Vietnamese), whoever triggered them.

def _enrolled_draft(enrolment) -> Draft:
    user, program = enrolment.user, enrolment.program
    with override(settings.LANGUAGE_CODE):
        return Draft(user.pk, user.email, Kind.ENROLLED, f"enrolled:{enrolment.pk}",
                     _("Đã ghi danh: %(program)s") % {"program": program.title},
                     _("Bạn đã được ghi danh vào chương trình “%(program)s”. Chúc bạn học tốt!")
                     % {"program": program.title}, program.url or "")


def notify_enrolments(user_ids: list[int], program_id: int) -> int:
    """Self, bulk (a manager's) or class enrolment: one notice per active enrolment, in bulk.

    Keys are per enrolment, so a learner enrolled again after leaving is not told twice.
    """
    from courses.models import Enrolment

    enrolments = (Enrolment.objects.filter(user_id__in=user_ids, program_id=program_id, unenrolled_at__isnull=True)
                  .select_related("user", "program"))
    return notify_many([_enrolled_draft(enrolment) for enrolment in enrolments])


def notify_certificate_ready(certificate) -> Notification | None:
    user = certificate.user
    with override(settings.LANGUAGE_CODE):
        draft = Draft(user.pk, user.email, Kind.CERTIFICATE_READY, f"certificate:{certificate.pk}",
                      _("Giấy chứng nhận đã sẵn sàng"),
                      _("Giấy chứng nhận hoàn thành chương trình “%(program)s” (mã %(code)s) "
                        "đã sẵn sàng để tải về.")
                      % {"program": certificate.program_title, "code": certificate.code},
                      reverse("certificates:mine"))
    return notify(draft)


def notify_essay_marked(attempt) -> Notification | None:
    from assessments.models import Answer

    if not Answer.objects.filter(attempt_question__attempt=attempt, marked_by__isnull=False).exists():
        return None  # graded automatically: the learner saw the result on submitting
    user = attempt.user
    with override(settings.LANGUAGE_CODE):
        draft = Draft(user.pk, user.email, Kind.ESSAY_MARKED, f"essay:{attempt.pk}",
                      _("Bài làm đã được chấm: %(quiz)s") % {"quiz": attempt.quiz.title},
                      _("Giảng viên đã chấm bài “%(quiz)s” của bạn. Hãy xem điểm và nhận xét.")
                      % {"quiz": attempt.quiz.title}, "")
    return notify(draft)


def send_email(notification_id: int) -> bool:
    """Send the e-mail of one notification once: a re-delivered task finds it sent."""
    notification = (Notification.objects.select_related("user")
                    .filter(pk=notification_id, emailed_at__isnull=True).first())
    if notification is None or not notification.user.email:
        return False
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with override(settings.LANGUAGE_CODE):
        body = render_to_string("notifications/email.txt", {
            "notification": notification, "name": notification.user.get_full_name(),
            "link": base + notification.url if notification.url.startswith("/") else notification.url})
    send_mail(notification.title, body, None, [notification.user.email])
    # Marked after sending: a worker killed in between sends again (at least once), never loses it.
    return bool(Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True)
                .update(emailed_at=timezone.now()))


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# Periodic runs ------------------------------------------------------------------------------------

def idle_learners(now):
    """Users with an unfinished active enrolment and no learning activity for the configured days."""
    from courses.models import Enrolment, LessonProgress, ProgramCompletion

    idle_since = now - timedelta(days=settings.NOTIFICATIONS_REMINDER_DAYS)
    last_activity = Subquery(LessonProgress.objects.filter(user=OuterRef("user_id"))
                             .order_by("-updated_at").values("updated_at")[:1])
    completed = ProgramCompletion.objects.filter(user=OuterRef("user_id"), program=OuterRef("program_id"))
    reminded = Notification.objects.filter(user=OuterRef("user_id"), kind=Kind.REMINDER,
                                           created_at__gt=now - REMINDER_GAP)
    enrolments = (Enrolment.objects.filter(unenrolled_at__isnull=True, enrolled_at__lt=idle_since,
                                           user__is_active=True)
                  .exclude(Exists(completed)).exclude(Exists(reminded))
                  .annotate(last=last_activity).filter(Q(last__isnull=True) | Q(last__lt=idle_since)))
    return enrolments.values_list("user_id", "user__email").distinct()


def send_reminders(now=None) -> int:
    now = now or timezone.now()
    year, week, _day = timezone.localtime(now).isocalendar()
    with override(settings.LANGUAGE_CODE):
        title = _("Đã lâu bạn chưa vào học")
        body = _("Đã %(days)s ngày bạn chưa học tiếp. Mỗi ngày một bài ngắn, "
                 "bạn sẽ sớm hoàn thành chương trình.") % {"days": settings.NOTIFICATIONS_REMINDER_DAYS}
    url = reverse("courses:my_learning")
    drafts = [Draft(user_id, email or "", Kind.REMINDER, f"reminder:{user_id}:{year}-W{week:02d}", title, body,
                    url) for user_id, email in idle_learners(now)]
    return notify_many(drafts)


def send_class_invitations(now=None) -> int:
    """Notify learners put on a training class's list (invited or from a roster) who were not told yet."""
    from courses.models import Participant, ParticipantSource

    now = now or timezone.now()
    participants = (Participant.objects
                    .filter(source__in=[ParticipantSource.INVITED, ParticipantSource.ROSTER],
                            added_at__gte=now - INVITATION_WINDOW,
                            training_class__end_date__gte=timezone.localdate(now))
                    .values_list("pk", "user_id", "user__email", "training_class__title",
                                 "training_class__venue", "training_class__start_date"))
    drafts = []
    with override(settings.LANGUAGE_CODE):
        for pk, user_id, email, title, venue, start in participants:
            drafts.append(Draft(
                user_id, email or "", Kind.CLASS_INVITATION, f"class:{pk}",
                _("Mời tham gia lớp: %(title)s") % {"title": title},
                _("Bạn được mời tham gia lớp “%(title)s” tại %(venue)s, bắt đầu ngày %(date)s.")
                % {"title": title, "venue": venue, "date": start.strftime("%d/%m/%Y")},
                reverse("courses:my_learning")))
    return notify_many(drafts)

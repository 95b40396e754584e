"""Every change to training classes: create, add participants, attendance, check-in."""

import secrets
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.exceptions import AccountsError
from accounts.models import LearnerProfile, User
from accounts.services import LearnerData, create_learner_account, find_learner_for_phone, import_learners
from lms.tabular import ImportRejected, RowError

from .. import services as learning
from ..exceptions import CoursesError
from ..models import (
    DEFAULT_MAX_CLASS_DAYS,
    Attendance,
    AttendanceMethod,
    ClassSession,
    EnrolmentSource,
    Participant,
    ParticipantSource,
    TrainingClass,
)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class ClassError(CoursesError):
    pass


def validate_dates(start: date, end: date, allow_longer: bool) -> None:
    if end < start:
        raise ClassError(_("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."))
    days = (end - start).days + 1
    if days > DEFAULT_MAX_CLASS_DAYS and not allow_longer:
        raise ClassError(_("Lớp bồi dưỡng kéo dài tối đa %(max)s ngày (lớp này %(days)s ngày).")
                         % {"max": DEFAULT_MAX_CLASS_DAYS, "days": days})


def can_manage_class(user, training_class: TrainingClass) -> bool:
    return access.can_see_locality(user, training_class.organiser)


def require_manageable(user, training_class: TrainingClass) -> TrainingClass:
    if not can_manage_class(user, training_class):
        raise PermissionDenied
    return training_class


DEFAULT_HOURS = (time(7, 30), time(17, 0))


class CheckInRefused(ClassError):
    """A refused check-in; `cause` says which: "code" (no such session today) or "hours" (not now)."""

    def __init__(self, message, cause):
        super().__init__(message)
        self.cause = cause


def _title_key(title: str) -> str:
    return " ".join((title or "").split()).casefold()


def duplicates_of(title: str, organiser, start: date, end: date, exclude_pk=None) -> list[TrainingClass]:
    """Classes with the same title (any case and spacing), organiser and dates: most often the same class
    entered twice, which would count its participants twice in the reports. The title is compared in Python
    (SQLite folds the case of ASCII letters only: "ĐÀI" ≠ "đài"); the unit and dates leave a handful of rows."""
    found = TrainingClass.objects.filter(organiser=organiser, start_date=start, end_date=end).exclude(pk=exclude_pk)
    return [c for c in found.select_related("organiser") if _title_key(c.title) == _title_key(title)]


def validate_hours(starts_at: time, ends_at: time) -> None:
    if ends_at <= starts_at:
        raise ClassError(_("Giờ kết thúc phải sau giờ bắt đầu."))


@transaction.atomic
def create_class(user, *, modules=(), trainers=(), hours=DEFAULT_HOURS, **fields) -> TrainingClass:
    """Create a class organised by a unit in the user's scope, with one session per day (from `hours`;
    each session's hours can be changed afterwards)."""
    if not access.can_see_locality(user, fields["organiser"]):
        raise PermissionDenied
    if fields.get("allow_longer") and not access.has_full_access(user):
        fields["allow_longer"] = False  # only administrators may allow more than five days
    validate_dates(fields["start_date"], fields["end_date"], fields.get("allow_longer", False))
    training_class = TrainingClass.objects.create(created_by=user, **fields)
    training_class.modules.set(modules)
    training_class.trainers.set(trainers)
    validate_hours(*hours)
    _create_sessions(training_class, hours)
    return training_class


def _create_sessions(training_class: TrainingClass, hours) -> None:
    for offset in range(training_class.days):
        day = training_class.start_date + timedelta(days=offset)
        _create_session(training_class, day, hours)


def _create_session(training_class, day, hours=DEFAULT_HOURS) -> ClassSession:
    for _attempt in range(10):  # a code clash on the same day is rare; try another code
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return ClassSession.objects.create(training_class=training_class, date=day, checkin_code=code,
                                                   starts_at=hours[0], ends_at=hours[1])
        except IntegrityError:
            continue
    raise ClassError(_("Không tạo được mã điểm danh, hãy thử lại."))


def _free_places(training_class: TrainingClass) -> int:
    return training_class.capacity - training_class.participants.count()


@transaction.atomic
def add_participants(user, training_class: TrainingClass, learner_ids, source=ParticipantSource.INVITED) -> int:
    """Invite learners (in the organiser's area and the user's scope); enrols them in the program."""
    require_manageable(user, training_class)
    TrainingClass.objects.select_for_update().filter(pk=training_class.pk).first()  # serialise capacity checks
    profiles = list(LearnerProfile.objects.filter(user_id__in=learner_ids).select_related("commune", "user")
                    .exclude(user__class_participations__training_class=training_class))
    ground = training_class.organiser.ground_prefixes()
    outside = [p for p in profiles if not p.commune.path.startswith(tuple(ground))]
    if outside:
        raise ClassError(_("%(name)s không thuộc địa bàn của đơn vị tổ chức.") % {"name": outside[0].user})
    if len(profiles) > _free_places(training_class):
        raise ClassError(_("Lớp chỉ còn %(free)s chỗ, không thêm được %(count)s học viên.")
                         % {"free": _free_places(training_class), "count": len(profiles)})
    Participant.objects.bulk_create(
        [Participant(training_class=training_class, user=p.user, commune=p.commune,
                     target_group=p.target_group, source=source) for p in profiles],
        ignore_conflicts=True)
    for profile in profiles:
        learning.enrol(profile.user, training_class.program, source=EnrolmentSource.CLASS, by=user)
    return len(profiles)


@transaction.atomic
def import_roster(user, training_class: TrainingClass, data: bytes, filename: str) -> int:
    """A roster in the learner-import layout: learners matched by phone, new ones created; all or nothing."""
    require_manageable(user, training_class)
    result = import_learners(user, data, filename, roles=access.STAFF_ROLES)
    learners = [u.pk for u, _password in result.created] + [u.pk for u in result.updated]
    try:
        return add_participants(user, training_class, learners, source=ParticipantSource.ROSTER)
    except ClassError as error:
        raise ImportRejected([RowError(0, str(error))]) from error


@transaction.atomic
def add_walk_in(user, training_class: TrainingClass, *, phone: str, full_name="", commune=None,
                target_group="") -> User:
    """Seat a learner who turns up: the user's learner with this phone, or a new account; all or nothing.

    A phone of any other account (staff, superuser, another area's learner) gets one neutral ClassError, so
    the form tells nobody whose the phone is, and never reaches the unique constraint (issue #14).
    """
    require_manageable(user, training_class)
    try:
        learner = find_learner_for_phone(user, phone) or _new_walk_in(phone, full_name, commune, target_group)
    except AccountsError as error:
        raise ClassError(str(error)) from None
    add_participants(user, training_class, [learner.pk], source=ParticipantSource.WALK_IN)
    return learner


def _new_walk_in(phone, full_name, commune, target_group):
    if not (full_name and commune and target_group):
        raise ClassError(_("Chưa có tài khoản với số này: hãy nhập họ tên, xã và nhóm."))
    user, _password = create_learner_account(LearnerData(full_name, phone, commune, target_group))
    return user


def save_attendance(user, session: ClassSession, present_ids: set[int]) -> int:
    """The trainer's list for one day: every participant marked present or absent, in one upsert.

    Saving the list twice (a double tap on a slow phone) leaves one row per participant.
    """
    require_manageable(user, session.training_class)
    participants = Participant.objects.filter(training_class=session.training_class_id).values_list("pk", flat=True)
    now = timezone.now()
    rows = [Attendance(session=session, participant_id=pk, present=pk in present_ids,
                       method=AttendanceMethod.TRAINER, recorded_by=user, recorded_at=now) for pk in participants]
    Attendance.objects.bulk_create(rows, update_conflicts=True, unique_fields=["session", "participant"],
                                   update_fields=["present", "method", "recorded_by", "recorded_at"])
    return len(rows)


def set_session_hours(user, session: ClassSession, starts_at: time, ends_at: time) -> ClassSession:
    """A trainer in scope sets one day's hours (a half-day session, an evening class)."""
    require_manageable(user, session.training_class)
    validate_hours(starts_at, ends_at)
    ClassSession.objects.filter(pk=session.pk).update(starts_at=starts_at, ends_at=ends_at)
    session.starts_at, session.ends_at = starts_at, ends_at
    return session


def check_in(user, code: str, now: datetime | None = None) -> Attendance:
    """A learner checks in with the code shown by the trainer: only during the session, only once. A refusal
    says which of the two causes it is: the code is wrong, or the session is not on now (with its hours)."""
    now = timezone.localtime(now or timezone.now())
    code = code.strip().upper()
    session = (ClassSession.objects.select_related("training_class")
               .filter(date=now.date(), checkin_code=code).first())
    if session is None:
        raise _not_today(user, code)
    if not (session.starts_at <= now.time() <= session.ends_at):
        raise CheckInRefused(_("Mã đúng, nhưng chỉ điểm danh được trong giờ học: hôm nay từ %(start)s đến %(end)s.")
                             % {"start": f"{session.starts_at:%H:%M}", "end": f"{session.ends_at:%H:%M}"}, "hours")
    participant = Participant.objects.filter(training_class=session.training_class, user=user).first()
    if participant is None:
        raise ClassError(_("Bạn không có tên trong danh sách lớp này."))
    try:
        with transaction.atomic():
            return Attendance.objects.create(session=session, participant=participant, present=True,
                                             method=AttendanceMethod.CHECK_IN, recorded_by=user)
    except IntegrityError:
        raise ClassError(_("Bạn đã điểm danh buổi này rồi.")) from None


def _not_today(user, code: str) -> CheckInRefused:
    """The code of a session of the learner's class on another day is "not in session hours" (with its date);
    any other code is wrong. Codes of other people's classes tell nothing."""
    other_day = (ClassSession.objects.filter(checkin_code=code, training_class__participants__user=user)
                 .order_by("date").first())
    if other_day is not None:
        return CheckInRefused(_("Mã này dùng cho buổi học ngày %(date)s (%(start)s–%(end)s), không phải hôm nay.")
                              % {"date": f"{other_day.date:%d/%m/%Y}", "start": f"{other_day.starts_at:%H:%M}",
                                 "end": f"{other_day.ends_at:%H:%M}"}, "hours")
    return CheckInRefused(_("Mã điểm danh không đúng. Hãy xem lại mã giảng viên đưa (6 ký tự)."), "code")

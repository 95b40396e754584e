"""Every change to training classes: create, add participants, attendance, check-in."""

import secrets
from datetime import date, datetime, timedelta

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


@transaction.atomic
def create_class(user, *, modules=(), trainers=(), **fields) -> TrainingClass:
    """Create a class organised by a unit in the user's scope, with one session per day."""
    if not access.can_see_locality(user, fields["organiser"]):
        raise PermissionDenied
    if fields.get("allow_longer") and not access.has_full_access(user):
        fields["allow_longer"] = False  # only administrators may allow more than five days
    validate_dates(fields["start_date"], fields["end_date"], fields.get("allow_longer", False))
    training_class = TrainingClass.objects.create(created_by=user, **fields)
    training_class.modules.set(modules)
    training_class.trainers.set(trainers)
    _create_sessions(training_class)
    return training_class


def _create_sessions(training_class: TrainingClass) -> None:
    for offset in range(training_class.days):
        day = training_class.start_date + timedelta(days=offset)
        _create_session(training_class, day)


def _create_session(training_class, day) -> ClassSession:
    for _attempt in range(10):  # a code clash on the same day is rare; try another code
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return ClassSession.objects.create(training_class=training_class, date=day, checkin_code=code)
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


def check_in(user, code: str, now: datetime | None = None) -> Attendance:
    """A learner checks in with the code shown by the trainer: only during the session, only once."""
    now = timezone.localtime(now or timezone.now())
    session = (ClassSession.objects.select_related("training_class")
               .filter(date=now.date(), checkin_code=code.strip().upper()).first())
    if session is None or not (session.starts_at <= now.time() <= session.ends_at):
        raise ClassError(_("Mã điểm danh không đúng hoặc buổi học không diễn ra lúc này."))
    participant = Participant.objects.filter(training_class=session.training_class, user=user).first()
    if participant is None:
        raise ClassError(_("Bạn không có tên trong danh sách lớp này."))
    try:
        with transaction.atomic():
            return Attendance.objects.create(session=session, participant=participant, present=True,
                                             method=AttendanceMethod.CHECK_IN, recorded_by=user)
    except IntegrityError:
        raise ClassError(_("Bạn đã điểm danh buổi này rồi.")) from None

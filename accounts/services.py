"""Every change to accounts, profiles and roles goes through one function here."""

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.tabular import ImportRejected, Row, RowError, read_table
from localities.models import Level, Locality
from localities.selectors import current_successor_ids

from . import access
from .exceptions import AccountTaken, NotALearner, OutOfScope, UnitNotInForce
from .models import LearnerProfile, Role, RoleAssignment, TargetGroup, User, appointment_refusal
from .phone import is_valid_phone, normalize_phone
from .signals import learners_changed

logger = logging.getLogger(__name__)

# Wagtail permissions hang on groups. Trainers get two groups because a district trainer may
# only add local lessons, while a province trainer edits and publishes the whole curriculum.
PROVINCE_TRAINERS_GROUP = "Giảng viên cấp tỉnh"
DISTRICT_TRAINERS_GROUP = "Giảng viên cấp huyện"
STAFF_GROUP_NAMES = {
    Role.DISTRICT_MANAGER: "Quản lý cấp huyện",
    Role.PROVINCE_MANAGER: "Quản lý cấp tỉnh",
    Role.ADMINISTRATOR: "Quản trị hệ thống",
}
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud over the phone


@dataclass
class LearnerData:
    full_name: str
    phone: str
    commune: Locality
    target_group: str
    position: str = ""
    organisation: str = ""
    email: str = ""


@transaction.atomic
def register_learner(data: LearnerData, password: str) -> User:
    """Self sign-up. The account works at once unless approval is required by settings."""
    needs_approval = settings.ACCOUNTS_REQUIRE_APPROVAL
    user = User(
        username=data.phone, phone=data.phone, full_name=data.full_name, email=data.email,
        is_active=not needs_approval, awaiting_approval=needs_approval,
    )
    user.set_password(password)
    user.save()
    save_learner_profile(user, data)
    return user


def approve_learner(manager: User, learner: User) -> bool:
    """Activate a self-registered account; True if this call approved it (idempotent)."""
    if not LearnerProfile.objects.filter(user=learner).exists():
        raise NotALearner(_("Tài khoản này không có hồ sơ học viên nên không duyệt ở đây được."))
    if not access.may_write_learner_account(manager, learner, access.MANAGER_ROLES):
        raise OutOfScope(_("Học viên này không thuộc địa bàn bạn quản lý."))
    return bool(User.objects.filter(pk=learner.pk, awaiting_approval=True)
                .update(is_active=True, awaiting_approval=False))


@transaction.atomic
def assign_role(user: User, role: str, locality: Locality, *, on: date | None = None) -> RoleAssignment:
    """Appoint `user` to `role` over `locality`, which must be in force on `on` (today by default): a
    current province or commune, not a unit a reform has retired (UnitNotInForce). `on` records an
    appointment made in the past, on the map of its day (the demo's 2023 district managers)."""
    refusal = appointment_refusal(locality, on or timezone.localdate())
    if refusal:
        raise UnitNotInForce(refusal)
    assignment, _created = RoleAssignment.objects.get_or_create(user=user, role=role, locality=locality)
    user.groups.add(staff_group(role, locality))
    user.__dict__.pop(access._CACHE_ATTR, None)
    return assignment


def group_name(role: str, locality: Locality) -> str:
    if role == Role.TRAINER:
        return PROVINCE_TRAINERS_GROUP if locality.level == Level.PROVINCE else DISTRICT_TRAINERS_GROUP
    return STAFF_GROUP_NAMES[role]


def staff_group(role: str, locality: Locality) -> Group:
    """The Django group that lets this role into the Wagtail admin."""
    group, _created = Group.objects.get_or_create(name=group_name(role, locality))
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin",
                                                 codename="access_admin"))
    return group


# --- Appointments on units a reform has retired -------------------------------------

@dataclass
class AppointmentMove:
    moved: int = 0  # appointments now on a current unit (the default successor of their old unit)
    added: int = 0  # further appointments: the old unit's ground went to several current units
    merged: int = 0  # appointments dropped: the user already held that role on the unit they moved to
    unresolved: int = 0  # on a retired unit with no current successor: left as they were


@transaction.atomic
def move_appointments_to_current_map(ids=None) -> AppointmentMove:
    """Move the appointments `ids` (None: all) that sit on a retired unit to the current units that took
    over its ground: the row moves to the unit's current default successor, and one appointment with the
    same role is added on each other current successor (a retired district's ground lies in several
    communes today). What the staff member may see does not change: a retired unit's ground already is
    that of all its current successors (localities.grounds). A (user, role, unit) already held is not
    duplicated. Appointments already on current units are left alone, so a repeated call changes nothing."""
    rows = RoleAssignment.objects.select_for_update(of=("self",)).filter(locality__valid_to__isnull=False)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    rows = list(rows.order_by("pk"))
    result = AppointmentMove()
    if not rows:
        return result
    targets = current_successor_ids({row.locality_id for row in rows})
    held = set(RoleAssignment.objects.filter(user_id__in={row.user_id for row in rows})
               .values_list("user_id", "role", "locality_id"))
    moved, dropped, added = [], [], []
    for row in rows:
        units = targets.get(row.locality_id, [])
        if not units:
            result.unresolved += 1
            continue
        logger.info("appointment %s (user %s, %s) moves from unit %s to %s", row.pk, row.user_id, row.role,
                    row.locality_id, units)
        held.discard((row.user_id, row.role, row.locality_id))
        first, *others = units
        if (row.user_id, row.role, first) in held:
            dropped.append(row.pk)
        else:
            row.locality_id = first
            moved.append(row)
            held.add((row.user_id, row.role, first))
        for unit_id in others:
            if (row.user_id, row.role, unit_id) not in held:
                added.append(RoleAssignment(user_id=row.user_id, role=row.role, locality_id=unit_id))
                held.add((row.user_id, row.role, unit_id))
    RoleAssignment.objects.filter(pk__in=dropped).delete()
    RoleAssignment.objects.bulk_update(moved, ["locality"])
    RoleAssignment.objects.bulk_create(added)
    _join_staff_groups(moved + added)
    result.moved, result.added, result.merged = len(moved), len(added), len(dropped)
    return result


def _join_staff_groups(assignments: list[RoleAssignment]) -> None:
    """The admin group each moved or added appointment calls for (assign_role's rule)."""
    units = Locality.objects.only("pk", "level").in_bulk({a.locality_id for a in assignments})
    groups = {}
    memberships = set()
    for assignment in assignments:
        unit = units[assignment.locality_id]
        name = group_name(assignment.role, unit)
        if name not in groups:
            groups[name] = staff_group(assignment.role, unit)
        memberships.add((assignment.user_id, groups[name].pk))
    through = User.groups.through
    through.objects.bulk_create([through(user_id=user_id, group_id=group_id) for user_id, group_id in memberships],
                                ignore_conflicts=True)


def save_learner_profile(user: User, data: LearnerData) -> LearnerProfile:
    left = LearnerProfile.objects.filter(user=user).values_list("commune_id", flat=True).first()
    profile, _created = LearnerProfile.objects.update_or_create(
        user=user,
        defaults={"commune": data.commune, "target_group": data.target_group,
                  "position": data.position, "organisation": data.organisation},
    )
    learners_changed.send(sender=LearnerProfile, user_ids=[user.pk],
                          commune_ids={left, profile.commune_id, profile.commune_before_reform_id})
    return profile


def confirm_commune(user: User, commune: Locality) -> LearnerProfile:
    """The learner confirms the commune they belong to today, after a reform moved or split theirs.
    Only the commune changes (and the prompt ends)."""
    if not commune.is_current or commune.level != Level.COMMUNE:
        raise ValueError("not a current commune-level unit")
    profile = LearnerProfile.objects.get(user=user)
    left = profile.commune_id
    profile.commune, profile.needs_commune_confirmation = commune, False
    profile.save(update_fields=["commune", "needs_commune_confirmation", "updated_at"])
    learners_changed.send(sender=LearnerProfile, user_ids=[user.pk],
                          commune_ids={left, commune.pk, profile.commune_before_reform_id})
    return profile


# --- Bulk import of learners -------------------------------------------------

COL_NAME, COL_PHONE, COL_COMMUNE = "Họ và tên", "Số điện thoại", "Mã xã"
COL_GROUP, COL_POSITION, COL_ORG, COL_EMAIL = "Nhóm", "Chức vụ", "Đơn vị công tác", "Email"
IMPORT_COLUMNS = [COL_NAME, COL_PHONE, COL_COMMUNE, COL_GROUP, COL_POSITION, COL_ORG]
MAX_IMPORT_ROWS = 5000


@dataclass
class LearnerImportResult:
    created: list[tuple[User, str]] = field(default_factory=list)  # (user, initial password)
    updated: list[User] = field(default_factory=list)


@dataclass
class _ParsedRow:
    line: int
    data: LearnerData
    account: User | None  # the learner this row updates; None creates one


@dataclass
class _ImportContext:
    manager: User
    communes: dict[str, Locality]
    holders: dict[str, list[User]]  # phone → accounts using it as phone or username
    email_owners: dict[str, set[int]]  # lower-cased e-mail → ids of the accounts using it
    roles: tuple = access.MANAGER_ROLES
    seen_phones: dict[str, int] = field(default_factory=dict)
    seen_emails: dict[str, int] = field(default_factory=dict)


def import_learners(manager: User, data: bytes, filename: str, roles=access.MANAGER_ROLES) -> LearnerImportResult:
    """Validate every row; create learners, or update learners of the scope (matched by phone), if all are valid.

    `roles`: whose scope counts; managers by default, any staff role for a class roster. A phone or e-mail of
    any other account (staff, superuser, another area's learner, no learner profile) refuses the row.
    """
    rows = read_table(data, filename, IMPORT_COLUMNS, max_rows=MAX_IMPORT_ROWS)  # stops reading at the limit
    context = _import_context(manager, rows, roles)
    parsed, errors = [], []
    for row in rows:
        learner, row_errors = _parse_learner_row(row, context)
        errors.extend(RowError(row.line, message) for message in row_errors)
        parsed.append(learner)
    if errors:
        raise ImportRejected(errors)
    return _write_learners(parsed)


def _import_context(manager: User, rows: list[Row], roles) -> _ImportContext:
    phones = {normalize_phone(row.get(COL_PHONE)) for row in rows} - {""}
    emails = {row.get(COL_EMAIL).lower() for row in rows} - {""}
    return _ImportContext(
        manager=manager,
        communes={c.code: c for c in Locality.objects.current().filter(level=Level.COMMUNE)},  # codes are reused
        holders=accounts_using_phones(phones),
        email_owners=_email_owners(emails),
        roles=roles,
    )


def accounts_using_phones(phones: set[str]) -> dict[str, list[User]]:
    """phone → the accounts whose phone or username it is (a username clash would fail the insert)."""
    holders: dict[str, list[User]] = defaultdict(list)
    users = access.for_learner_matching(User.objects.filter(Q(phone__in=phones) | Q(username__in=phones)))
    for user in users.order_by("pk"):
        for phone in {user.phone, user.username} & phones:
            holders[phone].append(user)
    return holders


def _email_owners(emails: set[str]) -> dict[str, set[int]]:
    # Case-insensitive like Django's and Wagtail's password reset, which look e-mails up with iexact.
    owners: dict[str, set[int]] = defaultdict(set)
    rows = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    for pk, email in rows.values_list("pk", "email_lower"):
        owners[email].add(pk)
    return owners


def learner_account_for_phone(actor: User, phone: str, holders: list[User], roles) -> User | None:
    """The learner a row (or walk-in) with `phone` acts on: None when no account uses the phone.

    Raises AccountTaken, with one message whatever the account is, unless the phone is the account's own and
    `access.may_write_learner_account` allows it.
    """
    if not holders:
        return None
    account = holders[0]
    if len(holders) == 1 and account.phone == phone and access.may_write_learner_account(actor, account, roles):
        return account
    raise AccountTaken(phone_taken_message())


def phone_taken_message() -> str:
    # The same words for a staff account, a superuser, another area's learner or anyone else: whose it is
    # is none of the importer's business (issue #14).
    return _("Số điện thoại này đã được dùng cho một tài khoản khác; hãy liên hệ quản trị viên.")


def find_learner_for_phone(actor: User, phone: str, roles=access.STAFF_ROLES) -> User | None:
    """A walk-in's account: the actor's learner with this phone, None if free; AccountTaken otherwise."""
    return learner_account_for_phone(actor, phone, accounts_using_phones({phone}).get(phone, []), roles)


_TEXT_LIMITS = ((COL_NAME, 150), (COL_POSITION, 150), (COL_ORG, 200))


def _parse_learner_row(row: Row, ctx: _ImportContext) -> tuple[_ParsedRow | None, list[str]]:
    errors = []
    full_name = row.get(COL_NAME)
    if not full_name:
        errors.append(_("thiếu họ và tên"))
    errors.extend(_("cột “%(column)s” dài quá %(max)s ký tự") % {"column": column, "max": limit}
                  for column, limit in _TEXT_LIMITS if len(row.get(column)) > limit)
    phone, account = _check_phone(row, ctx, errors)
    email = _check_email(row, ctx, account, errors)
    commune = _check_commune(row, ctx, errors)
    group = row.get(COL_GROUP).upper()
    if group not in TargetGroup.values:
        errors.append(_("nhóm phải là A hoặc B, nhận được “%(group)s”") % {"group": row.get(COL_GROUP)})
    if errors:
        return None, errors
    data = LearnerData(full_name=full_name, phone=phone, commune=commune, target_group=group,
                       position=row.get(COL_POSITION), organisation=row.get(COL_ORG), email=email)
    return _ParsedRow(row.line, data, account), []


def _check_phone(row: Row, ctx: _ImportContext, errors: list[str]) -> tuple[str, User | None]:
    phone = normalize_phone(row.get(COL_PHONE))
    if not is_valid_phone(phone):
        errors.append(_("số điện thoại “%(phone)s” không hợp lệ") % {"phone": row.get(COL_PHONE)})
    elif phone in ctx.seen_phones:
        errors.append(_("số điện thoại %(phone)s trùng với dòng %(line)s") % {
            "phone": phone, "line": ctx.seen_phones[phone]})
    else:
        ctx.seen_phones[phone] = row.line
        try:
            return phone, learner_account_for_phone(ctx.manager, phone, ctx.holders.get(phone, []), ctx.roles)
        except AccountTaken:
            errors.append(_("số điện thoại %(phone)s đã được dùng cho một tài khoản khác; "
                            "hãy liên hệ quản trị viên") % {"phone": phone})
    return phone, None


def _check_email(row: Row, ctx: _ImportContext, account: User | None, errors: list[str]) -> str:
    """An e-mail must be valid, once in the file, and no other account's, in any case (password resets)."""
    email = row.get(COL_EMAIL)
    if not email:
        return email
    key = email.lower()
    try:
        validate_email(email)
        if len(email) > User._meta.get_field("email").max_length:
            raise ValidationError("too long")
    except ValidationError:
        errors.append(_("email “%(email)s” không hợp lệ") % {"email": email})
    else:
        if key in ctx.seen_emails:
            errors.append(_("email %(email)s trùng với dòng %(line)s") % {
                "email": email, "line": ctx.seen_emails[key]})
        elif ctx.email_owners.get(key, set()) - {account.pk if account else None}:
            errors.append(_("email %(email)s đã được dùng cho một tài khoản khác; hãy liên hệ quản trị viên")
                          % {"email": email})
        ctx.seen_emails.setdefault(key, row.line)
    return email


def _check_commune(row: Row, ctx: _ImportContext, errors: list[str]) -> Locality | None:
    code = row.get(COL_COMMUNE)
    commune = ctx.communes.get(code.zfill(5)) if code.isdigit() else None
    if commune is None:
        errors.append(_("không có xã mã “%(code)s”") % {"code": code})
    elif not access.can_see_locality(ctx.manager, commune, ctx.roles):
        errors.append(_("xã %(name)s không thuộc địa bàn bạn quản lý") % {"name": commune.name})
    return commune


@transaction.atomic
def _write_learners(rows: list[_ParsedRow]) -> LearnerImportResult:
    result = LearnerImportResult()
    for row in rows:
        if row.account is None:
            result.created.append(_create_from_row(row))
        else:
            result.updated.append(_update_learner(row.account, row.data))
    return result


def _create_from_row(row: _ParsedRow) -> tuple[User, str]:
    try:
        return create_learner_account(row.data)
    except AccountTaken as taken:  # a parallel sign-up or import took the phone since the check
        raise ImportRejected([RowError(row.line, str(taken))]) from None


def _update_learner(user: User, data: LearnerData) -> User:
    user.full_name = data.full_name
    user.email = data.email or user.email
    user.save(update_fields=["full_name", "email"])  # never write back a password read earlier
    save_learner_profile(user, data)
    return user


def create_learner_account(data: LearnerData) -> tuple[User, str]:
    """A learner account made by staff (import, walk-in); returns it with its initial password.

    AccountTaken when the phone was taken meanwhile (the unique constraints decide, nothing is left behind).
    """
    password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(8))
    user = User(username=data.phone, phone=data.phone, full_name=data.full_name, email=data.email)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            save_learner_profile(user, data)
    except IntegrityError:
        raise AccountTaken(phone_taken_message()) from None
    return user, password

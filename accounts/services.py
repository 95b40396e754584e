"""Every change to accounts, profiles and roles goes through one function here."""

import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _

from lms.tabular import ImportRejected, Row, RowError, read_table
from localities.models import Level, Locality

from . import access
from .exceptions import OutOfScope
from .models import LearnerProfile, Role, RoleAssignment, TargetGroup, User
from .phone import is_valid_phone, normalize_phone

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
    profile = LearnerProfile.objects.select_related("commune").get(user=learner)
    if not access.can_see_locality(manager, profile.commune, access.MANAGER_ROLES):
        raise OutOfScope(_("Học viên này không thuộc địa bàn bạn quản lý."))
    return bool(User.objects.filter(pk=learner.pk, awaiting_approval=True)
                .update(is_active=True, awaiting_approval=False))


@transaction.atomic
def assign_role(user: User, role: str, locality: Locality) -> RoleAssignment:
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


def save_learner_profile(user: User, data: LearnerData) -> LearnerProfile:
    profile, _created = LearnerProfile.objects.update_or_create(
        user=user,
        defaults={"commune": data.commune, "target_group": data.target_group,
                  "position": data.position, "organisation": data.organisation},
    )
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
class _ImportContext:
    manager: User
    communes: dict[str, Locality]
    existing_communes: dict[str, Locality | None]  # phone → current commune of an existing account
    roles: tuple = access.MANAGER_ROLES
    seen_phones: dict[str, int] = field(default_factory=dict)


def import_learners(manager: User, data: bytes, filename: str, roles=access.MANAGER_ROLES) -> LearnerImportResult:
    """Validate every row; create or update learners (matched by phone) only if all are valid.

    `roles`: whose scope counts; managers by default, any staff role for a class roster.
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
    phones = [normalize_phone(row.get(COL_PHONE)) for row in rows]
    existing = User.objects.filter(phone__in=phones).select_related("learner_profile__commune")
    return _ImportContext(
        manager=manager,
        communes={c.code: c for c in Locality.objects.filter(level=Level.COMMUNE)},
        existing_communes={u.phone: _profile_commune(u) for u in existing},
        roles=roles,
    )


def _profile_commune(user: User) -> Locality | None:
    profile = getattr(user, "learner_profile", None)
    return profile.commune if profile else None


def _parse_learner_row(row: Row, ctx: _ImportContext) -> tuple[LearnerData | None, list[str]]:
    errors = []
    full_name = row.get(COL_NAME)
    if not full_name:
        errors.append(_("thiếu họ và tên"))
    phone = _check_phone(row, ctx, errors)
    commune = _check_commune(row, ctx, errors)
    group = row.get(COL_GROUP).upper()
    if group not in TargetGroup.values:
        errors.append(_("nhóm phải là A hoặc B, nhận được “%(group)s”") % {"group": row.get(COL_GROUP)})
    if errors:
        return None, errors
    return LearnerData(full_name=full_name, phone=phone, commune=commune, target_group=group,
                       position=row.get(COL_POSITION), organisation=row.get(COL_ORG),
                       email=row.get(COL_EMAIL)), []


def _check_phone(row: Row, ctx: _ImportContext, errors: list[str]) -> str:
    phone = normalize_phone(row.get(COL_PHONE))
    if not is_valid_phone(phone):
        errors.append(_("số điện thoại “%(phone)s” không hợp lệ") % {"phone": row.get(COL_PHONE)})
    elif phone in ctx.seen_phones:
        errors.append(_("số điện thoại %(phone)s trùng với dòng %(line)s") % {
            "phone": phone, "line": ctx.seen_phones[phone]})
    else:
        ctx.seen_phones[phone] = row.line
        current = ctx.existing_communes.get(phone)
        if current is not None and not access.can_see_locality(ctx.manager, current, ctx.roles):
            errors.append(_("số điện thoại %(phone)s thuộc một học viên ngoài địa bàn bạn quản lý")
                          % {"phone": phone})
    return phone


def _check_commune(row: Row, ctx: _ImportContext, errors: list[str]) -> Locality | None:
    code = row.get(COL_COMMUNE)
    commune = ctx.communes.get(code.zfill(5)) if code.isdigit() else None
    if commune is None:
        errors.append(_("không có xã mã “%(code)s”") % {"code": code})
    elif not access.can_see_locality(ctx.manager, commune, ctx.roles):
        errors.append(_("xã %(name)s không thuộc địa bàn bạn quản lý") % {"name": commune.name})
    return commune


@transaction.atomic
def _write_learners(learners: list[LearnerData]) -> LearnerImportResult:
    result = LearnerImportResult()
    existing = {u.phone: u for u in User.objects.filter(phone__in=[d.phone for d in learners])}
    for data in learners:
        user = existing.get(data.phone)
        if user is None:
            result.created.append(create_learner_account(data))
            continue
        user.full_name = data.full_name
        user.email = data.email or user.email
        user.save()
        save_learner_profile(user, data)
        result.updated.append(user)
    return result


@transaction.atomic
def create_learner_account(data: LearnerData) -> tuple[User, str]:
    """A learner account made by staff (import, walk-in); returns it with its initial password."""
    password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(8))
    user = User(username=data.phone, phone=data.phone, full_name=data.full_name, email=data.email)
    user.set_password(password)
    user.save()
    save_learner_profile(user, data)
    return user, password

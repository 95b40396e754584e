"""The one place that decides what part of the province a user may see and change.

Every later app asks here: `scope_localities` for filtering lists, `can_see_locality`
for a single unit, `require_locality` / `require_learner` in views (404 when it does
not exist, 403 when it lies outside the user's scope).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from localities.grounds import minimal_prefixes
from localities.models import Level, Locality

from .models import MANAGER_ROLES, STAFF_ROLES, LearnerProfile, RoleAssignment, User

_CACHE_ATTR = "_scope_cache"


def scope_localities(user: User, roles=STAFF_ROLES) -> list[Locality]:
    """The units a user works in through any of `roles` (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    key = tuple(sorted(roles))
    if key not in cache:
        cache[key] = list(
            Locality.objects.filter(role_assignments__user=user, role_assignments__role__in=roles).distinct()
        )
    return cache[key]


def has_full_access(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False))


def is_staff_member(user: User) -> bool:
    return has_full_access(user) or bool(scope_localities(user))


def is_manager(user: User) -> bool:
    return has_full_access(user) or bool(scope_localities(user, MANAGER_ROLES))


def require_manager(user: User) -> None:
    """The gate of every manager-only view and selector: 403 for anyone else."""
    if not is_manager(user):
        raise PermissionDenied


def scope_prefixes(user: User, roles=STAFF_ROLES) -> list[str]:
    """Path prefixes of the ground the user works on: each unit of their roles with every unit of any era
    whose ground lies in it today (a manager of the new Bắc Ninh sees old Bắc Giang's and old Bắc Ninh's
    records). On a map without reforms this is just the paths of their units."""
    return minimal_prefixes(prefix for scope in scope_localities(user, roles) for prefix in scope.ground_prefixes())


def local_ground_prefixes(user: User) -> list[str] | None:
    """The ground whose local things (lessons, materials) the user may see: their commune as a learner and
    each unit of their staff roles; None for full access. Cached on the user object like the scope: one
    query for the learner's commune, whatever the number of lessons or materials listed. Filter with
    `localities.selectors.overlapping_q(prefixes, "local_unit__path")`."""
    if has_full_access(user):
        return None
    if not getattr(user, "is_authenticated", False):
        return []
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    if "local" not in cache:
        commune = Locality.objects.filter(learners__user_id=user.pk).only("path", "ground_paths").first()
        units = [*scope_localities(user), *([commune] if commune else [])]
        cache["local"] = minimal_prefixes(prefix for unit in units for prefix in unit.ground_prefixes())
    return cache["local"]


def remember_local_ground(user: User, commune_path: str | None, commune_ground_paths: str | None,
                          holds_staff_role: bool) -> None:
    """Keep a plain learner's local ground as `local_ground_prefixes` would compute it, from their commune read
    by a query the caller makes anyway (courses.selectors.learner_facts): the page then spends no query on it.
    Staff and administrators are left to `local_ground_prefixes` (their roles need a query)."""
    if has_full_access(user) or holds_staff_role or not getattr(user, "is_authenticated", False):
        return
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    for roles in (STAFF_ROLES, MANAGER_ROLES):  # no staff role: scope_localities needs no query either
        cache.setdefault(tuple(sorted(roles)), [])
    if "local" not in cache:
        commune = Locality(path=commune_path, ground_paths=commune_ground_paths or "") if commune_path else None
        cache["local"] = minimal_prefixes(commune.ground_prefixes()) if commune else []


def local_unit_choices(user: User, stored_id: int | None = None) -> QuerySet:
    """Units a lesson or material of this user may be local to: their own units and every current unit
    inside their scope (a commune trainer: their commune). The stored one stays valid on edit even after a
    reform retired it. Ordered by path, so a unit comes before the units inside it."""
    kept = Q(pk=stored_id) if stored_id else Q(pk__in=[])
    if has_full_access(user):
        return Locality.objects.filter(Q(valid_to__isnull=True) | kept)
    own = [unit.pk for unit in scope_localities(user)]
    inside = filter_in_scope(Locality.objects.current(), user, "path").values("pk")
    return Locality.objects.filter(Q(pk__in=own) | Q(pk__in=inside) | kept)


def may_publish_for_everyone(user: User) -> bool:
    """Only province-level staff (of any era) and administrators publish for every learner."""
    return has_full_access(user) or any(scope.level == Level.PROVINCE for scope in scope_localities(user))


def can_see_locality(user: User, locality: Locality, roles=STAFF_ROLES) -> bool:
    if has_full_access(user):
        return True
    return any(locality.path.startswith(prefix) for prefix in scope_prefixes(user, roles))


def filter_in_scope(queryset: QuerySet, user: User, path_lookup: str, roles=STAFF_ROLES) -> QuerySet:
    """Restrict `queryset` to rows whose locality path (reached by `path_lookup`) is in scope."""
    if has_full_access(user):
        return queryset
    prefixes = scope_prefixes(user, roles)
    if not prefixes:
        return queryset.none()
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{path_lookup}__startswith": prefix})
    return queryset.filter(condition)


def require_locality(user: User, locality_id: int, roles=STAFF_ROLES) -> Locality:
    locality = get_object_or_404(Locality, pk=locality_id)
    if not can_see_locality(user, locality, roles):
        raise PermissionDenied
    return locality


def learners_in_scope(user: User, roles=STAFF_ROLES) -> QuerySet:
    profiles = LearnerProfile.objects.select_related("user", "commune", "commune__parent")
    return filter_in_scope(profiles, user, "commune__path", roles)


def require_learner(user: User, learner_id: int, roles=STAFF_ROLES) -> LearnerProfile:
    """A learner may open only their own record; staff only learners in their scope."""
    profile = get_object_or_404(LearnerProfile.objects.select_related("commune"), user_id=learner_id)
    if profile.user_id == user.pk or can_see_locality(user, profile.commune, roles):
        return profile
    raise PermissionDenied


def for_learner_matching(users: QuerySet) -> QuerySet:
    """`users` with what `may_write_learner_account` reads, so that a whole file is checked in one query."""
    return users.select_related("learner_profile__commune").annotate(
        holds_role=Exists(RoleAssignment.objects.filter(user=OuterRef("pk"))))


def may_write_learner_account(actor: User, account: User, roles=STAFF_ROLES) -> bool:
    """May `actor` (an import, a class roster, a walk-in) change `account` or act on it as a learner?

    Only a plain learner of the actor's scope. Never a staff account (any role, `is_staff`), a superuser or an
    account without learner profile — whatever the actor's own rank: overwriting their name and e-mail, then a
    password reset to that e-mail, would hand the account over (issue #14).
    """
    if account.is_superuser or account.is_staff or _holds_role(account):
        return False
    profile = getattr(account, "learner_profile", None)
    return profile is not None and can_see_locality(actor, profile.commune, roles)


def _holds_role(account: User) -> bool:
    annotated = getattr(account, "holds_role", None)
    return annotated if annotated is not None else account.role_assignments.exists()

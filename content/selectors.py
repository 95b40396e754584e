"""Read queries for press works and the materials library. Each returns a fixed number of queries."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from wagtail.images import get_image_model

from accounts import access
from accounts.models import LearnerProfile, Role, User
from localities.models import Locality, path_prefixes

from .models import Broadcast, Material, PressWork, WorkStatus

THUMBNAIL_SPEC = "fill-320x180"
FEATURE_ROLES = (Role.PROVINCE_MANAGER, Role.ADMINISTRATOR)


def can_feature(user: User) -> bool:
    """Only province managers and administrators may mark a work as featured."""
    return access.has_full_access(user) or bool(access.scope_localities(user, FEATURE_ROLES))


def works_in_scope(user: User) -> QuerySet:
    """Works a staff member may see and edit: those produced by districts in their scope."""
    return access.filter_in_scope(PressWork.objects.select_related("district"), user, "district__path")


def districts_in_scope(user: User) -> QuerySet:
    return access.filter_in_scope(Locality.objects.districts().current(), user, "path")


def with_first_release_flag(broadcasts: QuerySet) -> QuerySet:
    """Annotate `is_first`: no broadcast of the same work is earlier (by date, then id)."""
    earlier = Broadcast.objects.filter(work=OuterRef("work")).filter(
        Q(date__lt=OuterRef("date")) | Q(date=OuterRef("date"), pk__lt=OuterRef("pk")))
    return broadcasts.annotate(is_first=~Exists(earlier))


def _broadcast_count():
    """A correlated count, not a JOIN + GROUP BY: the page can then be read off the ordering index."""
    counts = (Broadcast.objects.filter(work=OuterRef("pk")).order_by().values("work")
              .annotate(total=Count("pk")).values("total"))
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def published_works(filters: dict | None = None) -> QuerySet:
    """The public list: published works with their district, thumbnail renditions and broadcast count."""
    filters = filters or {}
    images = get_image_model().objects.prefetch_renditions(THUMBNAIL_SPEC)
    works = (PressWork.objects.filter(status=WorkStatus.PUBLISHED)
             .select_related("district")
             .prefetch_related(Prefetch("cover", queryset=images))
             .annotate(broadcast_count=_broadcast_count()))
    for field in ("topic", "kind"):
        if filters.get(field):
            works = works.filter(**{field: filters[field]})
    if filters.get("district"):
        works = works.filter(district=filters["district"])
    if filters.get("year"):
        works = works.filter(funding_year=filters["year"])
    if filters.get("q"):
        query = filters["q"]
        works = works.filter(Q(title__icontains=query) | Q(summary__icontains=query)
                             | Q(authors__icontains=query))
    return works.order_by("-featured", "-created_at", "-pk")


def get_published_work(pk: int) -> PressWork:
    """A published work with everything its page shows, or 404."""
    works = (PressWork.objects.filter(status=WorkStatus.PUBLISHED).select_related("district", "cover")
             .prefetch_related("files", "localities",
                               Prefetch("broadcasts", queryset=with_first_release_flag(
                                   Broadcast.objects.select_related("locality").order_by("date", "pk")))))
    return get_object_or_404(works, pk=pk)


def visible_materials(user: User) -> QuerySet:
    """Learners: materials of the province plus their district (and commune). Staff: also their scope."""
    materials = Material.objects.filter(published=True).select_related("locality", "program_page")
    if access.has_full_access(user):
        return materials
    paths, condition = set(), Q()
    commune_path = (LearnerProfile.objects.filter(user_id=user.pk)
                    .values_list("commune__path", flat=True).first())
    if commune_path:
        paths.update(path_prefixes(commune_path))
    for scope in access.scope_localities(user):
        paths.update(path_prefixes(scope.path))
        condition |= Q(locality__path__startswith=scope.path)
    if not paths:
        return materials.none()
    return materials.filter(condition | Q(locality__path__in=paths))


def get_material_for_download(user: User, pk: int) -> Material:
    """404 for an unknown material and for one outside what the user may see (nothing leaks)."""
    return get_object_or_404(visible_materials(user), pk=pk)


def materials_in_scope(user: User) -> QuerySet:
    """Materials a trainer may edit: those tagged with a locality in their scope."""
    return access.filter_in_scope(Material.objects.select_related("locality"), user, "locality__path")


def material_localities(user: User) -> QuerySet:
    """Province and districts a trainer may publish for."""
    units = Locality.objects.filter(level__in=["province", "district"]).current()
    return access.filter_in_scope(units, user, "path")


def filter_materials(materials: QuerySet, filters: dict) -> QuerySet:
    if filters.get("kind"):
        materials = materials.filter(kind=filters["kind"])
    if filters.get("q"):
        materials = materials.filter(Q(title__icontains=filters["q"]) | Q(description__icontains=filters["q"]))
    return materials


def broadcast_summary(work: PressWork) -> dict:
    """From the prefetched, flagged broadcasts of `get_published_work`: no further query."""
    broadcasts = list(work.broadcasts.all())
    first = next((broadcast for broadcast in broadcasts if broadcast.is_first), None)
    return {"broadcasts": broadcasts, "first_release": first,
            "rebroadcast_count": sum(1 for broadcast in broadcasts if not broadcast.is_first)}

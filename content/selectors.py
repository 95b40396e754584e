"""Read queries for press works and the materials library. Each returns a fixed number of queries."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from wagtail.images import get_image_model

from accounts import access
from accounts.models import Role, User
from localities.models import Locality, ground_q
from localities.selectors import overlapping_q

from .models import Broadcast, Material, PressWork, WorkStatus

THUMBNAIL_SPEC = "fill-320x180"
FEATURE_ROLES = (Role.PROVINCE_MANAGER, Role.ADMINISTRATOR)


def can_feature(user: User) -> bool:
    """Only province managers and administrators may mark a work as featured."""
    return access.has_full_access(user) or bool(access.scope_localities(user, FEATURE_ROLES))


def works_in_scope(user: User) -> QuerySet:
    """Works a staff member may see and edit: those produced by units in their scope."""
    return access.filter_in_scope(PressWork.objects.select_related("unit"), user, "unit__path")


def producing_units() -> QuerySet:
    """Units (of any level and era) with a published work: the choices of the public list's filter."""
    return Locality.objects.filter(press_works__status=WorkStatus.PUBLISHED).distinct()


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
    """The public list: published works with their unit, thumbnail renditions and broadcast count."""
    filters = filters or {}
    images = get_image_model().objects.prefetch_renditions(THUMBNAIL_SPEC)
    works = (PressWork.objects.filter(status=WorkStatus.PUBLISHED)
             .select_related("unit")
             .prefetch_related(Prefetch("cover", queryset=images))
             .annotate(broadcast_count=_broadcast_count()))
    for field in ("topic", "kind"):
        if filters.get(field):
            works = works.filter(**{field: filters[field]})
    if filters.get("unit"):  # the unit's works and those of the units on its ground
        works = works.filter(ground_q(filters["unit"].ground_prefixes(), "unit__path"))
    if filters.get("year"):
        works = works.filter(funding_year=filters["year"])
    if filters.get("q"):
        query = filters["q"]
        works = works.filter(Q(title__icontains=query) | Q(summary__icontains=query)
                             | Q(authors__icontains=query))
    return works.order_by("-featured", "-created_at", "-pk")


def get_published_work(pk: int) -> PressWork:
    """A published work with everything its page shows, or 404."""
    works = (PressWork.objects.filter(status=WorkStatus.PUBLISHED).select_related("unit", "cover")
             .prefetch_related("files", "localities",
                               Prefetch("broadcasts", queryset=with_first_release_flag(
                                   Broadcast.objects.select_related("locality").order_by("date", "pk")))))
    return get_object_or_404(works, pk=pk)


def visible_materials(user: User) -> QuerySet:
    """Materials of every unit (of any era) sharing ground with the learner's commune or the staff member's
    units: their province, district of the time, commune, a retired unit now on their ground. The same
    rule as local lessons (courses.selectors.visible_lessons_q)."""
    materials = Material.objects.filter(published=True).select_related("locality", "program_page")
    prefixes = access.local_ground_prefixes(user)
    if prefixes is None:
        return materials
    if not prefixes:
        return materials.none()
    return materials.filter(overlapping_q(prefixes, "locality__path"))


def get_material_for_download(user: User, pk: int) -> Material:
    """404 for an unknown material and for one outside what the user may see (nothing leaks)."""
    return get_object_or_404(visible_materials(user), pk=pk)


def materials_in_scope(user: User) -> QuerySet:
    """Materials a trainer may edit: those tagged with a locality in their scope."""
    return access.filter_in_scope(Material.objects.select_related("locality"), user, "locality__path")


def material_localities(user: User, stored_id: int | None = None) -> QuerySet:
    """Units a trainer may publish for: their own and today's units inside their scope (the province's
    material is for all its learners)."""
    return access.local_unit_choices(user, stored_id)


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

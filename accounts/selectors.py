"""Reads of the accounts app that admin pages use."""

from dataclasses import dataclass

from localities.models import Locality
from localities.selectors import current_successor_ids

from .models import RoleAssignment


@dataclass
class RetiredAppointment:
    assignment: RoleAssignment
    successors: list[Locality]  # the current units that took over its unit's ground, the default first


def appointments_on_retired_units() -> list[RetiredAppointment]:
    """Every appointment on a unit a reform has retired, with where its ground lies today (a fixed number
    of queries, whatever the number of rows)."""
    rows = list(RoleAssignment.objects.filter(locality__valid_to__isnull=False)
                .select_related("user", "locality", "locality__parent")
                .order_by("locality__path", "user__username", "role"))
    if not rows:
        return []
    successor_ids = current_successor_ids({row.locality_id for row in rows})
    units = Locality.objects.select_related("parent").in_bulk(
        {pk for found in successor_ids.values() for pk in found})
    return [RetiredAppointment(row, [units[pk] for pk in successor_ids[row.locality_id]]) for row in rows]

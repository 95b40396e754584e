"""Reads other apps use: where a retired unit's ground lies today, and which units of any era lie within
a current one."""

from collections import defaultdict

from django.db.models import Q

from .grounds import MAX_HOPS
from .models import Locality, Succession, ground_q, path_prefixes


def ground_prefixes(unit: Locality) -> list[str]:
    """Path prefixes of every unit of any era whose ground lies within `unit` today (no query): filter with
    `ground_filter(unit, "commune__path")` or `Locality.objects.ground_of(unit)`."""
    return unit.ground_prefixes()


def ground_filter(unit: Locality, lookup: str = "path") -> Q:
    return ground_q(unit.ground_prefixes(), lookup)


def overlapping_q(prefixes: list[str], lookup: str = "path") -> Q:
    """Units of any era that share land with a ground (given as prefixes): every unit on the way down to a
    prefix (its ancestors-or-self) and every unit inside one. A thing local to such a unit concerns the
    people living on that ground: a learner of Phường Bắc Giang (2025) is on the ground of the retired
    Huyện Yên Dũng, not on that of Huyện Việt Yên. Indexed: one `IN` and one `LIKE 'x%'` per prefix."""
    above = sorted({path for prefix in prefixes for path in path_prefixes(prefix)})
    return Q(**{f"{lookup}__in": above}) | ground_q(prefixes, lookup)


def overlaps(path: str, prefixes: list[str]) -> bool:
    """`overlapping_q` for one unit's path, in Python (no query)."""
    return any(path.startswith(prefix) or prefix.startswith(path) for prefix in prefixes)


def current_default_successor(unit: Locality) -> Locality | None:
    """The current unit reached through the default successor links (the unit itself when current; None
    for a unit retired without successor)."""
    for _hop in range(MAX_HOPS):
        if unit is None or unit.is_current:
            return unit
        unit = unit.successor
    return None


def current_successors(unit: Locality) -> list[Locality]:
    """Every current unit that took over part of `unit`'s ground, the default one first (a split commune
    has several); each link is followed through the defaults of later reforms."""
    if unit.is_current:
        return [unit]
    found: list[Locality] = []
    links = unit.successions.select_related("successor").order_by("-is_default", "successor__path")
    successors = [link.successor for link in links] or [unit.successor]
    for successor in successors:
        current = current_default_successor(successor)
        if current is not None and current not in found:
            found.append(current)
    return found


def default_successor_map() -> dict[int, int]:
    """Retired unit id -> id of the current unit its default links lead to (one read, for bulk moves)."""
    links = dict(Locality.objects.filter(valid_to__isnull=False).values_list("pk", "successor_id"))
    resolved = {}
    for pk in links:
        target = pk
        for _hop in range(MAX_HOPS):
            if target not in links or links[target] is None:
                break
            target = links[target]
        if target not in links:  # reached a current unit
            resolved[pk] = target
    return resolved


def current_successor_ids(unit_ids) -> dict[int, list[int]]:
    """`current_successors` for many units in four reads: unit id -> ids of the current units that took over
    part of its ground, the default first (a current unit maps to itself; a unit retired without a
    successor to [])."""
    unit_ids = set(unit_ids)
    defaults = default_successor_map()
    links = defaultdict(list)
    rows = Succession.objects.filter(predecessor_id__in=unit_ids).order_by(
        "predecessor_id", "-is_default", "successor__path").values_list("predecessor_id", "successor_id")
    for predecessor, successor in rows:
        links[predecessor].append(defaults.get(successor, successor))
    candidates = {pk: links.get(pk) or [defaults.get(pk, pk)] for pk in unit_ids}
    current = set(Locality.objects.current().filter(
        pk__in={pk for found in candidates.values() for pk in found}).values_list("pk", flat=True))
    return {pk: list(dict.fromkeys(found for found in candidates[pk] if found in current)) for pk in unit_ids}

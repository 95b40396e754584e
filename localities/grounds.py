"""Where the ground of each unit lies today, through the successor links, as path prefixes.

`refresh_grounds()` recomputes `Locality.ground_paths` for every unit after a load that retired units or
changed successors. Storing it on the unit (rather than caching it per process) keeps scope checks free of
extra queries and right in every process the moment the load commits.
"""

from collections import defaultdict

from .bulk import update_column
from .models import Level, Locality, Succession, path_prefixes

MAX_HOPS = 10  # a successor cycle in bad data must not hang anything
LEVEL_RANK = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}


def resolve_path(path: str, moved: dict[str, str]) -> str:
    """The deepest retired ancestor-or-self is replaced by its default successor, again until none is
    retired (the rule of reports.selectors.Successors: a retired commune's own link is the most precise)."""
    for _hop in range(MAX_HOPS):
        old = next((prefix for prefix in reversed(path_prefixes(path)) if prefix in moved), None)
        if old is None:
            break
        path = moved[old] + path[len(old):]
    return path


def minimal_prefixes(paths) -> list[str]:
    """Drop every path that another one of them already covers; sorted."""
    kept: set[str] = set()
    for path in sorted(set(paths), key=len):
        if not any(prefix in kept for prefix in path_prefixes(path)):
            kept.add(path)
    return sorted(kept)


def compute_grounds(locality_model=Locality, succession_model=Succession) -> dict[int, list[str]]:
    """unit id -> its ground prefixes (for every unit; [own path] when nothing else lies in it). The models
    are parameters for the data migration (historical models)."""
    units = list(locality_model.objects.values_list("pk", "path", "valid_to", "successor_id"))
    rank = {path: LEVEL_RANK[level] for path, level in locality_model.objects.values_list("path", "level")}
    path_of = {pk: path for pk, path, _to, _succ in units}
    unit_at = {path: pk for pk, path, _to, _succ in units}
    moved = {path: path_of[succ] for _pk, path, valid_to, succ in units if valid_to and succ in path_of}
    extra: dict[int, list[str]] = defaultdict(list)
    for _pk, path, _to, _succ in units:
        target = resolve_path(path, moved)
        if target != path:
            for prefix in path_prefixes(target):
                # A district whose default successor is a commune was split among many communes: its
                # whole ground must not fall to that one commune (its staff would see every old commune).
                if prefix in unit_at and rank[prefix] <= rank[path]:
                    extra[unit_at[prefix]].append(path)
    grounds = {pk: minimal_prefixes([path, *extra[pk]]) for pk, path, _to, _succ in units}
    _add_successor_grounds(grounds, units, succession_model)
    return grounds


def _add_successor_grounds(grounds: dict[int, list[str]], units, succession_model) -> None:
    """Staff of a retired unit keep working on its ground, which lies today in its current successors."""
    retired = {pk: succ for pk, _path, valid_to, succ in units if valid_to}
    successors = defaultdict(set)
    for predecessor, successor in succession_model.objects.filter(
            predecessor_id__in=list(retired)).values_list("predecessor_id", "successor_id"):
        successors[predecessor].add(_follow_defaults(successor, retired))
    for pk in retired:
        successors[pk].add(_follow_defaults(pk, retired))  # the denormalised default, if set by hand
    for pk, current in successors.items():
        extra = [prefix for unit in current if unit != pk for prefix in grounds.get(unit, [])]
        if extra:
            grounds[pk] = minimal_prefixes(grounds[pk] + extra)


def _follow_defaults(pk: int, retired: dict[int, int | None]) -> int:
    for _hop in range(MAX_HOPS):
        if pk not in retired or retired[pk] is None:
            break
        pk = retired[pk]
    return pk


def refresh_grounds(locality_model=Locality, succession_model=Succession) -> int:
    """Write the recomputed grounds; returns how many units changed."""
    grounds = compute_grounds(locality_model, succession_model)
    changed = {}
    for pk, path, stored in locality_model.objects.values_list("pk", "path", "ground_paths"):
        prefixes = grounds.get(pk, [path])
        value = "" if prefixes == [path] else " ".join(prefixes)
        if stored != value:
            changed[pk] = value
    update_column(locality_model, "ground_paths", changed)
    # Only a change of ground regroups records (a first list only adds units); not from a data migration's
    # historical models.
    if changed and locality_model is Locality:
        from .signals import map_changed

        map_changed.send(sender=Locality)
    return len(changed)

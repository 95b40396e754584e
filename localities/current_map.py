"""Taking an installation to the current map: learner profiles follow their commune's default successor.

Nothing else moves: enrolments, attempts, attendance and certificates keep the unit of their time (the
reports "as the units were at the time" read those), and staff appointments are listed for an administrator
to move (their scope already covers the ground through the successor links).
"""

from dataclasses import dataclass

from django.db import transaction

from .models import Level, Locality
from .selectors import default_successor_map


@dataclass
class MoveResult:
    moved: int = 0
    unresolved: int = 0  # learners of a retired commune with no current commune-level successor


@transaction.atomic
def move_learners_to_current_map() -> MoveResult:
    from accounts.models import LearnerProfile

    targets = default_successor_map()
    communes = set(Locality.objects.current().filter(
        level=Level.COMMUNE, pk__in=set(targets.values())).values_list("pk", flat=True))
    result = MoveResult()
    profiles = LearnerProfile.objects.select_for_update().filter(commune__valid_to__isnull=False).only(
        "pk", "user_id", "commune_id", "commune_before_reform_id", "needs_commune_confirmation")
    for profile in profiles:
        target = targets.get(profile.commune_id)
        if target not in communes:
            result.unresolved += 1
            continue
        profile.commune_before_reform_id = profile.commune_id
        profile.commune_id = target
        profile.needs_commune_confirmation = True
        # One save per profile (not a bulk update): the reports recount registrations from its signals.
        profile.save(update_fields=["commune", "commune_before_reform", "needs_commune_confirmation",
                                    "updated_at"])
        result.moved += 1
    return result

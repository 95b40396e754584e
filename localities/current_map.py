"""Taking an installation to the current map: learner profiles follow their commune's default successor.

Nothing else moves: enrolments, attempts, attendance and certificates keep the unit of their time (the
reports "as the units were at the time" read those), and staff appointments are listed for an administrator
to move (their scope already covers the ground through the successor links).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import Level, Locality
from .selectors import default_successor_map


@dataclass
class MoveResult:
    moved: int = 0
    unresolved: int = 0  # learners of a retired commune with no current commune-level successor


@transaction.atomic
def move_learners_to_current_map() -> MoveResult:
    from accounts.models import LearnerProfile
    from accounts.signals import learners_changed

    targets = default_successor_map()
    communes = set(Locality.objects.current().filter(
        level=Level.COMMUNE, pk__in=set(targets.values())).values_list("pk", flat=True))
    result = MoveResult()
    profiles = LearnerProfile.objects.select_for_update().filter(commune__valid_to__isnull=False).only(
        "pk", "user_id", "commune_id", "commune_before_reform_id", "needs_commune_confirmation", "updated_at")
    moved, touched, now = [], set(), timezone.now()
    for profile in profiles:
        target = targets.get(profile.commune_id)
        if target not in communes:
            result.unresolved += 1
            continue
        touched |= {profile.commune_id, target}
        profile.commune_before_reform_id, profile.commune_id = profile.commune_id, target
        profile.needs_commune_confirmation, profile.updated_at = True, now
        moved.append(profile)
    LearnerProfile.objects.bulk_update(
        moved, ["commune", "commune_before_reform", "needs_commune_confirmation", "updated_at"], batch_size=1000)
    if moved:
        learners_changed.send(sender=LearnerProfile, user_ids=[p.user_id for p in moved], commune_ids=touched)
    result.moved = len(moved)
    return result

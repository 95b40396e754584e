"""Read queries for training classes: lists in scope, a class sheet, a learner's classes (the figures per
unit are in reports.classes)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from accounts import access
from localities.models import ground_q

from ..models import Attendance, ClassSession, Participant, TrainingClass


def classes_in_scope(user):
    classes = TrainingClass.objects.select_related("program", "organiser")
    return access.filter_in_scope(classes, user, "organiser__path")


def participants_with_attendance(training_class: TrainingClass):
    """Participants annotated with days present; `trained` is computed against the threshold."""
    return (Participant.objects.filter(training_class=training_class)
            .select_related("user", "commune", "commune__parent")
            .annotate(days_present=Count("attendance", filter=Q(attendance__present=True)))
            .order_by("user__full_name"))


def is_trained(days_present: int, total_days: int, threshold: int) -> bool:
    return total_days > 0 and days_present * 100 >= threshold * total_days


@dataclass
class ParticipantRow:
    participant: Participant
    days_present: int
    trained: bool
    pre_score: Decimal | None = None
    post_score: Decimal | None = None


def class_sheet(training_class: TrainingClass) -> dict:
    sessions = list(training_class.sessions.all())
    participants = list(participants_with_attendance(training_class))
    rows = [ParticipantRow(p, p.days_present,
                           is_trained(p.days_present, len(sessions), training_class.attendance_threshold))
            for p in participants]
    gain = _attach_test_scores(training_class, rows)
    return {"sessions": sessions, "rows": rows, "trained_count": sum(r.trained for r in rows),
            "average_gain": gain, "free_places": training_class.capacity - len(rows)}


def _attach_test_scores(training_class, rows) -> Decimal | None:
    """Best pre/post-test percentages per participant (two queries); the class's average gain."""
    if not (training_class.pre_test_id and training_class.post_test_id) or not rows:
        return None
    user_ids = [row.participant.user_id for row in rows]
    pre = _best_percent_by_user(training_class.pre_test_id, user_ids)
    post = _best_percent_by_user(training_class.post_test_id, user_ids)
    gains = []
    for row in rows:
        row.pre_score, row.post_score = pre.get(row.participant.user_id), post.get(row.participant.user_id)
        if row.pre_score is not None and row.post_score is not None:
            gains.append(row.post_score - row.pre_score)
    return sum(gains) / len(gains) if gains else None


def _best_percent_by_user(quiz_id: int, user_ids: list[int]) -> dict[int, Decimal]:
    from assessments.models import Attempt, AttemptState

    rows = (Attempt.objects.filter(quiz_id=quiz_id, user_id__in=user_ids, state=AttemptState.GRADED)
            .values("user_id").annotate(best=Max("percent")).values_list("user_id", "best"))
    return dict(rows)


def attendance_marks(session: ClassSession) -> dict[int, bool]:
    return dict(Attendance.objects.filter(session=session).values_list("participant_id", "present"))


def learner_classes(user) -> dict:
    today = timezone.localdate()
    participations = (Participant.objects.filter(user=user)
                      .select_related("training_class", "training_class__program", "training_class__organiser")
                      .prefetch_related(Prefetch("training_class__sessions"))
                      .order_by("training_class__start_date"))
    upcoming = [p for p in participations if p.training_class.end_date >= today]
    past = [p for p in participations if p.training_class.end_date < today]
    return {"upcoming": upcoming, "past": past[::-1]}


def candidate_learners(training_class: TrainingClass, user, commune_id=None, target_group=None):
    """Learners of the organising unit (and the user's scope) not yet in the class."""
    profiles = access.learners_in_scope(user).filter(ground_q(training_class.organiser.ground_prefixes(),
                                                              "commune__path"), user__is_active=True)
    if commune_id:
        profiles = profiles.filter(commune_id=commune_id)
    if target_group:
        profiles = profiles.filter(target_group=target_group)
    taken = Participant.objects.filter(training_class=training_class).values("user_id")
    return profiles.exclude(user_id__in=taken).order_by("commune__name", "user__full_name")

"""Read queries for training classes: lists in scope, a class sheet, a learner's classes, figures."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from accounts import access
from localities.models import PATH_SEPARATOR, Level, ground_q

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


@dataclass
class ClassFigures:
    locality_id: int
    code: str
    name: str
    class_ids: set = field(default_factory=set)
    learner_ids: set = field(default_factory=set)
    person_times_trained: int = 0
    drillable: bool = False  # a unit with units below it (a province, a district of the past)

    @property
    def classes(self) -> int:
        return len(self.class_ids)

    @property
    def participants(self) -> int:
        return len(self.learner_ids)

    def add(self, class_id: int, user_id: int, trained: bool) -> None:
        self.class_ids.add(class_id)
        self.learner_ids.add(user_id)
        self.person_times_trained += trained


def class_figures(user, year: int | None = None, program_id: int | None = None, target_group: str | None = None,
                  parent=None, children=None) -> list[ClassFigures]:
    """Per unit one level below `parent` (default: the user's widest scope): classes, participants,
    person-times trained (lượt người: a learner trained in two classes counts twice). Learners count in the
    commune they belonged to when they joined the class, under the units of that time: under the new Bắc Ninh,
    a 2023 class of Lục Ngạn counts in Huyện Lục Ngạn's row, a 2025 class in its commune's. Three queries
    whatever the data size (one fewer when the caller already holds `children`, the child units of `parent`:
    then only those rows are counted)."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    parent = parent or _widest_scope(user)
    prefixes = parent.ground_prefixes() if parent.is_current else [parent.path]
    extra_rows = children is None
    if extra_rows:
        children = _row_units(parent, prefixes)
    rows = Participant.objects.filter(ground_q(prefixes, "commune__path"))
    rows = access.filter_in_scope(rows, user, "commune__path")
    if year:
        rows = rows.filter(training_class__funding_year=year)
    if program_id:
        rows = rows.filter(training_class__program_id=program_id)
    if target_group:
        rows = rows.filter(target_group=target_group)
    sessions = (ClassSession.objects.filter(training_class=OuterRef("training_class")).values("training_class")
                .annotate(n=Count("pk")).values("n"))
    if not children:
        return []
    annotated = rows.annotate(
        present=Count("attendance", filter=Q(attendance__present=True)),
        total=Coalesce(Subquery(sessions, output_field=IntegerField()), 0),
    )
    figures = {c.path: ClassFigures(c.pk, c.code, c.name, drillable=c.level != Level.COMMUNE) for c in children}
    values = annotated.values_list("commune__path", "training_class_id", "user_id", "present", "total",
                                   "training_class__attendance_threshold")
    for commune_path, class_id, user_id, present, total, threshold in values:
        unit = figures.get(_row_path(commune_path, prefixes))
        if unit is not None:
            unit.add(class_id, user_id, is_trained(present, total, threshold))
    direct = {c.path for c in children if c.parent_id == parent.pk}
    return [f for path, f in figures.items() if path in direct or f.class_ids or not extra_rows]


def _row_units(parent, prefixes: list[str]):
    """The rows of a report on `parent`: its child units, and the units of earlier eras on its ground (a
    retired district, a commune merged away), which show only when they have classes. One query."""
    from localities.models import Locality

    units = Locality.objects.filter(Q(parent__path__in=prefixes) | Q(path__in=prefixes)).exclude(pk=parent.pk)
    return list(units.order_by("path"))


def _row_path(commune_path: str, prefixes: list[str]) -> str:
    """The unit one level below the ground prefix the commune lies in (the commune itself when it is one)."""
    ground = max((prefix for prefix in prefixes if commune_path.startswith(prefix)), key=len)
    rest = commune_path[len(ground):]
    return ground + rest[:rest.index(PATH_SEPARATOR) + 1] if rest else ground


def _widest_scope(user):
    from localities.models import Locality

    scopes = sorted(access.scope_localities(user), key=lambda loc: len(loc.path))
    return scopes[0] if scopes else Locality.objects.provinces().first()

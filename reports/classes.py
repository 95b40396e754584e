"""Training-class figures of the statistics (issue 15, item 5): classes, participants, person-times trained.

A class counts once, in the unit that organised it (a province class counts in the province's own row, not in
each district its participants came from); participants and person-times count where the participants belong
(the commune recorded on the participation, as then or regrouped like every other figure). So the totals add
up: the total of classes is the number of classes organised on the unit's ground in the period, whatever the
number of their participants (none included). A class belongs to the period in which it starts.

Two grouped queries whatever the data size (classes per organising unit, people per child unit); nothing is
computed per class or per participant in Python.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from accounts import access
from courses.models import Attendance, ClassSession, Participant, TrainingClass
from localities.models import Level, Locality, path_prefixes


def _classes(filters):
    classes = TrainingClass.objects.filter(filters.period_q("start_date"))
    if filters.program_id:
        classes = classes.filter(program_id=filters.program_id)
    if filters.target_group:
        classes = classes.filter(target_group__contains=filters.target_group)
    return classes


def _participants(filters):
    rows = Participant.objects.filter(training_class__in=_classes(filters).values("pk"))
    if filters.target_group:
        rows = rows.filter(target_group=filters.target_group)
    return rows


def _trained_margin():
    """Days present × 100 − threshold × days held: a participant is trained (a person-time) when it is ≥ 0 and
    the class held at least one session (as courses.classes.selectors.is_trained)."""
    present = (Attendance.objects.filter(participant=OuterRef("pk"), present=True).values("participant")
               .annotate(n=Count("pk")).values("n"))
    held = (ClassSession.objects.filter(training_class=OuterRef("training_class")).values("training_class")
            .annotate(n=Count("pk")).values("n"))
    return {
        "days_present": Coalesce(Subquery(present, output_field=IntegerField()), Value(0)),
        "days_held": Coalesce(Subquery(held, output_field=IntegerField()), Value(0)),
    }


def class_figures(units, filters) -> tuple[dict, int]:
    """Per child unit key: {"classes", "participants", "person_times"}; and the classes organised by the
    unit itself (its own row). Two queries."""
    per_unit, own = _classes_per_unit(units, filters)
    people = _participants(filters).filter(units.path_q("commune__path")).alias(**_trained_margin()).alias(
        margin=ExpressionWrapper(F("days_present") * 100 - F("training_class__attendance_threshold")
                                 * F("days_held"), output_field=IntegerField()))
    trained = Q(days_held__gt=0, margin__gte=0)
    by_people = units.grouped(people.order_by(), "commune__path", participants=Count("user_id", distinct=True),
                              person_times=Count("pk", filter=trained))
    for key, values in by_people.items():
        per_unit.setdefault(key, {}).update(values)
    return per_unit, own


def _classes_per_unit(units, filters) -> tuple[dict, int]:
    """Classes per organiser (a few rows: one per organising unit), then per child unit; those organised by
    the report's unit itself (as then: or by a same-level predecessor) are its own."""
    # The unit's ground holds the unit itself (and, as then, its same-level predecessors).
    classes = _classes(filters).filter(units.path_q("organiser__path"))
    own_paths = set(units.prefixes) if units.parent is not None else set()
    rows = (classes.annotate(unit_path=units.path_expr("organiser__path")).values("unit_path")
            .annotate(n=Count("pk")).order_by())
    per_unit, own = {}, 0
    commune_report = units.parent is not None and not units.children
    for row in rows:
        path, count = row["unit_path"], row["n"]
        if path in own_paths and not commune_report:
            own += count
            continue
        key = units.key(path)
        if key is not None:
            per_unit.setdefault(key, {"classes": 0})["classes"] += count
    return per_unit, own


# The trainers' page (issue 15): the class figures alone, for any staff member of the unit -------------------

def start_unit(user):
    """Where a staff member's class figures open: None (every province) for full access, else their widest
    unit of any staff role."""
    if access.has_full_access(user):
        return None
    scopes = sorted(access.scope_localities(user), key=lambda unit: len(unit.path))
    if not scopes:
        raise PermissionDenied
    return scopes[0]


def require_class_report_unit(user, locality_id: int | None):
    """The unit the page is about: 404 if unknown, 403 outside the user's staff scope (a trainer's too)."""
    if not access.is_staff_member(user):
        raise PermissionDenied
    return start_unit(user) if locality_id is None else access.require_locality(user, locality_id)


def class_report(user, parent, filters):
    """The statistics' class columns (classes once at the organiser, people where they belong) per child
    unit of `parent`, with the unit's own classes in a row of their own: two queries for the figures."""
    from .selectors import Figures, Report, Row, _add_classes, _Units

    units = _Units(parent, filters)
    rows = {units.child_key(unit): Row(unit) for unit in units.children}
    if parent is not None and parent.level == Level.COMMUNE:
        rows = {units.prefix: Row(parent, drillable=False)}
    _add_classes(rows, units, filters)
    totals = Figures()
    for row in rows.values():
        totals.add(row.figures)
    above = [] if parent is None else list(Locality.objects.filter(
        path__in=path_prefixes(parent.path)[:-1]).order_by("path"))
    crumbs = [unit for unit in [*above, *([parent] if parent else [])] if access.can_see_locality(user, unit)]
    return Report(parent, filters, list(rows.values()), totals, [], crumbs)

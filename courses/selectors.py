"""Read queries for the course pages and "My learning". Each page runs a fixed number of
queries, whatever the number of programs, lessons or progress rows."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr

from accounts import access
from localities.selectors import overlapping_q, overlaps

from .models import (
    Enrolment,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
    ProgramCompletion,
    ProgramPage,
    ProgressStatus,
)

STEP = 4  # Wagtail's tree path step length: a parent's path is its child's minus 4 characters.


def visible_lessons_q(user) -> Q:
    """Lessons for everyone, plus lessons local to a unit (of any era) that shares ground with the learner's
    commune or the staff member's units: its province, its district of the time, itself, a retired unit
    merged into it (accounts.access.local_ground_prefixes; no query beyond the cached learner's commune)."""
    prefixes = access.local_ground_prefixes(user)
    if prefixes is None:
        return Q()
    return Q(local_unit__isnull=True) | overlapping_q(prefixes, "local_unit__path")


def lesson_visible_to(user, lesson: LessonPage) -> bool:
    """Same rule as `visible_lessons_q` for one lesson: a lesson for everyone needs no query; a local one
    reads its unit once (cached on the lesson)."""
    if lesson.local_unit_id is None:
        return True
    prefixes = access.local_ground_prefixes(user)
    return prefixes is None or overlaps(lesson.local_unit.path, prefixes)


def parent_path(page, levels: int = 1) -> str:
    return page.path[: -STEP * levels]


def lesson_ancestors(lesson: LessonPage) -> tuple[ModulePage, ProgramPage]:
    module = ModulePage.objects.get(path=parent_path(lesson))
    program = ProgramPage.objects.get(path=parent_path(lesson, 2))
    return module, program


def active_enrolment(user, program) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, program=program, unenrolled_at__isnull=True).first()


def _lessons_under(user, page):
    return LessonPage.objects.live().descendant_of(page).filter(visible_lessons_q(user))


def _count_by_prefix(queryset, prefix_length: int, path_field: str = "path") -> dict[str, int]:
    """Count rows grouped by the ancestor path at `prefix_length` (one GROUP BY query)."""
    rows = (queryset.annotate(prefix=Substr(path_field, 1, prefix_length)).values("prefix")
            .annotate(n=Count("pk")).order_by())
    return {row["prefix"]: row["n"] for row in rows}


def _completed_lessons(user, lessons_qs):
    return LessonProgress.objects.filter(user=user, completed_at__isnull=False, lesson__in=lessons_qs)


@dataclass
class ProgressFigures:
    total: int = 0
    done: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress_by_child(user, parent_page, child_depth_path_len: int) -> dict[str, ProgressFigures]:
    """Required-lesson totals and the user's completed counts, per child page path (two queries)."""
    required = _lessons_under(user, parent_page).filter(required=True)
    totals = _count_by_prefix(required, child_depth_path_len)
    done = {}
    if user.is_authenticated:
        done = _count_by_prefix(_completed_lessons(user, required), child_depth_path_len, "lesson__path")
    return {prefix: ProgressFigures(total, done.get(prefix, 0)) for prefix, total in totals.items()}


@dataclass
class ProgramCard:
    program: ProgramPage
    enrolled: bool
    completed: bool
    progress: ProgressFigures = field(default_factory=ProgressFigures)


def program_cards(user, index_page) -> list[ProgramCard]:
    programs = list(ProgramPage.objects.live().child_of(index_page).defer_streamfields()
                    .select_related("cover_image"))
    if not programs:
        return []
    enrolled, completed = _enrolled_and_completed(user)
    figures = progress_by_child(user, index_page, len(programs[0].path))
    return [ProgramCard(p, p.pk in enrolled, p.pk in completed, figures.get(p.path, ProgressFigures()))
            for p in programs]


def _enrolled_and_completed(user) -> tuple[set[int], set[int]]:
    if not user.is_authenticated:
        return set(), set()
    enrolled = set(Enrolment.objects.filter(user=user, unenrolled_at__isnull=True)
                   .values_list("program_id", flat=True))
    completed = set(ProgramCompletion.objects.filter(user=user).values_list("program_id", flat=True))
    return enrolled, completed


@dataclass
class ModuleRow:
    module: ModulePage
    locked: bool
    completed: bool
    progress: ProgressFigures


def program_detail(user, program: ProgramPage) -> dict:
    modules = list(ModulePage.objects.live().child_of(program).select_related("prerequisite"))
    done_modules = _completed_module_ids(user, modules)
    figures = progress_by_child(user, program, len(program.path) + STEP)
    rows = [ModuleRow(m, bool(m.prerequisite_id and m.prerequisite_id not in done_modules),
                      m.pk in done_modules, figures.get(m.path, ProgressFigures())) for m in modules]
    return {
        "modules": rows,
        "enrolment": active_enrolment(user, program),
        "program_completed": user.is_authenticated
        and ProgramCompletion.objects.filter(user=user, program=program).exists(),
        "progress": _sum_figures(figures.values()),
    }


def _sum_figures(figures) -> ProgressFigures:
    total = ProgressFigures()
    for figure in figures:
        total.total += figure.total
        total.done += figure.done
    return total


def _completed_module_ids(user, modules) -> set[int]:
    if not user.is_authenticated or not modules:
        return set()
    return set(ModuleCompletion.objects.filter(user=user, module__in=[m.pk for m in modules])
               .values_list("module_id", flat=True))


def module_is_locked(user, module: ModulePage) -> bool:
    if not module.prerequisite_id:
        return False
    if not user.is_authenticated:
        return True
    return not ModuleCompletion.objects.filter(user=user, module_id=module.prerequisite_id).exists()


@dataclass
class LessonRow:
    lesson: LessonPage
    status: str


def module_detail(user, module: ModulePage) -> dict:
    lessons = list(LessonPage.objects.live().child_of(module).filter(visible_lessons_q(user))
                   .defer_streamfields())
    statuses = _statuses(user, lessons)
    program = ProgramPage.objects.get(path=parent_path(module))
    return {
        "program": program,
        "lessons": [LessonRow(lesson, statuses.get(lesson.pk, ProgressStatus.NOT_STARTED)) for lesson in lessons],
        "locked": module_is_locked(user, module),
        "enrolment": active_enrolment(user, program),
        "module_completed": user.is_authenticated
        and ModuleCompletion.objects.filter(user=user, module=module).exists(),
    }


def _statuses(user, lessons) -> dict[int, str]:
    if not user.is_authenticated or not lessons:
        return {}
    rows = LessonProgress.objects.filter(user=user, lesson__in=[lesson.pk for lesson in lessons])
    return dict(rows.values_list("lesson_id", "status"))


def lesson_detail(user, lesson: LessonPage) -> dict:
    module, program = lesson_ancestors(lesson)
    siblings = list(LessonPage.objects.live().child_of(module).filter(visible_lessons_q(user))
                    .defer_streamfields().only("pk", "title", "url_path", "path"))
    position = next((i for i, s in enumerate(siblings) if s.pk == lesson.pk), 0)
    return {
        "module": module,
        "program": program,
        "progress": None,  # filled by LessonPage.serve when the learner may learn it
        "enrolment": active_enrolment(user, program),
        "locked": module_is_locked(user, module),
        "previous_lesson": siblings[position - 1] if position > 0 else None,
        "next_lesson": siblings[position + 1] if position + 1 < len(siblings) else None,
    }


@dataclass
class LearningRow:
    enrolment: Enrolment
    progress: ProgressFigures
    resume: LessonPage | None
    completed: bool


def my_learning(user) -> dict:
    enrolments = list(Enrolment.objects.filter(user=user, unenrolled_at__isnull=True)
                      .select_related("program").order_by("-enrolled_at"))
    if not enrolments:
        return {"rows": [], "completed": []}
    path_length = len(enrolments[0].program.path)
    figures = _figures_for_programs(user, [e.program for e in enrolments], path_length)
    resume = _resume_lessons(user, [e.program for e in enrolments], path_length)
    completed = set(ProgramCompletion.objects.filter(user=user).values_list("program_id", flat=True))
    rows = [LearningRow(e, figures.get(e.program.path, ProgressFigures()), resume.get(e.program.path),
                        e.program_id in completed) for e in enrolments]
    return {"rows": [r for r in rows if not r.completed], "completed": [r for r in rows if r.completed]}


def _programs_q(programs, field_name: str = "path") -> Q:
    condition = Q()
    for program in programs:
        condition |= Q(**{f"{field_name}__startswith": program.path})
    return condition


def _figures_for_programs(user, programs, path_length) -> dict[str, ProgressFigures]:
    required = (LessonPage.objects.live().filter(_programs_q(programs), required=True)
                .filter(visible_lessons_q(user)))
    totals = _count_by_prefix(required, path_length)
    done = _count_by_prefix(_completed_lessons(user, required), path_length, "lesson__path")
    return {prefix: ProgressFigures(total, done.get(prefix, 0)) for prefix, total in totals.items()}


def _resume_lessons(user, programs, path_length) -> dict[str, LessonPage]:
    """Per program: the most recently touched unfinished lesson, else the first lesson not yet done."""
    lessons = list(LessonPage.objects.live().filter(_programs_q(programs)).filter(visible_lessons_q(user))
                   .defer_streamfields().only("pk", "title", "url_path", "path").order_by("path"))
    progress = {row.lesson_id: row for row in LessonProgress.objects.filter(user=user, lesson__in=lessons)}
    resume: dict[str, LessonPage] = {}
    for lesson in sorted(lessons, key=lambda item: _resume_rank(progress.get(item.pk), item)):
        row = progress.get(lesson.pk)
        if row is None or row.completed_at is None:
            resume.setdefault(lesson.path[:path_length], lesson)
    return resume


def _resume_rank(row, lesson):
    # In-progress lessons first, most recent first; then untouched lessons in curriculum order.
    if row is not None and row.completed_at is None:
        return (0, -row.updated_at.timestamp(), lesson.path)
    return (1, 0, lesson.path)

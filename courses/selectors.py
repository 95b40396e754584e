"""Read queries for the course pages and "My learning". Each page runs a fixed number of
queries, whatever the number of programs, lessons or progress rows."""

import functools
import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Substr
from django.urls import get_script_prefix
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts import access
from localities.models import Level
from localities.selectors import overlapping_q, overlaps

from .models import (
    Enrolment,
    EnrolmentSource,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
    PracticeSubmission,
    ProgramCompletion,
    ProgramPage,
    ProgressStatus,
)

STEP = 4  # Wagtail's tree path step length: a parent's path is its child's minus 4 characters.
# A child's path is its parent's and one step of the tree's alphabet (treebeard's MP_Node, "0…9A…Z").
_FIRST_STEP, _LAST_STEP = "0" * STEP, "Z" * STEP


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
    # Quizzes count as items where shown ("My learning"): 100 % only once they are passed too.
    quizzes_total: int = 0
    quizzes_done: int = 0

    @property
    def percent(self) -> int:
        total, done = self.total + self.quizzes_total, self.done + self.quizzes_done
        return (100 if done >= total else min(99, round(100 * done / total))) if total else 0


def progress_by_child(user, parent_page, child_depth_path_len: int) -> dict[str, ProgressFigures]:
    """Required-lesson totals and the user's completed counts, per child page path (one GROUP BY query)."""
    required = _lessons_under(user, parent_page).filter(required=True).annotate(
        prefix=Substr("path", 1, child_depth_path_len))
    if not user.is_authenticated:
        rows = required.values("prefix").annotate(n=Count("pk"), done=Value(0)).order_by()
    else:
        completed = LessonProgress.objects.filter(user=user, lesson=OuterRef("pk"), completed_at__isnull=False)
        rows = (required.annotate(is_done=Exists(completed)).values("prefix")
                .annotate(n=Count("pk"), done=Count("pk", filter=Q(is_done=True))).order_by())
    return {row["prefix"]: ProgressFigures(row["n"], row["done"]) for row in rows}


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
    """The program page: its modules, the learner's progress, enrolment and completions. Four queries for an
    enrolled learner (modules, the learner's facts, module completions, required lessons with the learner's
    completions), one for a visitor; the hot ones compiled once (lms/precompiled.py). Progress is counted only
    for an enrolled learner: nobody else is shown any."""
    modules = _PROGRAM_QUERIES.modules().rows(program_path=program.path, depth=program.depth + 1)
    facts = learner_facts(user, program.pk, program_completed=True)
    done_modules = _completed_modules_under(user, program)
    figures = _program_progress(user, program) if facts.enrolment_id else {}
    rows = [ModuleRow(m, bool(m.prerequisite_id and m.prerequisite_id not in done_modules),
                      m.pk in done_modules, figures.get(m.path, ProgressFigures())) for m in modules]
    return {
        "modules": rows,
        "enrolment": facts.enrolment_id,
        "program_completed": facts.program_completed,
        "progress": _sum_figures(figures.values()),
        "index_url": _parent_url(program),
    }


def visitor_key(request, program: ProgramPage, rows: list[ModuleRow]) -> str:
    """A digest of everything the program page shows a visitor (the program's fields, its modules' titles, links
    and locks, the organiser's name, the language): the key of the visitor's page, rendered once per content.
    An edit, published or saved, changes the digest, so it shows on the next request."""
    from content import site_cache

    organiser = site_cache.organiser_settings_for_request(request)
    shown = (get_language(), request.path, program.pk, program.url_path, program.title, program.code,
             program.target_groups, program.nominal_hours, program.organiser, program.summary, program.final_quiz_id,
             getattr(organiser, "organiser_name", ""),
             [(row.module.pk, row.module.title, row.module.url_path, row.module.prerequisite_title, row.locked)
              for row in rows])
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


class _ProgramQueries:
    """The program page's queries, compiled on first use (the models' tables must exist)."""

    @functools.cache  # noqa: B019 - one instance for the process
    def modules(self):
        from lms.precompiled import Precompiled

        return Precompiled(lambda program_path, depth: ModulePage.objects.live().filter(
            path__startswith=program_path, depth=depth).annotate(prerequisite_title=F("prerequisite__title"))
            .defer_streamfields().only("pk", "title", "url_path", "path", "depth", "prerequisite_id").order_by("path"),
            texts=("program_path",), numbers=("depth",))

    @functools.cache  # noqa: B019
    def lessons(self):
        from lms.precompiled import Precompiled

        def build(program_path, user_id):
            done = LessonProgress.objects.filter(user_id=user_id, lesson=OuterRef("pk"), completed_at__isnull=False)
            return (LessonPage.objects.live().filter(path__startswith=program_path, required=True)
                    .annotate(is_done=Exists(done), local_unit_path=F("local_unit__path"))
                    .values_list("path", "local_unit_id", "local_unit_path", "is_done"))

        return Precompiled(build, texts=("program_path",), numbers=("user_id",))

    @functools.cache  # noqa: B019
    def module_completions(self):
        from lms.precompiled import Precompiled

        return Precompiled(lambda program_path, user_id: ModuleCompletion.objects.filter(
            user_id=user_id, module__path__startswith=program_path).values_list("module_id"),
            texts=("program_path",), numbers=("user_id",))


_PROGRAM_QUERIES = _ProgramQueries()


def _completed_modules_under(user, program) -> set[int]:
    if not user.is_authenticated:
        return set()
    completions = _PROGRAM_QUERIES.module_completions().tuples(program_path=program.path, user_id=user.pk)
    return {module_id for (module_id,) in completions}


def _program_progress(user, program) -> dict[str, ProgressFigures]:
    """Required lessons the enrolled learner may see and those they completed, per module path: `progress_by_child` for
    one program, with the visibility rule (`visible_lessons_q`) applied to the few lessons in Python."""
    prefixes = access.local_ground_prefixes(user)
    module_path_length = len(program.path) + STEP
    figures: dict[str, ProgressFigures] = {}
    for path, local_unit_id, local_unit_path, is_done in _PROGRAM_QUERIES.lessons().tuples(
            program_path=program.path, user_id=user.pk):
        if local_unit_id is not None and prefixes is not None and not overlaps(local_unit_path, prefixes):
            continue
        figure = figures.setdefault(path[:module_path_length], ProgressFigures())
        figure.total += 1
        figure.done += bool(is_done)
    return figures


def _parent_url(page) -> str:
    """The parent page's URL from the page's own (no query): Wagtail URLs follow the tree."""
    url = page.get_url()
    return url[: url.rstrip("/").rfind("/") + 1] if url else ""


@dataclass(frozen=True, slots=True)
class LessonState:
    """What the lesson page shows of the learner's row for the lesson (`LessonProgress`)."""
    completed: bool
    position: float


@dataclass
class LearnerFacts:
    enrolment_id: int | None = None
    program_completed: bool = False
    prerequisite_done: bool = False
    handed_in: bool = False  # anything handed in for the lesson's practice tasks
    lesson_state: LessonState | None = None  # None: the learner never opened the lesson


def learner_facts(user, program_id: int, prerequisite_id: int | None = None,
                  program_completed: bool = False, lesson_id: int | None = None) -> LearnerFacts:
    """What a learner page needs to know about the user, in one query whatever the size of the tables: the
    active enrolment in the program, whether the module's prerequisite is done and the program completed,
    whether anything was handed in for the lesson's practice tasks (most learners have not: their hand-in is
    then shown without reading it), and the learner's commune (their local ground, kept for
    `visible_lessons_q`). Plain SQL: built by the ORM (five correlated subqueries) it cost more Python than
    every other query of the page together."""
    if not user.is_authenticated:
        return LearnerFacts()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_learner_facts_sql(), [program_id, prerequisite_id or 0, program_id, lesson_id or 0,
                                              lesson_id or 0, user.pk])
        row = cursor.fetchone()
    return _facts_of_row(user, row)


def _facts_of_row(user, row) -> LearnerFacts:
    """`_FACTS_COLUMNS` read into LearnerFacts (and the learner's ground kept on the user); no row, or a row
    of NULLs (an outer join that found no user), is a user with no facts."""
    if row is None or row[0] is None:
        return LearnerFacts()
    (_user_id, commune_path, commune_paths, holds_role, enrolment_id, prerequisite_done, completed, handed_in,
     progress_id, lesson_completed_at, position) = row
    access.remember_local_ground(user, commune_path, commune_paths, bool(holds_role))
    state = None if progress_id is None else LessonState(lesson_completed_at is not None, position)
    return LearnerFacts(enrolment_id, bool(completed), bool(prerequisite_done), bool(handed_in), state)


_FACTS_COLUMNS = 11
FAMILY_COLUMNS = 9 + _FACTS_COLUMNS  # a family row: the page's 9 columns (`_family_parts`), then the facts
_FAMILY_PATHS = ("program", "module", "first_child", "last_child", "depth")  # `_family_parts`: the family found by


def facts_user_id(user) -> int:
    """The user id the family's facts are read for: 0 for a visitor (no user has it, the facts are NULLs)."""
    return user.pk if user.is_authenticated else 0


@functools.cache
def _learner_facts_sql(program: str = "%s", prerequisite: str = "%s", lesson: str = "%s", user: str = "%s") -> str:
    """The facts' statement. Each argument is the SQL giving an id: a placeholder (the default), or a subquery
    that finds it. With placeholders, the parameters are program, prerequisite, program, lesson id (hand-ins),
    lesson id (the learner's row for it), user id."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from accounts.models import STAFF_ROLES, LearnerProfile, RoleAssignment
    from localities.models import Locality

    q = connection.ops.quote_name

    def table(model):
        return q(model._meta.db_table)

    roles = ", ".join("'%s'" % role for role in STAFF_ROLES)  # noqa: UP031 - fixed choice values, not input
    return (
        f"SELECT u.id, c.path, c.ground_paths, "
        f"EXISTS (SELECT 1 FROM {table(RoleAssignment)} r WHERE r.user_id = u.id AND r.role IN ({roles})), "
        f"(SELECT e.id FROM {table(Enrolment)} e WHERE e.user_id = u.id AND e.program_id = {program} "
        f"AND e.unenrolled_at IS NULL LIMIT 1), "
        f"EXISTS (SELECT 1 FROM {table(ModuleCompletion)} m WHERE m.user_id = u.id AND m.module_id = {prerequisite}), "
        f"EXISTS (SELECT 1 FROM {table(ProgramCompletion)} p WHERE p.user_id = u.id AND p.program_id = {program}), "
        f"EXISTS (SELECT 1 FROM {table(PracticeSubmission)} s WHERE s.user_id = u.id AND s.lesson_id = {lesson}), "
        f"o.id, o.completed_at, o.position "
        f"FROM {table(get_user_model())} u LEFT JOIN {table(LearnerProfile)} lp ON lp.user_id = u.id "
        f"LEFT JOIN {table(Locality)} c ON c.id = lp.commune_id "
        f"LEFT JOIN {table(LessonProgress)} o ON o.user_id = u.id AND o.lesson_id = {lesson} WHERE u.id = {user}")


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
    """The lesson page's facts in one query whatever the size (`_lesson_family`): the module, the program and
    the lesson's siblings, each row carrying the learner's enrolment, prerequisite and ground, and whether
    anything was handed in for the lesson. Module, program and siblings are `FamilyRow`s (title, URL); the
    prerequisite's title is `prerequisite_title`."""
    module, program, siblings, facts = _lesson_family(user, lesson)
    prefixes = access.local_ground_prefixes(user)
    siblings = [s for s in siblings if s.pk == lesson.pk or s.local_unit is None or prefixes is None
                or overlaps(s.local_unit_path, prefixes)]
    position = next((i for i, s in enumerate(siblings) if s.pk == lesson.pk), 0)
    locked = bool(module.prerequisite) and not facts.prerequisite_done
    return {
        "module": module,
        "program": program,
        "prerequisite_title": module.prerequisite_title,
        "progress": None,  # filled by LessonPage.serve when the learner may learn it
        "lesson_state": facts.lesson_state,
        "enrolment": facts.enrolment_id,
        "handed_in": facts.handed_in,
        "locked": locked,
        "previous_lesson": siblings[position - 1] if position > 0 else None,
        "next_lesson": siblings[position + 1] if position + 1 < len(siblings) else None,
    }


@dataclass(frozen=True, slots=True)
class FamilyRow:
    """The program, the module or a sibling lesson of a lesson page: its title and link, and the facts the
    page's rules read (the module's prerequisite, a local lesson's unit). A plain row, not a page instance:
    a Wagtail page costs ~14 µs to build and `{% pageurl %}` ~12 µs to link, six times a request."""
    pk: int
    title: str
    url: str
    path: str
    depth: int
    prerequisite: int | None
    prerequisite_title: str | None
    local_unit: int | None
    local_unit_path: str | None


@functools.cache
def _family_sql() -> str:
    """The program, the module and the live lessons under the module, in tree order, each row followed by the
    learner's facts (`_learner_facts_sql`, outer-joined: NULLs for a visitor). The facts find the program and
    the prerequisite by their tree paths, so the page costs one round trip for both. Parameters:
    `_family_params`. For a lesson not found by `courses.page_serving` (a preview, a restricted page)."""
    placeholders = dict.fromkeys(_FAMILY_PATHS, "%s")
    columns, tables, where = _family_parts(placeholders, lesson="%s")
    return f"SELECT {columns} FROM {tables} WHERE {where} ORDER BY fp.path"


def lesson_with_family_sql(page_sql: str) -> str:
    """A lesson page's own query (`page_sql`, courses.page_serving) with the lesson's family and the learner's
    facts: the rows of `_family_sql`, the lesson's own row followed by the page's columns (NULLs on the
    others). The family is found from the page the statement finds (`lesson`, its paths in `found`), so a
    lesson page reads the page, its family and the facts in one round trip. `found` is joined, not read by
    subqueries, so that both databases search the page table's path index from its values (by subqueries,
    SQLite scanned the table). Placeholders: the page query's, then the user id."""
    module = f"substr(path, 1, length(path) - {STEP})"
    found = (f"SELECT id, depth, substr(path, 1, length(path) - {2 * STEP}) AS program, {module} AS module, "
             f"{module} || '{_FIRST_STEP}' AS first_child, {module} || '{_LAST_STEP}' AS last_child FROM lesson")
    values = {name: f"found.{name}" for name in _FAMILY_PATHS}
    columns, tables, where = _family_parts(values, lesson="found.id", facts_from="found")
    return (f"WITH lesson AS ({page_sql}), found AS ({found}) SELECT {columns}, lesson.* FROM found CROSS JOIN "
            f"{tables} LEFT JOIN lesson ON fp.id = found.id WHERE {where} ORDER BY fp.path")


def _family_parts(paths: dict, lesson: str, facts_from: str = "") -> tuple[str, str, str]:
    """The family's columns, tables and condition. `paths`: the SQL of the program's and the module's paths,
    of the first and last path a child of the module can have and of the lessons' depth (`_family_sql`);
    `lesson`: of the lesson's id. The facts are a table of their own: given `facts_from`, they read the paths
    and the id from it by subqueries. The user id is a placeholder. The module's children are a range on the
    path index, not LIKE: with the OR, LIKE made both databases read every page of the site."""
    from django.db import connection
    from wagtail.models import Page

    from localities.models import Locality

    def of_facts(value: str) -> str:
        return f"(SELECT {value} FROM {facts_from})" if facts_from else value

    q = connection.ops.quote_name
    page, module_table, lesson_table, unit = (q(model._meta.db_table)
                                              for model in (Page, ModulePage, LessonPage, Locality))
    module_id, lesson_id = q(ModulePage._meta.pk.column), q(LessonPage._meta.pk.column)
    prerequisite = q(ModulePage._meta.get_field("prerequisite").column)
    local_unit = q(LessonPage._meta.get_field("local_unit").column)
    program, module = paths["program"], paths["module"]
    facts = _learner_facts_sql(
        program=f"(SELECT pp.id FROM {page} pp WHERE pp.path = {of_facts(program)})",
        prerequisite=f"(SELECT mm.{prerequisite} FROM {module_table} mm INNER JOIN {page} mp "
                     f"ON mp.id = mm.{module_id} WHERE mp.path = {of_facts(module)})", lesson=of_facts(lesson))
    columns = (f"fp.id, fp.title, fp.url_path, fp.path, fp.depth, fm.{prerequisite}, pre.title, fl.{local_unit}, "
               f"lu.path, facts.*")  # FAMILY_COLUMNS
    tables = (f"{page} fp LEFT JOIN {module_table} fm ON fm.{module_id} = fp.id "
              f"LEFT JOIN {page} pre ON pre.id = fm.{prerequisite} LEFT JOIN {lesson_table} fl "
              f"ON fl.{lesson_id} = fp.id LEFT JOIN {unit} lu ON lu.id = fl.{local_unit} "
              f"LEFT JOIN ({facts}) facts ON 1 = 1")
    where = (f"fp.path IN ({program}, {module}) OR (fp.path BETWEEN {paths['first_child']} "
             f"AND {paths['last_child']} AND fp.depth = {paths['depth']} AND fp.live)")
    return columns, tables, where


def _lesson_family(user, lesson: LessonPage):
    """(module, program, live sibling lessons in tree order, the learner's facts) of a lesson: the rows the
    page's own query brought for this user (`lesson_with_family_sql`), else one query."""
    from django.db import connection

    module_path, program_path = parent_path(lesson), parent_path(lesson, 2)
    user_id = facts_user_id(user)
    brought_for, rows = getattr(lesson, "family_rows", (None, None))
    if brought_for != user_id:
        with connection.cursor() as cursor:
            cursor.execute(_family_sql(), _family_params(lesson, user_id))
            rows = cursor.fetchall()
    home_url_path = _ancestor_url_path(lesson.url_path, 4)  # home / program index / program / module / lesson
    prefix = get_script_prefix()
    family = [FamilyRow(pk, title, prefix + url_path[len(home_url_path):], *rest[:-_FACTS_COLUMNS])
              for pk, title, url_path, *rest in rows]
    facts = _facts_of_row(user, rows[0][-_FACTS_COLUMNS:]) if user.is_authenticated and rows else LearnerFacts()
    by_path = {row.path: row for row in family}
    siblings = [row for row in family if row.depth == lesson.depth]
    return by_path[module_path], by_path[program_path], siblings, facts


def _family_params(lesson: LessonPage, user_id: int) -> list:
    """`_family_sql`'s parameters, in the order its text takes them."""
    module_path, program_path = parent_path(lesson), parent_path(lesson, 2)
    return [program_path, module_path, program_path, lesson.pk, lesson.pk, user_id,
            program_path, module_path, module_path + _FIRST_STEP, module_path + _LAST_STEP, lesson.depth]


def _ancestor_url_path(url_path: str, levels: int) -> str:
    """The url_path of the page `levels` above the one at `url_path` ("/home/a/b/", 2 → "/home/")."""
    parts = url_path.rstrip("/").split("/")  # "/home/a/b/" → ["", "home", "a", "b"]
    return "/".join(parts[: len(parts) - levels]) + "/"


@dataclass
class PendingQuiz:
    quiz_id: int
    title: str
    module: ModulePage | None  # None: the program's final quiz


@dataclass
class LearningRow:
    enrolment: Enrolment
    progress: ProgressFigures
    resume: LessonPage | None
    completed: bool
    pending_quizzes: list = field(default_factory=list)  # quizzes whose lessons are done, not yet passed


@dataclass
class FinishedRow:
    completion: ProgramCompletion
    certificate: object | None


def my_learning(user) -> dict:
    """Programs in progress (lessons and quizzes counted: not 100 % while a quiz is pending, which is named
    with a link), and every finished program with its certificate, enrolled or not. Seven queries."""
    finished = _finished_programs(user)
    done_ids = {row.completion.program_id for row in finished}
    enrolments = [e for e in Enrolment.objects.filter(user=user, unenrolled_at__isnull=True)
                  .select_related("program").order_by("-enrolled_at") if e.program_id not in done_ids]
    if not enrolments:
        return {"rows": [], "completed": finished}
    programs = [e.program for e in enrolments]
    path_length = len(programs[0].path)
    by_module = _figures_for_programs(user, programs, path_length + STEP)
    resume = _resume_lessons(user, programs, path_length)
    rows = [LearningRow(e, ProgressFigures(), resume.get(e.program.path), False) for e in enrolments]
    _add_lessons_and_quizzes(user, rows, by_module, path_length)
    return {"rows": rows, "completed": finished}


def _finished_programs(user) -> list[FinishedRow]:
    from .models import Certificate, CertificateStatus

    completions = list(ProgramCompletion.objects.filter(user=user).select_related("program")
                       .order_by("-completed_at"))
    if not completions:
        return []
    certificates = {c.program_id: c for c in Certificate.objects.filter(user=user).exclude(
        status=CertificateStatus.REVOKED).order_by("issued_at")}
    return [FinishedRow(c, certificates.get(c.program_id)) for c in completions]


def _add_lessons_and_quizzes(user, rows, by_module, path_length) -> None:
    """Each row's figures: its modules' required lessons, plus one item per module quiz and final quiz."""
    modules = list(ModulePage.objects.live().filter(_programs_q([r.enrolment.program for r in rows]))
                   .select_related("quiz").only("pk", "title", "path", "url_path", "quiz_id", "quiz__title")
                   .order_by("path"))
    quiz_ids = {m.quiz_id for m in modules if m.quiz_id} | {
        r.enrolment.program.final_quiz_id for r in rows if r.enrolment.program.final_quiz_id}
    from assessments.selectors import passed_quiz_ids

    passed = passed_quiz_ids(user.pk, quiz_ids) if quiz_ids else set()
    by_program = {row.enrolment.program.path: row for row in rows}
    for module in modules:
        row, lessons = by_program[module.path[:path_length]], by_module.get(module.path, ProgressFigures())
        row.progress.total += lessons.total
        row.progress.done += lessons.done
        if module.quiz_id:
            _count_quiz(row, module.quiz_id, module.quiz.title, module, lessons.done >= lessons.total, passed)
    for row in rows:
        program = row.enrolment.program
        if program.final_quiz_id:
            all_done = row.progress.done >= row.progress.total and not row.pending_quizzes
            _count_quiz(row, program.final_quiz_id, _("Bài kiểm tra cuối chương trình"), None, all_done, passed)


def _count_quiz(row, quiz_id, title, module, lessons_done: bool, passed: set[int]) -> None:
    row.progress.quizzes_total += 1
    if quiz_id in passed:
        row.progress.quizzes_done += 1
    elif lessons_done:
        row.pending_quizzes.append(PendingQuiz(quiz_id, title, module))


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
    # In-progress lessons first, the latest studied first (its last report, or its first opening when the
    # learner has sent none yet: opening it again writes nothing); then untouched lessons in curriculum order.
    if row is not None and row.completed_at is None:
        opened_or_reported = max(row.updated_at, row.clock_started_at or row.updated_at)
        return (0, -opened_or_reported.timestamp(), lesson.path)
    return (1, 0, lesson.path)


# Rules for learning in a module (lessons, progress and its quiz alike) ---------------------

def learner_target_group(user) -> str | None:
    """The learner's target group (cached on the user object for the request); None for staff."""
    if not user.is_authenticated:
        return None
    if "_learner_target_group" not in user.__dict__:
        from accounts.models import LearnerProfile

        group = LearnerProfile.objects.filter(user=user).values_list("target_group", flat=True).first()
        user.__dict__["_learner_target_group"] = group
    return user.__dict__["_learner_target_group"]


def group_may_self_enrol(user, program: ProgramPage) -> bool:
    group = learner_target_group(user)
    return not group or group in program.target_groups


def in_target_group(user, program: ProgramPage, enrolment: Enrolment) -> bool:
    """A learner learns the programs of their group; an enrolment a manager or a class made is that
    manager's decision and counts whatever the group."""
    return enrolment.source != EnrolmentSource.SELF or group_may_self_enrol(user, program)


def module_refusal(user, program: ProgramPage, module: ModulePage | None, enrolment: Enrolment | None,
                   completed_module_ids: set[int]):
    """Why the user may not learn in `module` of `program` (a CoursesError to raise), or None.

    One rule for opening a lesson, reporting progress and starting the module's quiz; `module` None
    checks the program only (its final quiz)."""
    from .exceptions import ModuleLocked, NotEnrolled, NotInTargetGroup

    if enrolment is None:
        return NotEnrolled(_("Bạn cần ghi danh chương trình “%(program)s” trước.") % {"program": program.title})
    if not in_target_group(user, program, enrolment):
        return NotInTargetGroup(_("Chương trình “%(program)s” dành cho nhóm đối tượng khác.")
                                % {"program": program.title})
    if module is not None and module.prerequisite_id and module.prerequisite_id not in completed_module_ids:
        return ModuleLocked(_("Hãy hoàn thành chuyên đề “%(module)s” trước.") % {
            "module": module.prerequisite.title})
    return None


def completed_module_ids(user, module_ids) -> set[int]:
    module_ids = [pk for pk in module_ids if pk]
    if not user.is_authenticated or not module_ids:
        return set()
    return set(ModuleCompletion.objects.filter(user=user, module_id__in=module_ids)
               .values_list("module_id", flat=True))


def quiz_refusal(user, quiz_id: int):
    """Why the user may not start this quiz (a CoursesError), or None. A quiz is governed by the places
    of the curriculum that use it — a module's quiz, a program's final quiz, a quiz link in a local
    lesson — and may be started when one of them lets the user learn there. A quiz the curriculum does
    not use (a class's pre/post test) keeps only its own rules. A fixed number of queries."""
    places = _quiz_places(user, quiz_id)
    if not places:
        return None
    programs = {p.path: p for p in ProgramPage.objects.live().filter(path__in={path for path, _m in places})}
    enrolments = {e.program_id: e for e in Enrolment.objects.filter(
        user_id=user.pk, program__in=list(programs.values()), unenrolled_at__isnull=True)}
    completed = completed_module_ids(user, [m.prerequisite_id for _path, m in places if _is_module(m)])
    refusals = []
    for path, module in places:
        program = programs.get(path)
        if program is None:
            continue  # a module of an unpublished program: no one learns there
        refusal = module if isinstance(module, Exception) else module_refusal(
            user, program, module, enrolments.get(program.pk), completed)
        if refusal is None:
            return None
        refusals.append(refusal)
    return refusals[0] if refusals else _nowhere()


def _is_module(place) -> bool:
    return isinstance(place, ModulePage)


def _nowhere():
    from .exceptions import NotEnrolled

    return NotEnrolled(_("Bài kiểm tra này thuộc một chương trình chưa mở."))


def _quiz_places(user, quiz_id: int) -> list[tuple]:
    """(program path, module | None | refusal) for each place that uses the quiz."""
    from .quiz_places import curriculum_places

    return [*curriculum_places(quiz_id, _curriculum_places), *_local_lesson_places(user, quiz_id)]


def _curriculum_places(quiz_id: int) -> list[tuple]:
    """The live modules whose quiz it is, and the live programs whose final test it is."""
    places = [(parent_path(m), m) for m in
              ModulePage.objects.live().filter(quiz_id=quiz_id).select_related("prerequisite")]
    return places + [(path, None) for path in
                     ProgramPage.objects.live().filter(final_quiz_id=quiz_id).values_list("path", flat=True)]


def _local_lesson_places(user, quiz_id: int) -> list[tuple]:
    """Local lessons that link the quiz (quiz-link block, which stores the id as a string): the quiz is
    then for the learners who may see such a lesson. Only local lessons are searched: they are few, and
    a province-wide link adds no rule beyond those of its module's quiz."""
    from .exceptions import LessonNotVisible

    lessons = [lesson for lesson in LessonPage.objects.live().filter(local_unit__isnull=False)
               .filter(body__icontains=f'"quiz": "{int(quiz_id)}"').only("pk", "path", "local_unit_id")]
    if not lessons:
        return []
    modules = {m.path: m for m in ModulePage.objects.filter(path__in={parent_path(le) for le in lessons})
               .select_related("prerequisite")}
    hidden = LessonNotVisible(_not_visible_message())
    return [(parent_path(lesson, 2), modules.get(parent_path(lesson)) if lesson_visible_to(user, lesson) else hidden)
            for lesson in lessons]


def _not_visible_message() -> str:
    return _("Bài học này không dành cho địa bàn của bạn.")


# Completion rules of a lesson ----------------------------------------------------------------

MEDIA_END_TOLERANCE = 5.0  # seconds, or 5 % of a long recording: stored and browser durations differ a little
MIN_LISTENED_SHARE = 0.5  # of the recording's length: double speed is the fastest a player offers


def media_seconds(lesson: LessonPage) -> float | None:
    """The length of the lesson's first audio or video file (the one the page reports progress for)."""
    from .templatetags.courses_tags import audio_duration

    for block in lesson.body:
        if block.block_type in ("audio", "video") and block.value.get("file"):
            return _parse_duration(audio_duration(block.value))
    return None


def _parse_duration(text: str) -> float | None:
    """"m:ss" or "h:mm:ss" as seconds; None when missing or malformed."""
    parts = (text or "").strip().split(":")
    if not 2 <= len(parts) <= 3 or not all(part.isdigit() for part in parts):
        return None
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return float(seconds) or None


def completion_rule_met(lesson: LessonPage, seconds_spent: int, position: float) -> bool:
    """Whether a report may complete the lesson. A manual lesson completes when the learner says so
    (the tap). A media lesson completes at the end of its recording, listened to for at least half its
    length; without a known length, after half the lesson's estimated time."""
    from .models import CompletionRule

    if lesson.completion_rule != CompletionRule.MEDIA_END:
        return True
    length = media_seconds(lesson)
    if length is None:
        return seconds_spent >= lesson.estimated_minutes * 60 * MIN_LISTENED_SHARE
    near_end = position >= length - max(MEDIA_END_TOLERANCE, 0.05 * length)
    return near_end and seconds_spent >= length * MIN_LISTENED_SHARE


def quiz_start_refusal(user, quiz) -> str | None:
    """The start rule courses registers with assessments (see CoursesConfig.ready)."""
    refusal = quiz_refusal(user, quiz.pk)
    return str(refusal) if refusal is not None else None


def final_quiz_offline_refusal(quiz) -> str | None:
    """The offline rule courses registers with assessments: a program's final test is never taken offline."""
    if ProgramPage.objects.filter(final_quiz_id=quiz.pk).exists():
        return _("Bài kiểm tra cuối chương trình chỉ làm khi có mạng.")
    return None


# Completions the records show (the drift check and repair) ------------------------------------

@dataclass
class CompletionDrift:
    """Completions the learning records show but no row holds. Rows are never removed by a repair:
    a completion is a fact of its day, even if a required lesson was added later."""

    modules: list = field(default_factory=list)  # (user_id, module_id)
    programs: list = field(default_factory=list)  # (user_id, program_id)

    @property
    def count(self) -> int:
        return len(self.modules) + len(self.programs)

    @property
    def found(self) -> bool:
        return bool(self.count)

    def summary(self) -> str:
        return (f"{len(self.modules)} module and {len(self.programs)} program completions missing; "
                f"first: {self.modules[:5]} {self.programs[:5]}")


def missing_completions(user_ids=None) -> CompletionDrift:
    """Compare what refresh_completion would record for every active enrolment (of `user_ids`; None: all)
    with the stored completion rows. A fixed number of queries, whatever the number of learners."""
    enrolled = _active_learners_by_program(user_ids)
    if not enrolled:
        return CompletionDrift()
    programs = list(ProgramPage.objects.live().filter(pk__in=list(enrolled)).only("pk", "path", "final_quiz_id"))
    modules = list(ModulePage.objects.live().filter(_programs_q(programs)).only("pk", "path", "quiz_id"))
    lessons = _required_lessons_by_module(programs)
    users = set().union(*enrolled.values())
    done = _completed_lessons_by_user(user_ids, programs)
    visible = _visible_districts_by_user(users)
    from assessments.selectors import passed_pairs

    quiz_ids = {m.quiz_id for m in modules if m.quiz_id} | {p.final_quiz_id for p in programs if p.final_quiz_id}
    passed = passed_pairs(quiz_ids, user_ids)
    stored_modules = set(_limit_users(ModuleCompletion.objects.all(), user_ids).values_list("user_id", "module_id"))
    stored_programs = set(_limit_users(ProgramCompletion.objects.all(), user_ids).values_list("user_id", "program_id"))
    drift = CompletionDrift()
    for program in programs:
        own_modules = [m for m in modules if parent_path(m) == program.path]
        for user_id in sorted(enrolled.get(program.pk, ())):
            learned, districts = done.get(user_id, set()), visible.get(user_id, ())
            complete = [m for m in own_modules if _module_done(m, lessons.get(m.path, []), learned, districts,
                                                               (user_id, m.quiz_id) in passed)]
            drift.modules += [(user_id, m.pk) for m in complete if (user_id, m.pk) not in stored_modules]
            if own_modules and len(complete) == len(own_modules) and (
                    not program.final_quiz_id or (user_id, program.final_quiz_id) in passed) and (
                    (user_id, program.pk) not in stored_programs):
                drift.programs.append((user_id, program.pk))
    return drift


def _limit_users(queryset, user_ids):
    return queryset if user_ids is None else queryset.filter(user_id__in=list(user_ids))


def _active_learners_by_program(user_ids) -> dict[int, set[int]]:
    by_program: dict[int, set[int]] = {}
    rows = _limit_users(Enrolment.objects.filter(unenrolled_at__isnull=True), user_ids)
    for user_id, program_id in rows.values_list("user_id", "program_id").iterator(chunk_size=20000):
        by_program.setdefault(program_id, set()).add(user_id)
    return by_program


def _required_lessons_by_module(programs) -> dict[str, list[tuple[int, int | None]]]:
    lessons: dict[str, list] = {}
    rows = LessonPage.objects.live().filter(_programs_q(programs), required=True).values_list(
        "pk", "path", "local_unit_id")
    for pk, path, unit_id in rows:
        lessons.setdefault(path[:-STEP], []).append((pk, unit_id))
    return lessons


def _completed_lessons_by_user(user_ids, programs) -> dict[int, set[int]]:
    done: dict[int, set[int]] = {}
    rows = _limit_users(LessonProgress.objects.filter(completed_at__isnull=False), user_ids).filter(
        _programs_q(programs, "lesson__path"))
    for user_id, lesson_id in rows.values_list("user_id", "lesson_id").iterator(chunk_size=20000):
        done.setdefault(user_id, set()).add(lesson_id)
    return done


def _visible_districts_by_user(user_ids) -> dict[int, set[int] | None]:
    """visible_district_ids for many users at once: None (every lesson) for superusers and province
    staff; otherwise the learner's own district and the districts of their staff roles."""
    from accounts.models import STAFF_ROLES, LearnerProfile, RoleAssignment, User

    visible: dict[int, set[int] | None] = {}
    # A lesson may be local to the learner's commune or any unit above it (local_unit); a retired unit's
    # ground is not followed here: repair errs on the side of not requiring such a lesson.
    rows = LearnerProfile.objects.values_list("user_id", "commune_id", "commune__parent_id",
                                              "commune__parent__parent_id")
    for user_id, *units in rows.iterator(chunk_size=20000):
        if user_id in user_ids:
            visible[user_id] = {unit for unit in units if unit}
    for user_id, unit_id, level in RoleAssignment.objects.filter(role__in=STAFF_ROLES).values_list(
            "user_id", "locality_id", "locality__level"):
        if user_id not in user_ids or visible.get(user_id, set()) is None:
            continue
        visible[user_id] = None if level == Level.PROVINCE else visible.get(user_id, set()) | {unit_id}
    for user_id in User.objects.filter(is_superuser=True).values_list("pk", flat=True):
        if user_id in user_ids:
            visible[user_id] = None
    return visible


def _module_done(module: ModulePage, lessons, done: set[int], districts, quiz_passed: bool) -> bool:
    """refresh_completion's rule: every required lesson the learner can see is completed, quiz passed."""
    for lesson_id, unit_id in lessons:
        can_see = unit_id is None or districts is None or unit_id in districts
        if can_see and lesson_id not in done:
            return False
    return not module.quiz_id or quiz_passed


# After a quiz: where the learner goes next -------------------------------------------------------

def quiz_next_step(attempt) -> tuple[str, str] | None:
    """(label, url) for the result page. Passed (or waiting for a mark): after a module's quiz the next
    module of the program, after the last module's (or the final) quiz the program. Not passed: back to the
    module to revise. None for a quiz the curriculum does not use (a class's pre-test). At most two queries."""
    from django.db.models import Exists, OuterRef
    from wagtail.models import Page

    quiz_id, moving_on = attempt.quiz_id, attempt.passed is not False
    places = list(Page.objects.live().filter(Q(modulepage__quiz_id=quiz_id) | Q(programpage__final_quiz_id=quiz_id))
                  .annotate(is_module=Exists(ModulePage.objects.filter(pk=OuterRef("pk"), quiz_id=quiz_id)))
                  .order_by("path")[:10])
    module = next((p for p in places if p.is_module), None)
    if module is None:
        return (_("Về chương trình: %(program)s") % {"program": places[0].title}, places[0].url) if places else None
    if not moving_on:
        return _("Ôn lại chuyên đề: %(module)s") % {"module": module.title}, module.url
    program_path = parent_path(module)
    # The program and the module that follows, in one query (a parent's path sorts before its children's).
    rows = list(Page.objects.live().filter(Q(path=program_path) | Q(
        path__startswith=program_path, depth=module.depth, path__gt=module.path)).order_by("path")[:2])
    following = next((p for p in rows if p.depth == module.depth), None)
    if following is not None:
        return _("Chuyên đề tiếp theo: %(module)s") % {"module": following.title}, following.url
    program = next((p for p in rows if p.path == program_path), None)
    return (_("Về chương trình: %(program)s") % {"program": program.title}, program.url) if program else None

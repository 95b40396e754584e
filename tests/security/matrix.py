"""The scope matrix: every URL of the project's apps × five personas, with the outcome each must get.

How to add a URL (one line in MATRIX below): its key is "namespace:name" as `reverse()` takes it (or the route,
e.g. "learning/foo/<int:pk>/", for an unnamed pattern). Then

    "reports:download": GET("D D D O D", staff="district_manager", job_id="export_job"),

- the first argument is the expected outcome for each persona, in the order of PERSONAS:
  anonymous, learner of another commune (Sơn Động), staff of another unit (manager of Sơn Động),
  staff of the unit (the `staff=` role in Lục Ngạn: "trainer", "district_manager" or "province_manager"),
  the learner of the unit (who owns the enrolment, attempts and certificate of the world);
  O = OK (2xx, or a redirect that is not to a sign-in page), L = LOGIN (redirect to sign-in), D = DENY (403/404,
  or Wagtail's way of refusing in its admin: a redirect to the dashboard);
- keyword arguments that are URL parameters name a world attribute (see tests/security/world.py); its `pk` is
  used, or a dotted attribute: `code="certificate.code"`;
- POST(...) for a mutation, with `data=` a minimal body (a dict, or a function of the world); `json=True` sends
  the body as JSON; a URL that takes GET and POST gets a tuple `(GET(...), POST(...))`;
- `public=True` where an outsider may legitimately read the world's private strings (say why);
- `leaks={"outsider_staff": "leak: ..."}` marks a known leak as a strict xfail (never weaken the expectation).

The world is read-only for the test: each request runs in the test's own transaction, rolled back after it.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PROJECT_MODULES = ("accounts.", "assessments.", "content.", "courses.", "notifications.", "reports.", "lms.",
                   "localities.", "outbox.")
PERSONAS = ("anonymous", "outsider_learner", "outsider_staff", "staff", "learner")
OUTCOMES = {"O": "OK", "L": "LOGIN", "D": "DENY"}


@dataclass(frozen=True)
class Entry:
    method: str
    expect: dict
    kwargs: dict = field(default_factory=dict)
    staff: str = "trainer"
    data: Any = None
    json: bool = False
    query: str = ""
    public: bool = False
    leaks: dict = field(default_factory=dict)


def _entry(method, expect, staff, data, json, query, public, leaks, kwargs) -> Entry:
    letters = expect.split()
    assert len(letters) == len(PERSONAS) and set(letters) <= set(OUTCOMES), expect
    assert set(leaks or {}) <= set(PERSONAS), leaks
    return Entry(method, {p: OUTCOMES[x] for p, x in zip(PERSONAS, letters, strict=True)}, kwargs, staff, data,
                 json, query, public, leaks or {})


def GET(expect, *, staff="trainer", query="", public=False, leaks=None, **kwargs) -> Entry:  # noqa: N802
    return _entry("GET", expect, staff, None, False, query, public, leaks, kwargs)


def POST(expect, *, data=None, staff="trainer", json=False, public=False, leaks=None, **kwargs) -> Entry:  # noqa: N802
    return _entry("POST", expect, staff, data, json, "", public, leaks, kwargs)


def _answer(world) -> dict:
    question = world.question.pk
    return {"question": [question], f"q{question}": "Câu trả lời"}


def _progress(world) -> dict:
    return {"event_id": "7d3c2f6e-0000-4000-8000-000000000001", "lesson": world.lesson.pk, "seconds": 30,
            "position": 12.5, "completed": False}


def _offline_attempt(world) -> dict:
    from django.core import signing

    from assessments.offline import SIGNING_SALT

    draw = signing.dumps({"u": world.learner.pk, "q": world.quiz.pk, "d": "0" * 32, "t": 1767225600,
                          "qs": [[world.question.pk, []]]}, salt=SIGNING_SALT, compress=True)
    return {"client_id": "7d3c2f6e-0000-4000-8000-000000000002", "draw": draw, "answers": {}}


REASON = {"reason": "Kiểm tra phạm vi"}
DM, PM = "district_manager", "province_manager"

MATRIX: dict[str, Entry | tuple[Entry, ...]] = {
    # lms: the installable app (lms/pwa.py), the same for everyone
    "service_worker": GET("O O O O O"),
    "web_manifest": GET("O O O O O"),
    # accounts (site)
    "signup": GET("O O O O O"),
    "favicon": GET("O O O O O"),  # lms/static/favicon.ico, for everyone
    # Each learner confirms their own commune; staff have none (404).
    "confirm_commune": (GET("L O D D O"), POST("L O D D O", data=lambda world: {"commune": world.commune.pk})),
    # accounts (admin): managers of the unit; the import and the list are scoped inside, outsiders see an empty page
    "accounts_admin:import": GET("L L O O L", staff=DM),
    "accounts_admin:pending": GET("L L O O L", staff=DM),
    "accounts_admin:approve": POST("L L D O L", staff=DM, user_id="pending"),
    # Moving appointments off retired units: superusers only.
    "accounts_retired_appointments": (GET("L L D D L", staff=DM), POST("L L D D L", staff=DM, data={"all": "1"})),
    # assessments (admin): the question bank is shared by all staff; answers and results are scoped
    "assessments_admin:new_question": GET("L L O O L"),
    "assessments_admin:regrade": (GET("L L O O L", question_id="question"),
                                  POST("L L O O L", data=REASON, question_id="question")),
    "assessments_admin:marking": GET("L L O O L"),
    # The question chooser of the quiz editor (#15 item 8): the shared bank, for all staff.
    "question_chooser:choose": GET("L L O O L"),
    "question_chooser:choose_results": GET("L L O O L", query="q=Bài&kind=essayquestion"),
    "question_chooser:create": POST("L L D D L"),
    "assessments_admin:mark": (GET("L L D O L", answer_id="essay_answer"),
                               POST("L L D O L", data={"points": "1"}, answer_id="essay_answer")),
    "assessments_admin:import": GET("L L O O L"),
    "assessments_admin:import_template": GET("L L O O L"),
    "assessments_admin:export": GET("L L O O L"),
    "assessments_admin:results": GET("L L O O L"),
    "assessments_admin:export_results": GET("L L O O L", quiz_id="quiz"),
    # Item analysis: staff read their own units (an outsider gets their own unit, empty); another unit is refused.
    "assessments_admin:item_analysis": (GET("L L O O L", quiz_id="quiz"),
                                        POST("L L D O L", quiz_id="quiz",
                                             data=lambda world: {"unit": world.district.pk})),
    # assessments (learner): only the attempt's own learner
    # Starting a quiz obeys the course's rules (#14 item 9): only the enrolled learner may.
    "assessments:start": GET("L D D D O", pk="quiz"),
    "assessments:begin": POST("L D D D O", pk="quiz"),
    "assessments:attempt": GET("L D D D O", attempt_id="attempt"),
    "assessments:save": POST("L D D D O", data=_answer, attempt_id="attempt"),
    "assessments:review": GET("L D D D O", attempt_id="attempt"),
    # The world's essay answer has no file: 404 for all; who gets a file: tests/assessments/test_answer_files.py.
    "assessments:answer_file": GET("D D D D D", answer_id="essay_answer"),
    "assessments:submit": POST("L D D D O", attempt_id="attempt"),
    "assessments:result": GET("L D D D O", attempt_id="done_attempt"),
    "assessments:offline_quiz": GET("L O O O O"),
    # A draw signed for the unit's learner: refused to everyone else; refused to them too, the world's quiz
    # does not allow offline attempts (the accepted case: tests/assessments/test_offline_attempts.py).
    "assessments:offline_attempt": POST("L D D D D", data=_offline_attempt, json=True),
    # courses (learner); the lesson is local to Lục Ngạn, so outsiders get 404
    # The site's own serve for program and lesson pages (courses/page_serving.py): the local lesson of Lục Ngạn.
    "courses_serve": GET("D D D O O", path="lesson_path"),
    "courses:my_learning": GET("L O O O O"),
    "courses:enrol": POST("L O O O O", program_id="program"),
    "courses:unenrol": (GET("L O O O O", program_id="program"), POST("L O O O O", program_id="program")),
    # Practice tasks (#15 item 12): the lesson is local to Lục Ngạn; staff of the unit are not enrolled (refused
    # with a message); the file and the marking only for the learner and staff in scope.
    "courses:practice_submit": POST("L D D O O", data={"text": "Bài làm"}, lesson_id="lesson",
                                    block_id="practice.block_id"),
    "courses:practice_file": GET("D D D O O", submission_id="practice"),
    "courses_admin:practice_mark": (GET("L L D O L", submission_id="practice"),
                                    POST("L L D O L", data={"status": "passed", "feedback": ""},
                                         submission_id="practice")),
    "courses:complete_lesson": POST("L D D O O", lesson_id="lesson"),
    "courses:progress_event": POST("L D D D O", data=_progress, json=True),
    "courses:module_package": GET("L D D D O", module_id="module"),
    "courses:offline_downloads": GET("L O O O O"),
    "courses_admin:bulk_enrol": GET("L L O O L", staff=DM),
    # training classes
    "courses:my_classes": GET("L O O O O"),
    "courses:class_check_in": POST("L O O O O", data={"code": "ZZZZZZ"}),
    "courses:class_manage": GET("L D O O D"),
    "courses:class_report": GET("L D O O D"),
    "courses:class_create": GET("L D O O D"),
    "courses:class_detail": GET("L D D O D", class_id="training_class"),
    "courses:class_invite": POST("L D D O D", data=lambda w: {"learners": [w.learner.pk]}, class_id="training_class"),
    "courses:class_roster": POST("L D D O D", class_id="training_class"),
    "courses:class_walk_in": POST("L D D O D", data=lambda world: {
        "phone": "0912999888", "full_name": "Người Đến Thêm", "commune": world.commune.pk, "target_group": "A"},
        class_id="training_class"),
    "courses:class_attendance": (GET("L D D O D", class_id="training_class", session_id="session"),
                                 POST("L D D O D", data={"present": []}, class_id="training_class",
                                      session_id="session")),
    "courses:class_session_hours": POST("L D D O D", data={"starts_at": "08:00", "ends_at": "11:30"},
                                        class_id="training_class", session_id="session"),
    "courses:class_qr": GET("L D D O D", class_id="training_class", session_id="session"),
    # certificates: verification is public and shows the holder's name on purpose
    "certificates:verify_form": GET("O O O O O", public=True),  # the public box to type a code
    "certificates:verify": GET("O O O O O", public=True, code="certificate.code"),
    "certificates:mine": GET("L O O O O"),
    # A private file: 404 to anyone else, signed in or not.
    "certificates:download": GET("D D D O O", staff=DM, certificate_id="certificate"),
    "certificates:manage_list": GET("L D O O D", staff=DM),
    "certificates:manage_detail": GET("L D D O D", staff=DM, certificate_id="certificate"),
    "certificates:revoke": POST("L D D O D", staff=DM, data=REASON, certificate_id="certificate"),
    "certificates:reissue": POST("L D D O D", staff=DM, data=REASON, certificate_id="certificate"),
    # content: published press works are public; materials of a district only for that district
    "content:work_list": GET("O O O O O"),
    "content:work_detail": GET("O O O O O", pk="press_work"),
    "content:material_list": GET("L O O O O"),
    "content:material_download": GET("L D D O O", pk="material"),
    "press_works:index": GET("L L O O L"),
    "press_works:index_results": GET("L L O O L"),
    "press_works:add": GET("L L O O L"),
    "press_works:edit": GET("L L D O L", pk="press_work"),
    "press_works:delete": (GET("L L D O L", pk="press_work"), POST("L L D O L", pk="press_work")),
    "press_works:history": GET("L L D O L", pk="press_work"),
    "press_works:history_results": GET("L L D O L", pk="press_work"),
    "press_works:usage": GET("L L D O L", pk="press_work"),
    "materials:index": GET("L L O O L"),
    "materials:index_results": GET("L L O O L"),
    "materials:add": GET("L L O O L"),
    "materials:edit": GET("L L D O L", pk="material"),
    "materials:delete": (GET("L L D O L", pk="material"), POST("L L D O L", pk="material")),
    "materials:history": GET("L L D O L", pk="material"),
    "materials:history_results": GET("L L D O L", pk="material"),
    "materials:usage": GET("L L D O L", pk="material"),
    # notifications
    "notifications:inbox": GET("L O O O O"),
    "notifications:mark_all_read": POST("L O O O O"),
    # reports: the phone version (anonymous exports get 403, not a sign-in redirect: nothing leaks either way)
    "reports:statistics": GET("L D O O D", staff=DM),
    "reports:unit": GET("L D D O D", staff=DM, locality_id="district"),
    "reports:export": GET("D D O O D", staff=DM),
    "reports:unit_export": GET("D D D O D", staff=DM, locality_id="district"),
    "reports:learner_export": POST("D D O O D", staff=DM),
    "reports:unit_learner_export": POST("D D D O D", staff=DM, locality_id="district"),
    "reports:job": GET("D D D O D", staff=DM, job_id="export_job"),
    "reports:job_status": GET("D D D O D", staff=DM, job_id="export_job"),
    "reports:retry": POST("D D D O D", staff=DM, job_id="export_job"),
    "reports:download": GET("D D D O D", staff=DM, job_id="export_job"),
    # reports: the same views in the Wagtail admin, and the press-work report
    "reports_admin:statistics": GET("L L O O L", staff=DM),
    "reports_admin:unit": GET("L L D O L", staff=DM, locality_id="district"),
    "reports_admin:export": GET("L L O O L", staff=DM),
    "reports_admin:unit_export": GET("L L D O L", staff=DM, locality_id="district"),
    "reports_admin:learner_export": POST("L L O O L", staff=DM),
    "reports_admin:unit_learner_export": POST("L L D O L", staff=DM, locality_id="district"),
    "reports_admin:job": GET("L L D O L", staff=DM, job_id="export_job"),
    "reports_admin:job_status": GET("L L D O L", staff=DM, job_id="export_job"),
    "reports_admin:retry": POST("L L D O L", staff=DM, job_id="export_job"),
    "reports_admin:download": GET("L L D O L", staff=DM, job_id="export_job"),
    # the class figures for every staff member (trainers too), scoped to their units
    "class_figures:classes": GET("L L O O L"),
    "class_figures:unit": GET("L L D O L", locality_id="district"),
    "press_report:report": GET("L L O O L", staff=DM),
    "press_report:export": GET("L L O O L", staff=DM),
}


# Wagtail's own admin views over the project's pages: not collected from the resolver (their views live in
# wagtail.*), listed here because they show the curriculum, where a district's local lessons live.
WAGTAIL_MATRIX: dict[str, Entry | tuple[Entry, ...]] = {
    "wagtailadmin_explore": GET("L L O O L", parent_page_id="module"),
    # A local lesson outside one's scope is 404 in the admin, for a signed-in learner too (courses/admin_scope.py).
    "wagtailadmin_pages:edit": GET("L D D O D", page_id="lesson"),
    "wagtailadmin_pages:history": GET("L D D O D", page_id="lesson"),
    "wagtailadmin_pages:search": GET("L L O O L", query="q=L%E1%BB%A5c+Ng%E1%BA%A1n"),
    "wagtailadmin_reports:site_history": GET("L L O O L"),
}
ALL = {**MATRIX, **WAGTAIL_MATRIX}


def entries(key) -> tuple[Entry, ...]:
    value = ALL[key]
    return value if isinstance(value, tuple) else (value,)


# The URL resolver ---------------------------------------------------------------------------------------------

def _walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern


def _view_module(callback) -> str:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return getattr(view_class or callback, "__module__", "") or ""


def project_patterns() -> dict[str, str]:
    """Every URL pattern whose view belongs to the project's apps: key -> route (Wagtail's admin URLs included)."""
    from wagtail.admin import urls  # noqa: F401 - loading it runs the register_admin_urls hooks

    found = {}
    for route, namespace, pattern in _walk(get_resolver()):
        if not _view_module(pattern.callback).startswith(PROJECT_MODULES):
            continue
        key = (f"{namespace}:{pattern.name}" if namespace else pattern.name) if pattern.name else route
        found.setdefault(key, route)
    return found


# Requests and outcomes ----------------------------------------------------------------------------------------

def resolve_attr(world, dotted: str):
    value = world
    for part in dotted.split("."):
        value = getattr(value, part)
    return getattr(value, "pk", value)


def url_for(key: str, entry: Entry, world) -> str:
    kwargs = {name: resolve_attr(world, attr) for name, attr in entry.kwargs.items()}
    url = reverse(key, kwargs=kwargs)
    return f"{url}?{entry.query}" if entry.query else url


def login_paths() -> set[str]:
    return {resolve_url(settings.LOGIN_URL), reverse("wagtailadmin_login")}


def outcome(response) -> str:
    status = response.status_code
    if 200 <= status < 300:
        return "OK"
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        if target in login_paths():
            return "LOGIN"
        return "DENY" if target == reverse("wagtailadmin_home") else "OK"
    if status in (403, 404):
        return "DENY"
    return f"HTTP {status}"

"""Serving the curriculum's program and lesson pages with one query on the page tree.

Wagtail's serve finds the Site (one query), then walks the tree from the site root, loading each level and
its specific type (two queries a level), then reads view restrictions (two queries). Here the Site comes
from content.site_cache, and a program (2 components below the site root) or a lesson (4 components) is
read in one query by its url_path, as its own type, with whether a view restriction covers it (a lesson also
with its program, module, siblings and the learner's facts: courses.selectors.lesson_with_family_sql). Anything
else — the home page, plain pages, the program index, a module, a restricted page, an alias, a POST —
goes to Wagtail's own serve unchanged. The same hooks run, except Wagtail's view-restriction check, which
the query above stands in for (a page with a restriction is served by Wagtail, which then applies it).
"""

import functools

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from wagtail import hooks
from wagtail.models import Page, PageViewRestriction
from wagtail.url_routing import RouteResult
from wagtail.views import serve as wagtail_serve
from wagtail.views import serve_chain
from wagtail.wagtail_hooks import check_view_restrictions

from content import site_cache
from lms.precompiled import Precompiled

from .models import LessonPage, ProgramPage
from .selectors import FAMILY_COLUMNS, facts_user_id, lesson_with_family_sql

MODEL_BY_COMPONENTS = {2: ProgramPage, 4: LessonPage}  # program index / program / module / lesson


def serve(request, path):
    site_cache.organiser_settings_for_request(request)  # also keeps the Site on the request for Wagtail
    page = curriculum_page(request, path)
    if page is None:
        return wagtail_serve(request, path)
    request._wagtail_route_for_request = RouteResult(page)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, (), {})
        if isinstance(result, HttpResponse):
            return result
    chain = serve_chain
    for fn in reversed([fn for fn in hooks.get_hooks("on_serve_page") if fn is not check_view_restrictions]):
        chain = fn(chain)
    return chain(page, request, (), {})


@functools.cache
def _view_restricted() -> RawSQL:
    """Whether a view restriction covers the page: on it or on an ancestor (whose path is a prefix of its path).
    Plain SQL: the same condition through the ORM (Exists, OuterRef, a reversed lookup) cost more Python than
    the rest of the query."""
    restriction, page = PageViewRestriction._meta.db_table, Page._meta.db_table
    return RawSQL(f'EXISTS (SELECT 1 FROM "{restriction}" r INNER JOIN "{page}" rp ON rp.id = r.page_id '
                  f'WHERE "{page}".path LIKE rp.path || %s)', ("%",), output_field=BooleanField())


def _page_query(model, **reading) -> Precompiled:
    return Precompiled(lambda url_path, root_path, depth: model.objects.live().filter(
        url_path=url_path, path__startswith=root_path, depth=depth).annotate(view_restricted=_view_restricted()),
        texts=("url_path", "root_path"), numbers=("depth",), **reading)


PAGE_QUERIES = {count: _page_query(model) for count, model in MODEL_BY_COMPONENTS.items()}
# On PostgreSQL a lesson is read with its family and the learner's facts in one statement: each statement is a
# round trip to the server, which cost more than reading the family (page and family read and built: 1.10 ms,
# against 1.41 as two statements, on the bench). SQLite has no round trip to save and runs the one statement
# slower than the two (2.1 against 0.8 ms): there the family stays a query of its own.
LESSON_WITH_FAMILY = _page_query(LessonPage, around=lesson_with_family_sql, lead=FAMILY_COLUMNS)


def curriculum_page(request, path: str):
    """The live program or lesson page at `path`, or None when Wagtail should serve the request."""
    components = [component for component in path.split("/") if component]
    query = PAGE_QUERIES.get(len(components))
    site = site_cache.site_for_request(request)
    if query is None or site is None or request.method not in ("GET", "HEAD"):
        return None
    root = site.root_page
    values = {"url_path": root.url_path + "/".join(components) + "/", "root_path": root.path,
              "depth": root.depth + len(components)}
    if MODEL_BY_COMPONENTS[len(components)] is LessonPage and connection.vendor == "postgresql":
        page = _lesson_with_family(request.user, values)
    else:
        page = next(iter(query.rows(**values)), None)
    if page is None or page.view_restricted or page.alias_of_id:
        return None
    return page


def _lesson_with_family(user, values: dict):
    """The lesson, carrying the family rows its query brought for this user (courses.selectors._lesson_family)."""
    user_id = facts_user_id(user)
    rows = LESSON_WITH_FAMILY.rows_around([user_id], **values)
    lesson = next((instance for _family, instance in rows if instance is not None), None)
    if lesson is not None:
        lesson.family_rows = (user_id, [family for family, _instance in rows])
    return lesson

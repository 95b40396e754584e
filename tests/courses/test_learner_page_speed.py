"""The learner's program and lesson pages (#16): a fixed, small number of queries whatever the number of
learners, and nothing stale — progress and a trainer's published edit show on the next request."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from wagtail.models import PageViewRestriction

from accounts.models import LearnerProfile, User
from courses import services
from courses.models import Enrolment, LessonProgress, ProgressStatus
from tests.conftest import make_user

from .builders import make_course, make_lesson

# the session with its user (one join), the page (one query by url_path, view restrictions included), the
# lesson's module, program and siblings with the learner's facts (enrolment, prerequisite, commune, their row
# for the lesson) on each row; on PostgreSQL the page and its family are one statement (courses.page_serving).
# A lesson opened again writes nothing; the first opening adds one upsert.
LESSON_QUERIES = 2 if connection.vendor == "postgresql" else 3
FIRST_OPENING_QUERIES = LESSON_QUERIES + 1
# the session with its user, the page, its modules, the learner's facts, module completions, progress counts.
PROGRAM_QUERIES = 6
ANONYMOUS_PROGRAM_QUERIES = 2  # the page, its modules (a visitor is shown no progress)


def add_learners(count, commune, program, lessons, start=0):
    """`count` more learners, enrolled, each with every lesson of `lessons` done."""
    users = User.objects.bulk_create([User(username=f"speed{i}", phone=f"08{i:08d}", full_name=f"Học viên {i}",
                                           password="!") for i in range(start, start + count)], batch_size=2000)
    LearnerProfile.objects.bulk_create([LearnerProfile(user=u, commune=commune, target_group="A") for u in users],
                                       batch_size=2000)
    Enrolment.objects.bulk_create([Enrolment(user=u, program=program) for u in users], batch_size=2000)
    now = timezone.now()
    LessonProgress.objects.bulk_create([LessonProgress(user=u, lesson=lesson, status=ProgressStatus.COMPLETED,
                                                       completed_at=now) for u in users for lesson in lessons],
                                       batch_size=5000)


@pytest.fixture
def course(home_page, learner):
    program, first, second, first_lessons, second_lessons = make_course(home_page, lessons_per_module=3)
    services.enrol(learner, program)
    services.complete_lesson(learner, first_lessons[0])
    return program, first, second, first_lessons, second_lessons


def open_pages(client, learner, program, lesson, django_assert_num_queries):
    client.force_login(learner)
    client.get(lesson.url), client.get(program.url)  # the site and organiser settings are kept after this
    with django_assert_num_queries(LESSON_QUERIES):
        lesson_page = client.get(lesson.url)
    with django_assert_num_queries(PROGRAM_QUERIES):
        program_page = client.get(program.url)
    client.logout()
    client.get(program.url)
    with django_assert_num_queries(ANONYMOUS_PROGRAM_QUERIES):
        anonymous_page = client.get(program.url)
    assert lesson_page.status_code == program_page.status_code == anonymous_page.status_code == 200
    return lesson_page, program_page


@pytest.mark.django_db
def test_query_counts_stay_the_same_from_1000_to_10000_learners(client, learner, commune, course,
                                                                django_assert_num_queries):
    program, _first, _second, first_lessons, _second_lessons = course
    add_learners(1000, commune, program, first_lessons)
    lesson_page, program_page = open_pages(client, learner, program, first_lessons[1], django_assert_num_queries)
    assert "Bài a1" in lesson_page.content.decode() and "1/6" in program_page.content.decode()
    add_learners(9000, commune, program, first_lessons, start=1000)
    lesson_page, program_page = open_pages(client, learner, program, first_lessons[1], django_assert_num_queries)
    assert "Bài a1" in lesson_page.content.decode() and "1/6" in program_page.content.decode()


@pytest.mark.django_db
def test_the_first_opening_writes_the_row_and_opening_again_writes_nothing(client, learner, course,
                                                                           django_assert_num_queries):
    program, _first, _second, first_lessons, _second_lessons = course
    lesson = first_lessons[1]
    client.force_login(learner)
    client.get(program.url), client.get(first_lessons[0].url)  # the site and organiser settings are kept
    with django_assert_num_queries(FIRST_OPENING_QUERIES):
        assert client.get(lesson.url).status_code == 200
    row = LessonProgress.objects.get(user=learner, lesson=lesson)
    assert row.status == ProgressStatus.IN_PROGRESS and row.clock_started_at is not None
    with django_assert_num_queries(LESSON_QUERIES):
        assert client.get(lesson.url).status_code == 200
    again = LessonProgress.objects.get(user=learner, lesson=lesson)
    assert (again.updated_at, again.clock_started_at, again.started_at) == (
        row.updated_at, row.clock_started_at, row.started_at)


@pytest.mark.django_db
def test_a_completed_lesson_shows_completed_on_the_next_request(client, learner, course):
    program, _first, _second, first_lessons, _second_lessons = course
    lesson = first_lessons[1]
    client.force_login(learner)
    before = client.get(lesson.url).content.decode()
    assert "Đã học xong bài này" in before and "✓" not in before
    assert client.post(f"/learning/lessons/{lesson.pk}/complete/").status_code == 302
    after = client.get(lesson.url).content.decode()
    assert "✓ Đã học xong" in after and "Đã học xong bài này" not in after
    assert "2/6" in client.get(program.url).content.decode()


@pytest.mark.django_db
def test_a_trainers_published_edit_shows_on_the_next_request(client, learner, course):
    _program, _first, _second, first_lessons, _second_lessons = course
    lesson = first_lessons[1]
    client.force_login(learner)
    assert "Nội dung bài học." in client.get(lesson.url).content.decode()
    lesson.body = [{"type": "paragraph", "value": "<p>Nội dung đã sửa.</p>"}]
    lesson.title = "Bài đã đổi tên"
    lesson.save_revision().publish()
    page = client.get(lesson.url).content.decode()
    assert "Nội dung đã sửa." in page and "Nội dung bài học." not in page and "Bài đã đổi tên" in page
    lesson.body = [{"type": "paragraph", "value": "<p>Sửa không qua bản nháp.</p>"}]
    lesson.save()  # an edit saved without a revision (a script, the curriculum loader) shows too
    assert "Sửa không qua bản nháp." in client.get(lesson.url).content.decode()


@pytest.mark.django_db
def test_the_kept_lesson_body_holds_nothing_of_one_learner(client, learner, outsider_learner, course):
    program, _first, _second, first_lessons, _second_lessons = course
    services.enrol(outsider_learner, program)
    client.force_login(learner)
    mine = client.get(first_lessons[0].url).content.decode()
    client.force_login(outsider_learner)
    theirs = client.get(first_lessons[0].url).content.decode()
    assert "✓ Đã học xong" in mine and "✓ Đã học xong" not in theirs
    assert learner.full_name not in theirs


@pytest.mark.django_db
def test_a_view_restriction_on_an_ancestor_still_applies(client, learner, course):
    program, _first, _second, first_lessons, _second_lessons = course
    restriction = PageViewRestriction.objects.create(page=program.get_parent(),
                                                     restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Chỉ nhóm này"))
    for url in (program.url, first_lessons[0].url):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(learner)
    assert client.get(first_lessons[0].url).status_code == 302  # signed in, not in the group


@pytest.mark.django_db
def test_a_local_lesson_of_another_commune_is_404_and_left_out_of_the_pager(client, learner, course, other_district):
    _program, first, _second, first_lessons, _second_lessons = course
    hidden = make_lesson(first, "a1x", title="Bài riêng nơi khác", local_unit=other_district)
    client.force_login(learner)
    assert client.get(hidden.url).status_code == 404
    page = client.get(first_lessons[2].url).content.decode()  # the last lesson: the hidden one would come next
    assert "Bài riêng nơi khác" not in page and "Bài a1" in page


@pytest.mark.django_db
def test_a_visitors_program_page_is_kept_per_content_and_shows_an_edit_on_the_next_request(client, course):
    program, first, second, _first_lessons, _second_lessons = course
    before = client.get(program.url).content.decode()
    assert first.title in before and "Đăng nhập để ghi danh" in before
    first.title = "Chuyên đề đã đổi tên"
    first.save_revision().publish()
    after = client.get(program.url).content.decode()
    assert "Chuyên đề đã đổi tên" in after
    program.summary = "Tóm tắt sửa không qua bản nháp."
    program.save()
    assert "Tóm tắt sửa không qua bản nháp." in client.get(program.url).content.decode()
    second.unpublish()
    assert second.title not in client.get(program.url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(program.url).content.decode()
    assert "Sign in to enrol" in english and "Đăng nhập để ghi danh" not in english  # kept per language


@pytest.mark.django_db(transaction=True)
def test_opening_a_lesson_skips_the_disk_wait_for_its_own_commit_only(learner, course):
    """PostgreSQL: the opening's upsert turns synchronous_commit off for its own transaction; the next statement
    (in autocommit, as in a request) commits with the server's setting again."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL setting")
    program, _first, _second, first_lessons, _second_lessons = course
    row = services.mark_started(learner, first_lessons[1], program.pk)
    assert (row.user_id, row.lesson_id, row.status) == (learner.pk, first_lessons[1].pk, ProgressStatus.IN_PROGRESS)
    assert LessonProgress.objects.filter(user=learner, lesson=first_lessons[1]).count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.django_db
def test_the_lesson_pages_links_are_wagtails_own_urls(client, learner, course):
    """The crumbs and the pager link plain rows (no page instance, no `{% pageurl %}`): each link must still be
    the URL Wagtail gives the page, here and under a script prefix (a site served below a path)."""
    from django.urls import set_script_prefix

    from courses.selectors import lesson_detail

    program, first, _second, first_lessons, _ = course
    client.force_login(learner)
    html = client.get(first_lessons[1].url).content.decode()
    for page in (program, first, first_lessons[0], first_lessons[2]):
        assert f'href="{page.url}"' in html
    set_script_prefix("/lms/")
    try:
        detail = lesson_detail(learner, first_lessons[1])
        assert [detail[key].url for key in ("program", "module", "previous_lesson", "next_lesson")] == [
            page.get_url() for page in (program, first, first_lessons[0], first_lessons[2])]
        assert detail["program"].url.startswith("/lms/")
    finally:
        set_script_prefix("/")


@pytest.mark.django_db
def test_the_lessons_family_is_read_through_the_path_index_not_by_reading_every_page(learner, course):
    """The family's children are a range of tree paths: a site of many programs does not make it slower."""
    from django.db import connection
    from wagtail.models import Page

    from courses import selectors

    assert (selectors._FIRST_STEP, selectors._LAST_STEP) == (Page.alphabet[0] * Page.steplen,
                                                             Page.alphabet[-1] * Page.steplen)
    params = selectors._family_params(course[3][1], learner.pk)
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test site is small enough for a scan to win
        cursor.execute(explain + selectors._family_sql(), params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        assert "SCAN fp" not in plan and "SEARCH fp" in plan
    else:
        assert "Seq Scan on wagtailcore_page fp" not in plan


@pytest.mark.django_db
def test_the_page_is_found_by_an_index_on_its_url_path(learner, course):
    """courses/page_serving.py finds a lesson by its url_path: with the index (migration courses 0009) the
    lookup does not read every page under the site root."""
    from django.db import connection
    from wagtail.models import Site

    from courses.page_serving import PAGE_QUERIES

    query, lesson = PAGE_QUERIES[4], course[3][1]
    query._compiled = query._compiled or query._compile()
    _model, sql, params, _related = query._compiled
    root = Site.objects.get(is_default_site=True).root_page
    values = {"url_path": lesson.url_path, "root_path": root.path, "depth": lesson.depth}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a test site is small: a scan would win without these
            cursor.execute("ANALYZE wagtailcore_page")
            cursor.execute("SET LOCAL enable_seqscan = off")
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(explain + sql, [query._value(param, values, connection) for param in params])
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "courses_page_url_path" in plan


def found_with_family(lesson, user):
    """The lesson as PostgreSQL's serving finds it for `user` (courses.page_serving.LESSON_WITH_FAMILY), with the
    family rows it brought."""
    from wagtail.models import Site

    from courses.page_serving import _lesson_with_family

    root = Site.objects.get(is_default_site=True).root_page
    return _lesson_with_family(user, {"url_path": lesson.url_path, "root_path": root.path, "depth": lesson.depth})


def family_read_alone(lesson, user) -> list:
    from courses import selectors

    with connection.cursor() as cursor:
        cursor.execute(selectors._family_sql(), selectors._family_params(lesson, user.pk or 0))
        return cursor.fetchall()


@pytest.mark.django_db
def test_the_lessons_own_statement_brings_what_the_family_query_reads(learner, course, other_district,
                                                                      django_assert_num_queries):
    """Run on both databases (PostgreSQL serves lessons with it): the page found with its family gives the same
    rows and the same page facts as the family read on its own, for a learner, a visitor and a user of no
    program, on a lesson done, one not opened and one locked, beside a local lesson of another commune."""
    from django.contrib.auth.models import AnonymousUser

    from courses.models import LessonPage
    from courses.selectors import lesson_detail

    _program, first, _second, first_lessons, second_lessons = course
    make_lesson(first, "a1x", title="Bài riêng nơi khác", local_unit=other_district)
    stranger = make_user("nguoi-la", full_name="Người lạ")  # no profile, no enrolment
    for user in (learner, AnonymousUser(), stranger):
        for lesson in (first_lessons[0], first_lessons[1], second_lessons[0]):  # done, not opened, locked
            page = found_with_family(lesson, user)
            assert isinstance(page, LessonPage) and page.pk == lesson.pk and not page.view_restricted
            assert list(page.body.raw_data) == list(LessonPage.objects.get(pk=lesson.pk).body.raw_data)
            assert page.family_rows == (user.pk or 0, family_read_alone(lesson, user))
            with django_assert_num_queries(0):
                brought = lesson_detail(user, page)
            assert brought == lesson_detail(user, LessonPage.objects.get(pk=lesson.pk))
    assert lesson_detail(learner, found_with_family(second_lessons[0], learner))["locked"] is True
    assert found_with_family(first_lessons[1], learner).family_rows[1][0][-3] is None  # no row for it yet


@pytest.mark.django_db
def test_family_rows_brought_for_one_user_are_not_shown_to_another(learner, outsider_learner, course,
                                                                   django_assert_num_queries):
    from courses.selectors import lesson_detail

    _program, _first, _second, first_lessons, _second_lessons = course
    page = found_with_family(first_lessons[0], learner)
    assert lesson_detail(learner, page)["lesson_state"].completed is True
    with django_assert_num_queries(1):  # the outsider's facts are read, not the learner's taken
        theirs = lesson_detail(outsider_learner, page)
    assert theirs["enrolment"] is None and theirs["lesson_state"] is None


@pytest.mark.django_db
def test_the_lesson_and_its_family_are_found_through_indexes_not_by_reading_every_page(learner, course):
    """The statement finds the lesson by its url_path, then the family by ranges of tree paths from it."""
    from courses.page_serving import LESSON_WITH_FAMILY

    lesson = course[3][1]
    page = found_with_family(lesson, learner)
    _model, sql, params, _related = LESSON_WITH_FAMILY._compiled
    root = lesson.get_ancestors()[1]  # the site root (the tree's root is above it)
    values = {"url_path": lesson.url_path, "root_path": root.path, "depth": lesson.depth}
    params = [LESSON_WITH_FAMILY._value(param, values, connection) for param in params] + [learner.pk]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a test site is small: a scan would win without these
            cursor.execute("ANALYZE wagtailcore_page")
            cursor.execute("SET LOCAL enable_seqscan = off")
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(explain + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert page is not None and "courses_page_url_path" in plan
    if connection.vendor == "sqlite":
        assert "SCAN fp" not in plan and "SEARCH fp" in plan
    else:
        assert "Seq Scan on wagtailcore_page fp" not in plan

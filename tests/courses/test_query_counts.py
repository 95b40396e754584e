"""Each course page runs the same number of queries whatever the number of lessons and rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services

from .builders import make_course, make_lesson


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow(course, learner, extra):
    program, first, second, lessons, later = course
    for index in range(extra):
        lesson = make_lesson(first, f"x{index}")
        services.complete_lesson(learner, lesson)
        make_lesson(second, f"y{index}")


@pytest.mark.django_db
def test_page_query_counts_are_constant(client, home_page, learner):
    course = make_course(home_page)
    program, first, _second, lessons, _later = course
    services.enrol(learner, program)
    services.complete_lesson(learner, lessons[0])
    client.force_login(learner)
    urls = [program.get_parent().url, program.url, first.url, lessons[1].url, "/learning/"]
    for url in urls:
        client.get(url)  # warm caches (site root, content types)
    small = {url: count_queries(client, url) for url in urls}
    grow(course, learner, 15)
    large = {url: count_queries(client, url) for url in urls}
    assert small == large
    # About 9 of these are fixed overhead: site, routing, view restrictions, session, user, settings.
    # The lesson page is the largest: it also records the opening (the progress clock starts there).
    assert max(large.values()) <= 21, large

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

from courses import services
from courses.curriculum import load_curriculum
from courses.models import LessonPage

BUDGET_BYTES = 60 * 1024  # HTML + CSS + JS of a lesson page, compressed, media excluded


@pytest.mark.django_db
def test_lesson_page_stays_small_for_cheap_phones(client, home_page, learner):
    load_curriculum(home_page)
    lesson = max(LessonPage.objects.live(), key=lambda page: len(str(page.body.raw_data)))
    services.enrol(learner, lesson.get_parent().get_parent().specific)
    client.force_login(learner)
    html = client.get(lesson.url).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    total = len(gzip.compress(html))
    for asset in assets:
        with open(finders.find(asset.decode()), "rb") as handle:
            total += len(gzip.compress(handle.read()))
    assert assets, "the page should load its stylesheet"
    assert total < BUDGET_BYTES, total

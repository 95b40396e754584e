"""Issue 15, item 2: "Trang chờ duyệt đăng" on the staff panel counts only the pages the user may moderate within
their scope (Wagtail's own count takes every page in the tree), and Wagtail's review panel lists the same."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.services import PROVINCE_TRAINERS_GROUP
from courses.admin_scope import moderation_states
from tests.conftest import make_user
from tests.courses.builders import make_course, make_lesson


@pytest.fixture
def in_moderation(home_page, district, other_district):
    """A lesson local to the trainer's district and one local to another district, both awaiting review
    (submitted by someone else: Wagtail shows the submitter their own pages in another panel)."""
    from courses.permissions import grant_trainer_permissions

    program, first, *_rest = make_course(home_page)
    grant_trainer_permissions(program.get_parent())
    author, pages = make_user("author"), {}
    for slug, unit in (("ours", district), ("theirs", other_district)):
        lesson = make_lesson(first, slug, title=f"Bài chờ duyệt {slug}", local_unit=unit, live=False)
        lesson.save_revision(user=author)
        lesson.get_workflow().start(lesson, author)
        pages[slug] = lesson
    return pages


@pytest.fixture
def moderator(trainer):
    """A district trainer an administrator put among the approvers: Wagtail lets them review any page."""
    trainer.groups.add(Group.objects.get(name=PROVINCE_TRAINERS_GROUP))
    return trainer


def _waiting_pages(client) -> int:
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    return int(re.search(r"Trang chờ duyệt đăng: <strong>(\d+)</strong>", html)[1])


@pytest.mark.django_db
def test_only_pages_within_the_scope_are_counted(client, in_moderation, moderator):
    assert moderation_states(moderator).count() == 1
    client.force_login(moderator)
    assert _waiting_pages(client) == 1


@pytest.mark.django_db
def test_wagtails_review_panel_lists_only_pages_within_the_scope(client, in_moderation, moderator):
    client.force_login(moderator)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Bài chờ duyệt ours" in html
    assert "Bài chờ duyệt theirs" not in html


@pytest.mark.django_db
def test_an_administrator_counts_every_page(client, in_moderation, admin_user):
    assert moderation_states(admin_user).count() == 2
    client.force_login(admin_user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Bài chờ duyệt theirs" in html


@pytest.mark.django_db
def test_a_trainer_outside_the_approvers_has_nothing_to_moderate(client, in_moderation, trainer):
    client.force_login(trainer)
    assert _waiting_pages(client) == 0

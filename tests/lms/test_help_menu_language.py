"""Wagtail's "What's new in Wagtail" help item follows each request's language, not the first request's."""

import json

import pytest
from django.test import RequestFactory
from django.utils import translation
from wagtail.admin.menu import help_menu


@pytest.fixture
def menu_built_in_english():
    """The help menu as a first request in English leaves it (Wagtail caches the built items)."""
    help_menu.__dict__.pop("registered_menu_items", None)
    with translation.override("en"):
        help_menu.registered_menu_items  # noqa: B018 - builds and caches the items
    yield help_menu
    help_menu.__dict__.pop("registered_menu_items", None)


def _whats_new(menu, user, language) -> str:
    request = RequestFactory().get("/admin/")
    request.user = user
    with translation.override(language):
        items = menu.menu_items_for_request(request)
    return next(str(item.label) for item in items if item.name.startswith("whats-new-in-wagtail-"))


@pytest.mark.django_db
def test_the_whats_new_label_follows_the_request_language(menu_built_in_english, admin_user):
    assert _whats_new(menu_built_in_english, admin_user, "vi").startswith("Những điểm mới trong Wagtail")
    assert _whats_new(menu_built_in_english, admin_user, "en").startswith("What's new in Wagtail")
    assert _whats_new(menu_built_in_english, admin_user, "vi").startswith("Những điểm mới trong Wagtail")
    shared = next(item for item in menu_built_in_english.registered_menu_items
                  if item.name.startswith("whats-new-in-wagtail-"))
    assert str(shared.label).startswith("What's new")  # the shared item is left as it was


@pytest.mark.django_db
def test_the_admin_page_shows_it_in_vietnamese(client, admin_user, menu_built_in_english):
    client.force_login(admin_user)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    # The sidebar's props are JSON: non-ASCII letters as \u escapes.
    assert json.dumps("Những điểm mới trong Wagtail")[1:-1] in html and "What's new in Wagtail" not in html

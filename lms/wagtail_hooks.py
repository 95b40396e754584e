"""Wagtail admin adjustments that belong to no app of the project."""

import copy

from django.utils import translation
from wagtail import hooks
from wagtail.utils.version import get_main_version

# Wagtail's own msgid, translated in lms/locale_admin. Passed to gettext as a name so that makemessages does
# not copy this English text into the project's catalogue (whose source language is Vietnamese).
WHATS_NEW = "What's new in Wagtail %(version)s"
WHATS_NEW_NAME = "whats-new-in-wagtail-"


@hooks.register("construct_help_menu")
def whats_new_in_the_request_language(request, menu_items):
    """Wagtail formats this help item's label once, when the first request builds the menu, in that request's
    language; every later request, whatever its language, gets the same text. Each request gets a copy with
    the label in its own language (a copy: the registered item is shared by every request)."""
    for index, item in enumerate(menu_items):
        if item.name.startswith(WHATS_NEW_NAME):
            fresh = copy.copy(item)
            fresh.attrs = dict(item.attrs)
            fresh.label = translation.gettext(WHATS_NEW) % {"version": get_main_version(include_patch=False)}
            menu_items[index] = fresh

"""The staff admin speaks Vietnamese: a trainer and a district manager walk their screens and meet no English.

The English words are those of the upstream msgids (every Wagtail and Django string lms/locale_admin translates),
so a string left untranslated, a new upstream string, or English data (a workflow called "Moderators approval")
fails here. ALLOWED lists the words that may appear: brand and technical names, and words that are also
Vietnamese written without diacritics or the project's own data.
"""

import html
import json
import re
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import RequestFactory

from lms.locale_admin.build_catalogue import current, upstream_entries

# Brand and technical names, and ASCII words that are Vietnamese too ("in" = to print, "to" = big,
# "can" = to intervene, "long", "may", "ban" = board, "con" = child, "sao" = copy...).
ALLOWED = {
    "wagtail", "django", "javascript", "json", "csv", "xlsx", "pdf", "url", "urls", "api", "html", "utc", "ascii",
    "ipv4", "ipv6", "uuid", "http", "https", "embedly", "ldap", "sso", "csrf", "debug", "true", "false", "none",
    "in", "to", "can", "long", "may", "ban", "con", "sao", "tin", "hay", "the", "do", "me", "no", "an", "on",
    "bit", "dan", "man", "mang", "minh", "nam", "cho", "lan", "mot", "tam", "tim", "hom", "sang", "chi", "dung",
    "ten", "thu", "phan", "ngay", "gia", "bao", "lam", "nho", "noi", "ong", "hai", "ha", "la", "ma", "mo",
    "tab", "tag", "tags", "email", "id", "web", "ctrl", "alt", "shift", "enter", "esc", "cmd",
    "english",  # the language picker names English in English
}
WORD = re.compile(r"[A-Za-z][A-Za-z']+")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|\{\w*\}")
# Identifiers that are data, not words: URLs, dotted model names ("content.homepage"), time zones.
IDENTIFIER = re.compile(r"\w+://\S+|\b[a-z_]+\.[a-z_.]+\b")
TIME_ZONES = zoneinfo.available_timezones()
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
SHOWN_JSON_KEYS = {"label", "title", "text", "help_text", "helpText", "placeholder", "description", "STRINGS"}


def english_words() -> set[str]:
    words = set()
    for entry in upstream_entries().values():
        text = re.sub(r"%\(\w+\)[sdr]|\{\w*\}|<[^>]+>|&\w+;", " ", entry.msgid)
        words |= {word.lower() for word in WORD.findall(text) if len(word) > 2}
    return words - ALLOWED


class ShownText(HTMLParser):
    """What a person reads: text nodes, labelling attributes, and the labels in Wagtail's JSON props."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.in_script, self.in_style, self.script_is_json = [], False, False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.in_script = True
            self.script_is_json = attrs.get("type") == "application/json"
        self.in_style = tag == "style" or self.in_style
        self.parts += [value for name, value in attrs.items() if name in SHOWN_ATTRIBUTES and value]
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = self.script_is_json = False
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_script:
            if self.script_is_json:
                self.parts += json_labels(json.loads(data))
        elif not self.in_style and data.strip():
            self.parts.append(data)


def json_labels(value, shown=False):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_labels(item, shown or key in SHOWN_JSON_KEYS)
    elif isinstance(value, list):
        for item in value:
            yield from json_labels(item, shown)
    elif isinstance(value, str) and shown:
        if value.lstrip().startswith("<"):  # rendered HTML inside the props (panels, block templates)
            parser = ShownText()
            parser.feed(value)
            yield from parser.parts
        else:
            yield value


def english_on(body: str, words: set[str]) -> set[str]:
    return set(english_in_context(body, words))


def english_in_context(body: str, words: set[str]) -> dict[str, str]:
    """Each English word found, with the text it was found in (for the failure message)."""
    parser = ShownText()
    parser.feed(body)
    found = {}
    for part in parser.parts:
        text = IDENTIFIER.sub(" ", PLACEHOLDER.sub(" ", html.unescape(part)))
        text = " ".join(token for token in text.split() if token not in TIME_ZONES)
        found.update({word: text[:90] for word in WORD.findall(text) if word.lower() in words})
    return found


@pytest.fixture(scope="module")
def words():
    return english_words()


@pytest.fixture
def curriculum(home_page, trainer, district):
    from courses.permissions import grant_trainer_permissions
    from tests.courses.builders import make_course, make_lesson

    program, first, _second, lessons, _others = make_course(home_page)
    grant_trainer_permissions(program.get_parent())
    own = make_lesson(first, "cua-toi", title="Bài của giảng viên", local_unit=district, owner=trainer)
    own.save_revision(user=trainer, log_action=True)
    own.get_workflow().start(own, trainer)  # a page in moderation: the dashboard and the editor show it
    for user in (trainer,):
        user.full_name = "Giảng Viên Lục Ngạn"
        user.save()
    return {"program": program, "module": first, "lesson": lessons[0], "own": own}


def menu_urls(user) -> list[str]:
    """Every link of the user's admin menu, submenus included: the screens they can click to."""
    from wagtail.admin.menu import admin_menu

    request = RequestFactory().get("/admin/")
    request.user = user
    urls, items = [], list(admin_menu.menu_items_for_request(request))
    while items:
        item = items.pop()
        if hasattr(item, "menu"):
            items += item.menu.menu_items_for_request(request)
        elif getattr(item, "url", "").startswith("/admin/"):
            urls.append(item.url)
    return urls


def staff_screens(user, curriculum) -> list[str]:
    lesson, own, module = curriculum["lesson"], curriculum["own"], curriculum["module"]
    screens = ["/admin/", "/admin/pages/", f"/admin/pages/{module.pk}/", "/admin/pages/search/?q=b%C3%A0i",
               f"/admin/pages/{lesson.pk}/edit/", f"/admin/pages/{own.pk}/edit/", f"/admin/pages/{own.pk}/history/",
               f"/admin/pages/{own.pk}/workflow_history/", f"/admin/pages/add/courses/lessonpage/{module.pk}/",
               f"/admin/pages/{module.pk}/add_subpage/", "/admin/account/", "/admin/snippets/", "/admin/images/",
               "/admin/documents/", "/admin/workflows/list/", "/admin/workflows/tasks/index/", "/admin/users/",
               "/admin/groups/", "/admin/reports/locked/", "/admin/reports/site-history/",
               "/admin/reports/workflow/", "/admin/reports/workflow_tasks/", "/admin/reports/aging-pages/",
               "/admin/images/multiple/add/", "/admin/documents/multiple/add/", "/admin/choose-page/"]
    menu = menu_urls(user)
    # The project's listings from the menu, and their "add" forms (404 where there is none).
    return list(dict.fromkeys(screens + menu + [f"{url.split('?')[0]}add/" for url in menu]))


def walk(client, user, curriculum, words) -> dict:
    client.force_login(user)
    english, seen = {}, 0
    for url in staff_screens(user, curriculum):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        if response.status_code != 200:
            continue  # not this role's screen (403/302/404): the menu walk covers what they can reach
        body = response.json().get("html", "") if response["Content-Type"].startswith("application/json") \
            else response.content.decode()
        seen += 1
        if found := english_in_context(body, words):
            english[url] = found
    return {"seen": seen, "english": "\n".join(f"{url}: {word} in «{context}»" for url, found in english.items()
                                                for word, context in found.items())}


@pytest.mark.django_db
def test_trainer_meets_no_english(client, trainer, curriculum, words):
    result = walk(client, trainer, curriculum, words)
    assert result["seen"] >= 12
    assert not result["english"], "\n" + result["english"]


@pytest.mark.django_db
def test_district_manager_meets_no_english(client, district_manager, curriculum, words):
    district_manager.full_name = "Trưởng Phòng Lục Ngạn"
    district_manager.save()
    result = walk(client, district_manager, curriculum, words)
    assert result["seen"] >= 3
    assert not result["english"], "\n" + result["english"]


def test_the_check_catches_english(words):
    assert english_on("<button>Save draft</button>", words) == {"Save", "draft"}
    assert english_on('<a title="Search all pages">x</a>', words) >= {"Search", "pages"}
    props = '<script type="application/json">{"_args": [{"label": "Reports", "url": "/admin/x/"}]}</script>'
    assert english_on(props, words) == {"Reports"}
    assert not english_on("<p>Lưu nháp – In giấy chứng nhận, loa to</p><script>var Save = 1;</script>", words)


def test_catalogue_covers_every_upstream_string_and_keeps_placeholders():
    from lms.locale_admin.build_catalogue import problems

    ours = current()
    assert not [entry.msgid for key, entry in upstream_entries().items() if key not in ours]
    assert not problems(ours.values())


def test_admin_catalogue_is_not_shadowed_by_the_project_catalogue():
    """LOCALE_PATHS lists lms/locale first: an English msgid there would hide the Vietnamese one here.

    The one shared msgid is "English", the language switcher's name for English, which the project keeps in
    English on purpose (each language named in itself)."""
    from pathlib import Path

    from lms.locale_admin.build_catalogue import parse

    assert settings.LOCALE_PATHS[1] == Path(settings.BASE_DIR) / "lms" / "locale_admin"
    project = {entry.key for entry in parse(Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / "django.po")}
    assert project & set(current()) <= {(None, "English")}


@pytest.mark.django_db
def test_bad_upstream_translations_are_replaced(client, trainer, curriculum):
    from django.utils import translation

    with translation.override("vi"):
        assert translation.gettext("%(label)s and Publish") % {"label": "Duyệt"} == "Duyệt và xuất bản"
        assert translation.gettext("Password reset unsuccessful") == "Đặt lại mật khẩu không thành công"
    client.force_login(trainer)
    body = client.get(f"/admin/pages/{curriculum['own'].pk}/edit/").content.decode()
    assert "Moderators approval" not in body and "Phê chuẩnvà" not in body
    assert "Duyệt xuất bản" in body  # Wagtail's default workflow, renamed by lms/migrations/0001
    from django.contrib.auth.models import Group

    assert not Group.objects.filter(name__in=["Moderators", "Editors"]).exists()

"""{% once %}: the frame's fixed parts rendered once per process and set of values; nothing of one person
inside them (scanned in every template), and each person still gets their own name and CSRF token."""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.template import Context, Template
from django.test import override_settings

from tests.conftest import make_learner

from .test_template_ids import _project_templates

ONCE_BLOCK = re.compile(r"\{%\s*once\b(.*?)%\}(.*?)\{%\s*endonce\s*%\}", re.S)
OWN = re.compile(r"\b(user|request|csrf_token|messages|perms)\b")  # never inside: one person's
PAGE = re.compile(r"\bpage\b")  # one page's: only in a block kept per page (`page.pk` among its values)


def render(source, **values):
    return Template("{% load once_tags %}" + source).render(Context(values))


def test_a_block_is_rendered_once_for_each_set_of_values():
    source = '{% once "test-counter" lang %}{{ n }}{% endonce %}'
    assert render(source, lang="vi", n=1) == "1"
    assert render(source, lang="vi", n=2) == "1"  # kept
    assert render(source, lang="en", n=3) == "3"  # another value, another render
    with override_settings(STATIC_URL="/tinh/"):  # a changed setting empties it
        assert render(source, lang="vi", n=4) == "4"


def test_no_once_block_holds_anything_of_one_person():
    found = {}
    for path in _project_templates():
        text = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", "", path.read_text(), flags=re.S)
        for values, body in ONCE_BLOCK.findall(text):
            code = re.sub(r'"[^"]*"|\'[^\']*\'', "", body)  # words inside labels do not count
            if OWN.search(code) or (PAGE.search(code) and "page.pk" not in values):
                found.setdefault(str(path), []).append(body[:80])
    assert found == {}


@pytest.mark.django_db
def test_each_person_gets_their_own_name_and_token_in_the_kept_frame(client, home_page, commune):
    first, second = make_learner(commune), make_learner(commune, phone="0987000002", full_name="Học Viên Hai")
    pages = {}
    for user in (first, second):
        client.force_login(user)
        page = client.get("/").content.decode()
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert len(tokens) == 2 and "Đăng xuất" in page and "Đăng nhập" not in page
        assert {_unmask_cipher_token(token) for token in tokens} == {client.cookies["csrftoken"].value}
        pages[user.full_name] = page
    assert "Học Viên Một" in pages["Học Viên Một"] and "Học Viên Một" not in pages["Học Viên Hai"]
    client.logout()
    visitor = client.get("/").content.decode()
    assert "Đăng nhập" in visitor and "Đăng xuất" not in visitor and "Học Viên" not in visitor
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert "Sign in" in english and "Đăng nhập" not in english

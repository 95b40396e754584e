"""Page slugs are ASCII, as people type them: "Đài truyền thanh xã" → "dai-truyen-thanh-xa", not /%C4%91ai-….

In the admin the browser makes the slug (Wagtail's w-slug controller): `browser_slug` replays its steps on the
formatters the slug input carries, so the test checks what a trainer's browser would send.
"""

import html
import json
import re
import unicodedata

import pytest
from django.conf import settings

from lms.slugs import ascii_slug, slug_formatters
from tests.conftest import make_user

TITLE = "Đài truyền thanh xã Đồng Tâm – Quý IV"
BODY = json.dumps({"blocks": [{"key": "a1b2c", "text": "Lịch phát sóng.", "type": "unstyled", "depth": 0,
                               "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}})
VIETNAMESE = "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"


def browser_slug(formatters, title: str) -> str:
    """Wagtail's urlify in the browser: the formatters, then drop what is not [-\\w\\s], then dashes."""
    for (pattern, _flags), replacement in formatters:
        title = re.sub(pattern, replacement, title)
    title = re.sub(r"[^-\w\s]", "", title.lower(), flags=re.ASCII)
    return re.sub(r"[-\s]+", "-", title.strip())


def slug_input_formatters(body: str):
    slug_input = re.search(r'<input[^>]*name="slug"[^>]*>', body).group(0)
    return json.loads(html.unescape(re.search(r'data-w-slug-formatters-value="([^"]*)"', slug_input).group(1)))


def test_unicode_slugs_are_off():
    assert settings.WAGTAIL_ALLOW_UNICODE_SLUGS is False


def test_every_vietnamese_letter_becomes_ascii():
    for letter in VIETNAMESE + VIETNAMESE.upper():
        for form in (letter, unicodedata.normalize("NFD", letter)):
            text = form
            for pattern, replacement in slug_formatters():
                text = re.sub(pattern, replacement, text)
            assert text.isascii() and text.isalpha(), (letter, text)
    assert ascii_slug(TITLE) == "dai-truyen-thanh-xa-dong-tam-quy-iv"
    assert ascii_slug("Loa truyền thanh") == "loa-truyen-thanh"


@pytest.mark.django_db
def test_page_created_in_the_admin_gets_the_ascii_slug_people_type(client, home_page):
    from content.models import StandardPage

    client.force_login(make_user("quantri", is_superuser=True))
    url = f"/admin/pages/add/content/standardpage/{home_page.pk}/"
    formatters = slug_input_formatters(client.get(url).content.decode())
    slug = browser_slug(formatters, TITLE)
    assert slug == "dai-truyen-thanh-xa-dong-tam-quy-iv"

    response = client.post(url, {"title": TITLE, "slug": slug, "body": BODY, "action-publish": "1"})
    assert response.status_code == 302, response.content.decode()[:500]
    page = StandardPage.objects.get(title=TITLE)
    assert page.slug == slug and page.url.isascii()
    assert client.get(page.url).status_code == 200


@pytest.mark.django_db
def test_a_slug_typed_with_diacritics_is_transliterated(client, home_page):
    from content.models import StandardPage

    client.force_login(make_user("quantri", is_superuser=True))
    url = f"/admin/pages/add/content/standardpage/{home_page.pk}/"
    response = client.post(url, {"title": TITLE, "slug": "Đài-truyền-thanh", "body": BODY, "action-publish": "1"})
    assert response.status_code == 302
    assert StandardPage.objects.get(title=TITLE).slug == "dai-truyen-thanh"


@pytest.mark.django_db
def test_lesson_editor_slug_input_transliterates(client, home_page, trainer):
    from courses.permissions import grant_trainer_permissions
    from tests.courses.builders import make_course

    program, module, *_rest = make_course(home_page)
    grant_trainer_permissions(program.get_parent())
    client.force_login(trainer)
    body = client.get(f"/admin/pages/add/courses/lessonpage/{module.pk}/").content.decode()
    assert browser_slug(slug_input_formatters(body), "Kỹ năng viết tin cho đài") == "ky-nang-viet-tin-cho-dai"

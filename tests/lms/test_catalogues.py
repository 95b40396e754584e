"""The Vietnamese and English catalogues are complete: no empty and no fuzzy entries."""

import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "lms" / "locale"
ENTRY = re.compile(r'(#, fuzzy\n)?(?:#\|.*\n)*msgid ("(?:.*)"(?:\n".*")*)\n(?:msgid_plural .*(?:\n".*")*\n)?'
                   r'((?:msgstr(?:\[\d\])? ".*"(?:\n".*")*\n?)+)')


def entries(language):
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for match in ENTRY.finditer(text):
        fuzzy, msgid, msgstrs = match.groups()
        if msgid == '""':
            continue  # header
        yield msgid, bool(fuzzy), msgstrs


@pytest.mark.parametrize("language", ["vi", "en"])
def test_catalogue_is_complete(language):
    found = list(entries(language))
    assert len(found) > 300
    empty = [msgid for msgid, _fuzzy, msgstrs in found
             if any(line.endswith('""') for line in re.findall(r'msgstr(?:\[\d\])? ".*"(?:\n".*")*', msgstrs)
                    if line.count('"') == 2)]
    fuzzy = [msgid for msgid, is_fuzzy, _ in found if is_fuzzy]
    assert not empty, empty[:5]
    assert not fuzzy, fuzzy[:5]


def test_english_is_served(client, home_page):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/chuong-trinh/").content.decode()
    assert "Programs" in page or "Sign in" in page

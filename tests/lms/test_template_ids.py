"""Ids in templates are written without Vietnamese number formatting (USE_THOUSAND_SEPARATOR is on, so
`{{ question.pk }}` of 1244 prints "1.244"): a form field, a link or a JSON value built from it would break."""

import re
from pathlib import Path

from django.conf import settings

_PRINTED = re.compile(r"\{\{\s*([\w.]+)\s*((?:\|[^}]*)?)\}\}")
_ID_LIKE = re.compile(r"(^|\.|_)(pk|id|page_number)$")
_PLAIN = ("unlocalize", "stringformat")


def _project_templates():
    for app in ("accounts", "assessments", "content", "courses", "lms", "localities", "notifications",
                "outbox", "reports"):
        yield from (Path(settings.BASE_DIR) / app).glob("templates/**/*.html")


def _unformatted_ids(text: str) -> list[str]:
    return [match.group(0) for match in _PRINTED.finditer(text)
            if _ID_LIKE.search(match.group(1)) and not any(word in match.group(2) for word in _PLAIN)]


def test_the_scan_sees_a_formatted_id():
    assert _unformatted_ids('<input value="{{ q.pk }}"> {{ p.user_id }} {{ x.pk|unlocalize }} {{ id }}') == [
        "{{ q.pk }}", "{{ p.user_id }}", "{{ id }}"]


def test_no_template_prints_an_id_with_number_formatting():
    found = {str(path.relative_to(settings.BASE_DIR)): hits
             for path in _project_templates() if (hits := _unformatted_ids(path.read_text()))}
    # Strings that only look like ids: a StreamField block's UUID and the request id of the error page.
    found.pop("courses/templates/courses/blocks/practice.html", None)
    found.pop("courses/templates/courses/blocks/practice_hand_in.html", None)
    found.pop("lms/templates/500.html", None)
    assert found == {}

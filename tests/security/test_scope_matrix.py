"""Every URL of the project's apps, asked by five personas, answers as the table in matrix.py says."""

import io
import json
import zipfile

import pytest

from . import world as world_module
from .matrix import ALL, MATRIX, PERSONAS, entries, outcome, project_patterns, url_for
from .world import World


def test_every_url_has_an_entry():
    missing = sorted(set(project_patterns()) - set(MATRIX))
    assert not missing, "URL without an entry in tests/security/matrix.py MATRIX: " + ", ".join(
        f"{key} ({project_patterns()[key]})" for key in missing)


def test_no_stale_entries():
    stale = sorted(set(MATRIX) - set(project_patterns()))
    assert not stale, f"entries for URLs that no longer exist: {stale}"


def _cells() -> list:
    return list(_iter_cells())


def _iter_cells():
    for key in ALL:
        for index, entry in enumerate(entries(key)):
            for persona in PERSONAS:
                marks = []
                if persona in entry.leaks:
                    marks = [pytest.mark.xfail(strict=True, reason=entry.leaks[persona])]
                yield pytest.param(key, index, persona, marks=marks, id=f"{key}-{entry.method}-{persona}")


OUTSIDER_OF = {"trainer": "outsider_trainer"}  # else the manager of Sơn Động (no other province is loaded)


def _user(world: World, persona: str, staff_role: str):
    names = {"outsider_learner": "outsider_learner", "outsider_staff": OUTSIDER_OF.get(staff_role, "outsider_manager"),
             "staff": staff_role, "learner": "learner"}
    return world.people[names[persona]] if persona in names else None


def _request(client, world, key, entry):
    url = url_for(key, entry, world)
    if entry.method == "GET":
        return client.get(url)
    data = entry.data(world) if callable(entry.data) else (entry.data or {})
    if entry.json:
        return client.post(url, json.dumps(data), content_type="application/json")
    return client.post(url, data)


def _text(response) -> str:
    """What the response shows: the page, the JSON, the CSV, or the text inside an XLSX."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                            if name.endswith(".xml"))
    return body.decode("utf-8", "replace")


@pytest.mark.parametrize("key,index,persona", _cells())
def test_scope(client, db, world, key, index, persona):
    entry = entries(key)[index]
    user = _user(world, persona, entry.staff)
    if user is not None:
        client.force_login(user)
    response = _request(client, world, key, entry)
    assert outcome(response) == entry.expect[persona], (
        f"{entry.method} {key} as {persona}: got {response.status_code} {response.get('Location', '')}")
    if outcome(response) == "OK" and persona.startswith(("outsider", "anonymous")) and not entry.public:
        shown = [marker for marker in world.private_markers if marker in _text(response)]
        assert not shown, f"{entry.method} {key} shows {persona} private data of Lục Ngạn: {shown}"


# The check above is worth something only if the strings do show where they belong: one page for each.
SHOWN_TO_THE_UNIT = [
    ("accounts_admin:pending", "staff", world_module.PENDING_NAME),
    ("assessments_admin:mark", "staff", world_module.ESSAY_TEXT),
    ("certificates:manage_list", "staff", world_module.LEARNER_NAME),
    ("accounts_admin:pending", "staff", world_module.PENDING_PHONE),
    ("courses:class_detail", "staff", world_module.LEARNER_NAME),
    ("courses:class_manage", "staff", world_module.CLASS_TITLE),
    ("courses:my_classes", "learner", world_module.CLASS_TITLE),
    ("content:material_list", "learner", world_module.MATERIAL_TITLE),
    ("wagtailadmin_explore", "staff", world_module.LESSON_TITLE),
]


@pytest.mark.parametrize("key,persona,marker", SHOWN_TO_THE_UNIT)
def test_private_strings_show_where_they_belong(client, db, world, key, persona, marker):
    entry = entries(key)[0]
    client.force_login(_user(world, persona, entry.staff))
    assert marker in _text(_request(client, world, key, entry))

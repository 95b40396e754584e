"""Issue 15: trainers (who do not see the statistics) read the class figures of their scope, reached from the
admin menu and dashboard; another district's trainer sees none of them, whatever id or filter they forge."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.conftest import make_staff

from . import test_class_figures

classes = test_class_figures.classes  # fixture

URL = reverse("class_figures:classes")
YEAR = {"period": "year", "year": "2026"}


def _cells(html: str) -> list[list[str]]:
    """The figures table, one list of cell texts per row (header row left out)."""
    start = html.index('class="listing report-figures class-figures"')
    table = html[start:html.index("</table>", start)]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]
    return [[re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]


@pytest.mark.django_db
def test_a_trainer_reaches_the_class_figures_of_their_district_from_the_dashboard(
        client, classes, trainer, district, commune):
    client.force_login(trainer)
    assert f'href="{URL}"' in client.get(reverse("wagtailadmin_home")).content.decode()
    rows = _cells(client.get(URL, YEAR).content.decode())
    own = next(row for row in rows if row[0].startswith(f"{district.name} tổ chức"))
    assert own[1:] == ["1", "0", "0"]  # the empty class the district organised
    here = next(row for row in rows if row[0].startswith(commune.name))
    assert here[1:] == ["0", "1", "1"]  # the participant of the province class, trained
    assert rows[-1] == ["Tổng cộng", "1", "1", "1"]
    drill = client.get(reverse("class_figures:unit", args=[commune.pk]), YEAR)
    assert drill.status_code == 200 and _cells(drill.content.decode())[-1] == ["Tổng cộng", "0", "1", "1"]


@pytest.mark.django_db
def test_a_province_trainer_sees_the_province_class_once(client, classes, province):
    client.force_login(make_staff("gv-tinh-2", Role.TRAINER, province))
    rows = _cells(client.get(URL, YEAR).content.decode())
    assert rows[-1] == ["Tổng cộng", "2", "2", "2"]
    assert sum(int(row[1]) for row in rows[:-1]) == 2  # the rows add up to the total


@pytest.mark.django_db
def test_another_districts_trainer_sees_none_of_the_first_districts_classes(
        client, classes, district, commune, province, other_district):
    outsider = make_staff("gv-son-dong", Role.TRAINER, other_district)
    client.force_login(outsider)
    rows = _cells(client.get(URL, YEAR).content.decode())
    assert rows[-1] == ["Tổng cộng", "0", "1", "1"]  # only their own learner of the province class
    assert not any(district.name in row[0] for row in rows)
    for unit in (district, commune, province):
        assert client.get(reverse("class_figures:unit", args=[unit.pk]), YEAR).status_code == 403
    forged = client.get(URL, {**YEAR, "program": classes["empty"].program_id, "structure": "today"})
    assert _cells(forged.content.decode())[-1][1] == "0"
    assert client.get(reverse("class_figures:unit", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_a_learner_cannot_open_the_class_figures(client, classes, learner):
    client.force_login(learner)
    assert client.get(URL).status_code in (302, 403)

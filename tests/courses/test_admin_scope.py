"""A district trainer's Wagtail admin shows nothing of another district's local lessons."""

import pytest

from accounts.models import Role
from tests.conftest import make_staff

from .builders import make_course, make_lesson

FOREIGN = "ZETA bí mật Sơn Động"
OWN = "ZETA sổ tay Lục Ngạn"
SHARED = "ZETA bài chung toàn tỉnh"


@pytest.fixture
def tree(home_page, trainer, district, other_district):
    from courses.permissions import grant_trainer_permissions

    program, first, second, _first_lessons, _second_lessons = make_course(home_page)
    grant_trainer_permissions(program.get_parent())
    other_trainer = make_staff("son-dong-trainer", Role.TRAINER, other_district)
    foreign = make_lesson(first, "bi-mat", title=FOREIGN, local_unit=other_district, owner=other_trainer)
    foreign.save_revision(user=other_trainer, log_action=True)
    own = make_lesson(first, "so-tay", title=OWN, local_unit=district, owner=trainer)
    own.save_revision(user=trainer, log_action=True)
    shared = make_lesson(first, "chung", title=SHARED)
    return {"program": program, "module": first, "foreign": foreign, "own": own, "shared": shared}


def page_as(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    if response["Content-Type"].startswith("application/json"):  # the chooser's modal steps
        return response.json()["html"]
    return response.content.decode()


def assert_only_in_scope(body):
    assert FOREIGN not in body
    assert OWN in body and SHARED in body


@pytest.mark.django_db
def test_explorer_lists_only_lessons_in_scope(client, trainer, tree):
    assert_only_in_scope(page_as(client, trainer, f"/admin/pages/{tree['module'].pk}/"))


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    "/admin/pages/search/?q=ZETA",
    "/admin/pages/search/results/?q=ZETA",
    "/admin/pages/{program}/?q=ZETA&search_all=1",
])
def test_page_search_finds_only_lessons_in_scope(client, trainer, tree, url):
    assert_only_in_scope(page_as(client, trainer, url.format(program=tree["program"].pk)))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/choose-page/{module}/", "/admin/choose-page/search/?q=ZETA"])
def test_page_chooser_offers_only_lessons_in_scope(client, trainer, tree, url):
    assert_only_in_scope(page_as(client, trainer, url.format(module=tree["module"].pk)))


@pytest.mark.django_db
def test_sidebar_explorer_lists_only_lessons_in_scope(client, trainer, tree):
    client.force_login(trainer)
    response = client.get(f"/admin/api/main/pages/?child_of={tree['module'].pk}&for_explorer=1")
    titles = {item["title"] for item in response.json()["items"]}
    assert FOREIGN not in titles and {OWN, SHARED} <= titles
    assert client.get(f"/admin/api/main/pages/{tree['foreign'].pk}/").status_code == 404


@pytest.mark.django_db
def test_site_history_shows_only_lessons_in_scope(client, trainer, tree):
    body = page_as(client, trainer, "/admin/reports/site-history/")
    assert FOREIGN not in body and OWN in body


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["", "edit/", "history/", "history/results/", "revisions/", "edit/preview/",
                                  "view_draft/", "usage/", "copy/", "move/", "delete/", "workflow_history/"])
def test_admin_views_of_an_out_of_scope_lesson_answer_404(client, trainer, tree, view):
    client.force_login(trainer)
    response = client.get(f"/admin/pages/{tree['foreign'].pk}/{view}")
    assert response.status_code == 404
    assert FOREIGN not in response.content.decode()


@pytest.mark.django_db
def test_own_lesson_history_still_opens(client, trainer, tree):
    assert OWN in page_as(client, trainer, f"/admin/pages/{tree['own'].pk}/history/")


@pytest.mark.django_db
def test_page_types_report_is_closed_to_a_trainer_with_hidden_lessons(client, trainer, tree):
    client.force_login(trainer)
    assert client.get("/admin/reports/page-types-usage/").status_code == 404
    assert "/admin/reports/page-types-usage/" not in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_province_trainer_still_sees_every_lesson(client, province, tree):
    province_trainer = make_staff("tinh-trainer", Role.TRAINER, province)
    body = page_as(client, province_trainer, "/admin/pages/search/?q=ZETA")
    assert FOREIGN in body and OWN in body
    assert FOREIGN in page_as(client, province_trainer, f"/admin/pages/{tree['foreign'].pk}/history/")
    assert page_as(client, province_trainer, "/admin/reports/page-types-usage/")

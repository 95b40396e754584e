"""Issue 15, item 2: one landing place for staff — the dashboard panel (figures, waiting work, links) for
the user's scope, a menu that fits the first screen, and a link to it on the site after sign-in."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from reports.dashboard import GROUPS
from tests.conftest import PASSWORD, make_learner

from . import test_stats_fixtures as fx
from .test_stats_fixtures import finish, learner_in

course, run = fx.course, fx.run  # fixtures


def _pending(commune, phone):
    learner = make_learner(commune, phone=phone)
    User.objects.filter(pk=learner.pk).update(is_active=False, awaiting_approval=True)
    return learner


def _panel(client):
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    start = html.find('class="panel staff-work"')
    return html[start:html.find("</section>", start)] if start >= 0 else ""


@pytest.mark.django_db
def test_a_manager_sees_figures_waiting_work_and_links_of_their_scope(client, run, course, district,
                                                                      district_manager):
    commune = district.children.order_by("code").first()
    finish(run, learner_in(commune, 1), course)
    _pending(commune, "0931000001")
    client.force_login(district_manager)
    panel = _panel(client)
    assert "Việc của tôi" in panel and district.name in panel
    assert re.search(r"6 tháng (đầu|cuối) \d{4}", panel)
    assert re.search(r"Tài khoản chờ duyệt: <strong>1</strong>", panel)
    for name in ("reports_admin:statistics", "certificates:manage_list", "courses:class_manage",
                 "accounts_admin:import", "assessments_admin:import"):
        assert f'href="{reverse(name)}"' in panel, name
    assert re.search(r"Học viên đăng ký</th><td>2</td>", panel)  # the pending account is registered too
    assert re.search(r"Hoàn thành chương trình</th><td>1</td>", panel)


@pytest.mark.django_db
def test_an_outsider_manager_sees_none_of_it(client, run, course, district, outsider_manager):
    commune = district.children.order_by("code").first()
    finish(run, learner_in(commune, 1), course)
    _pending(commune, "0931000001")
    client.force_login(outsider_manager)
    panel = _panel(client)
    assert "Tài khoản chờ duyệt: <strong>0</strong>" in panel
    assert re.search(r"Học viên đăng ký</th><td>0</td>", panel)


@pytest.mark.django_db
def test_a_trainer_gets_waiting_work_and_links_but_no_manager_pages(client, trainer):
    client.force_login(trainer)
    panel = _panel(client)
    assert "Bài cần chấm" in panel and "Lớp tập huấn trong tuần" in panel
    assert "Tài khoản chờ duyệt" not in panel and reverse("reports_admin:statistics") not in panel


@pytest.mark.django_db
def test_the_dashboard_query_count_does_not_grow_with_the_data(client, run, course, district, district_manager):
    commune = district.children.order_by("code").first()
    client.force_login(district_manager)
    finish(run, learner_in(commune, 1), course)
    _pending(commune, "0931000001")
    client.get(reverse("wagtailadmin_home"))  # warm the caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("wagtailadmin_home"))
    for n in range(2, 6):
        finish(run, learner_in(commune, n), course)
        _pending(commune, f"093100000{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("wagtailadmin_home"))
    assert len(many) == len(few)
    assert len(few) <= 45  # 42 measured: Wagtail's own panels, the two half-year reports, four counts


def _labels_and_urls(node, found):
    if isinstance(node, dict):
        if "label" in node and "url" in node:
            found.append((node["label"], node["url"]))
        for value in node.values():
            _labels_and_urls(value, found)
    elif isinstance(node, list):
        for value in node:
            _labels_and_urls(value, found)
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["district_manager", "trainer", "admin_user"])
def test_every_staff_page_is_in_a_short_menu(client, persona, request, django_user_model):
    user = (django_user_model.objects.create_superuser("root", password=PASSWORD) if persona == "admin_user"
            else request.getfixturevalue(persona))
    client.force_login(user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S)
    menu = json.loads(props.group(1))
    top = next(module for module in menu["modules"] if module["_type"] == "wagtail.sidebar.MainMenuModule")
    items = top["_args"][0]
    # The first screen at 1280×800 holds about 14 items below the logo and search (44 px each).
    assert len(items) <= 13, [item["_args"][0]["label"] for item in items]
    urls = [url for _label, url in _labels_and_urls(items, [])]
    is_manager = persona != "trainer"
    for _key, _label, _icon, entries in GROUPS:
        for _item, name, managers_only in entries:
            if managers_only is None and persona != "admin_user":
                continue
            if managers_only and not is_manager:
                assert reverse(name) not in urls
                continue
            assert reverse(name) in urls, (persona, name)


@pytest.mark.django_db
def test_staff_who_sign_in_on_the_site_get_a_link_to_their_work(client, trainer, learner, home_page):
    response = client.post(reverse("login"), {"username": trainer.username, "password": PASSWORD}, follow=True)
    assert f'href="{reverse("wagtailadmin_home")}"' in response.content.decode()
    assert "Trang làm việc" in client.get("/").content.decode()
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": learner.phone, "password": PASSWORD})
    assert "Trang làm việc" not in client.get("/").content.decode()

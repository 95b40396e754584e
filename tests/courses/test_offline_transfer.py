"""What learning costs in transfer: compressed HTML and JSON, the service worker and manifest served from the
root with the right headers, the worker's budget, and an app shell that covers a lesson page's assets (a
returning learner's lesson page then costs one HTML response: everything else comes from the worker's cache)."""

import gzip
import json
import re

import pytest
from django.contrib.staticfiles import finders

from courses import services
from lms import pwa

from .builders import make_course

pytestmark = pytest.mark.django_db

WORKER_BUDGET = 30 * 1024  # the worker and every script it or the pages load for offline use, compressed


@pytest.fixture
def lesson_page(client, learner, home_page):
    program, module, _second, lessons, _more = make_course(home_page)
    services.enrol(learner, program)
    client.force_login(learner)
    return lessons[0], module


def test_html_is_compressed_when_the_browser_offers_gzip(client, lesson_page):
    lesson, _module = lesson_page
    plain = client.get(lesson.url)
    assert "Content-Encoding" not in plain
    response = client.get(lesson.url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert len(response.content) < len(plain.content) / 2
    assert b"<h1>" in gzip.decompress(response.content)


def test_json_is_compressed_too(client, lesson_page):
    _lesson, module = lesson_page
    response = client.get(f"/learning/modules/{module.pk}/package/", headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip" and response["Content-Type"] == "application/json"
    assert json.loads(gzip.decompress(response.content))["module"] == module.pk


def test_the_worker_is_served_from_the_root_with_its_headers(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/" and response["Cache-Control"] == "max-age=3600"
    body = response.content.decode()
    assert body.startswith("self.LMS = ") and "/static/css/site.css" in body and "importScripts" in body
    assert "Không có kết nối mạng" in body


def test_the_manifest_names_the_app_in_vietnamese_with_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Bồi dưỡng thông tin cơ sở" and data["lang"] == "vi" and data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert sizes == {"192x192", "512x512"}
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with open(path, "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_pages_link_the_manifest_and_load_the_offline_script(client, lesson_page):
    lesson, _module = lesson_page
    html = client.get(lesson.url).content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert "/static/js/offline.js" in html and 'id="lms-offline"' in html


def test_the_worker_and_its_scripts_stay_within_budget():
    total = len(gzip.compress(pwa.worker_prelude("0" * 12).encode()))
    for name in pwa.WORKER_SCRIPTS + ["js/offline.js"]:
        with open(finders.find(name), "rb") as handle:
            total += len(gzip.compress(handle.read()))
    assert total <= WORKER_BUDGET, total


def test_the_app_shell_holds_every_asset_of_a_lesson_page(client, lesson_page):
    """The worker answers these from its cache: a returning learner's page costs the HTML alone."""
    lesson, _module = lesson_page
    html = client.get(lesson.url).content.decode()
    assets = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
    shell = set(json.loads(pwa.worker_prelude("x").removeprefix("self.LMS = ").rstrip(";\n"))["shell"])
    assert assets and assets <= shell, assets - shell

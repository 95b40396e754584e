"""Small things a new user noticed (issue #15, items 1 and 14): yes/no in words in admin listings, years written
as years, a favicon instead of a 404 page."""

import re

import pytest
from django.urls import reverse

from tests.reports.builders import make_work


@pytest.fixture
def works(district):
    return [make_work(district, title="Gương sáng Lục Ngạn", funding_year=2026, featured=True),
            make_work(district, title="Mô hình nuôi ong", funding_year=2025, featured=False)]


def cells(body: str) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]


@pytest.mark.django_db
def test_admin_listing_shows_yes_no_and_plain_years(client, district_manager, works):
    client.force_login(district_manager)
    body = client.get(reverse("press_works:index")).content.decode()
    shown = cells(body)
    assert "Có" in shown and "Không" in shown
    assert "2026" in shown and "2025" in shown
    assert not {"True", "False", "2.026", "2.025"} & set(shown)


@pytest.mark.django_db
def test_active_boolean_filter_says_khong(client, district_manager, works):
    client.force_login(district_manager)
    body = client.get(reverse("press_works:index"), {"featured": "false"}).content.decode()
    assert "Mô hình nuôi ong" in body and "Gương sáng Lục Ngạn" not in body
    assert "False" not in re.sub(r"<script.*?</script>", "", body, flags=re.S)
    assert re.search(r"Tiêu biểu:?\s*(</[^>]+>\s*)*(<[^>]+>\s*)*Không", body, re.S)


@pytest.mark.django_db
def test_public_press_pages_write_the_year_as_a_year(client, works):
    listing = client.get(reverse("content:work_list")).content.decode()
    assert "2026" in listing and "2.026" not in listing
    detail = client.get(reverse("content:work_detail", args=[works[0].pk])).content.decode()
    assert "Năm 2026" in detail and "2.026" not in detail


@pytest.mark.django_db
def test_class_report_year_is_not_localised(client, province_manager):
    client.force_login(province_manager)
    # The class report lives in the statistics page now (issue #15 item 5): the old address leads there.
    response = client.get(reverse("courses:class_report"), {"year": "2026"}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200 and response.redirect_chain
    assert "2026" in body and "2.026" not in body


@pytest.mark.django_db
def test_favicon_is_a_small_cached_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    icon = b"".join(response.streaming_content)
    assert icon[:4] == b"\x00\x00\x01\x00" and len(icon) < 2048  # an ICO file, about 1 KB
    assert "max-age=" in response["Cache-Control"]
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.django_db
def test_locked_module_says_what_to_finish_first(client, home_page):
    from tests.courses.builders import make_course

    program, first, *_rest = make_course(home_page)
    body = client.get(program.url).content.decode()
    assert f"Chưa mở – cần học xong “{first.title}” trước" in body
    assert "Khoá – học trước" not in body

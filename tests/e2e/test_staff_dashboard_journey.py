"""Issue 15: a district manager's day from one landing place — signed in on the site, a link to their work;
the admin dashboard (figures, waiting work, links) with every menu entry on the first screen at 1280×800;
the statistics whose table scrolls with the unit column fixed; the learner export of every registered
learner. Then the same statistics at 360 px: a list, nothing overflowing. Screenshots of each screen."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from courses import services as course_services
from localities.models import Level, Locality
from tests.conftest import PASSWORD, make_learner, make_staff
from tests.courses.builders import make_index, make_lesson, make_module, make_program

from .axe import assert_accessible
from .conftest import PHONE, login

pytestmark = pytest.mark.django_db(transaction=True)

SCREEN = {"width": 1280, "height": 800}


@pytest.fixture
def world(e2e_site):
    district = Locality.objects.get(level=Level.DISTRICT, code="219")
    commune = district.children.get(name="Xã Phong Minh")
    program = make_program(make_index(e2e_site), code="CT1", title="Kỹ năng thông tin cơ sở")
    module = make_module(program, "m1")
    lessons = [make_lesson(module, f"b{i}") for i in range(2)]
    finisher = make_learner(commune, phone="0912000001", full_name="Lê Văn Toàn")
    course_services.enrol(finisher, program)
    for lesson in lessons:
        course_services.complete_lesson(finisher, lesson)
    make_learner(commune, phone="0912000002", full_name="Đỗ Thị Chưa Học")  # registered, enrolled in nothing
    make_staff("quanly.lucngan", Role.DISTRICT_MANAGER, district)
    return {"district": district, "commune": commune}


def test_dashboard_statistics_export_at_1280_and_360(world, open_page, screens):
    page = open_page(SCREEN)
    login(page, "quanly.lucngan", PASSWORD, next_url="/")
    link = page.locator("header a", has_text="Trang làm việc")
    expect(link).to_be_visible()
    with page.expect_navigation():
        link.click()
    panel = page.locator("section.staff-work")
    expect(panel).to_contain_text("Việc của tôi")
    expect(panel).to_contain_text("Tài khoản chờ duyệt")
    expect(panel.locator("table")).to_contain_text(re.compile(r"6 tháng (đầu|cuối) \d{4}"))
    screens.shot(page, "dashboard-1280", check_overflow=False)  # Wagtail's own off-screen dialogs

    # Every top-level menu entry lies within the first screen (800 px high).
    entries = page.locator("nav[aria-label] .sidebar-main-menu > ul > li, .sidebar-main-menu__list > li")
    assert entries.count() >= 3
    for index in range(entries.count()):
        box = entries.nth(index).bounding_box()
        assert box is not None and box["y"] + box["height"] <= SCREEN["height"], entries.nth(index).inner_text()
    expect(page.locator(".sidebar-main-menu")).to_contain_text("Thống kê")

    with page.expect_navigation():
        panel.locator("a", has_text="Thống kê học viên").click()
    page.wait_for_url(re.compile(r"/admin/reports/statistics/"))
    scroller = page.locator(".report-wide").first
    expect(scroller).to_contain_text("Xã Phong Minh")
    scroller.scroll_into_view_if_needed()
    unit_cell = scroller.locator("tbody th.report-unit", has_text="Xã Phong Minh")
    before = unit_cell.bounding_box()
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    last_header = scroller.locator("thead th").last
    expect(last_header).to_be_in_viewport()
    after = unit_cell.bounding_box()
    assert abs(after["x"] - before["x"]) < 1  # the unit column stays put while the figures scroll
    expect(page.locator(".report-chart").first).to_contain_text("%")
    screens.shot(page, "statistics-1280", check_overflow=False)

    # The learner export lists the registered learner who enrolled in nothing, with dd/mm/yyyy HH:MM dates.
    with page.expect_navigation():
        page.click("button:has-text('Xuất danh sách học viên (CSV)')")
    download_link = page.locator("#export-link a")
    expect(download_link).to_be_visible()
    screens.shot(page, "export-job-1280", check_overflow=False)
    with page.expect_download() as download_info:
        download_link.click()
    text = open(download_info.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    names = [row[4] for row in rows[1:]]
    assert "Lê Văn Toàn" in names and "Đỗ Thị Chưa Học" in names
    enrolled = rows[1 + names.index("Lê Văn Toàn")][rows[0].index("Ghi danh")]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", enrolled), enrolled

    # The phone view of the same figures: a list, nothing wider than the screen.
    phone = open_page(PHONE)
    login(phone, "quanly.lucngan", PASSWORD, next_url="/reports/")
    card = phone.locator(".report-list .report-card", has_text="Xã Phong Minh")
    expect(card).to_be_visible()
    expect(phone.locator(".report-wide").first).to_be_hidden()
    expect(card).to_contain_text("100,0\u00a0%")
    card.locator(".report-card-key").click()
    expect(card.locator("dt:text-is('Hoàn thành') + dd")).to_have_text("1")
    screens.shot(phone, "statistics-360")
    assert_accessible(phone, "statistics list")

"""Journey 3: a district manager reads statistics, drills down, filters, exports, and is refused elsewhere."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import Role
from courses import services as course_services
from localities.models import Level, Locality
from tests.conftest import PASSWORD, make_learner, make_staff
from tests.courses.builders import make_index, make_lesson, make_module, make_program

from .axe import assert_accessible
from .conftest import DESKTOP, PHONE, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(e2e_site):
    """Lục Ngạn: one learner who finished CT1, one who only enrolled in CT2; a learner in Sơn Động."""
    district = Locality.objects.get(level=Level.DISTRICT, code="219")
    other_district = Locality.objects.get(level=Level.DISTRICT, code="220")
    commune = district.children.get(name="Xã Phong Minh")
    finished_program = make_program(make_index(e2e_site), code="CT1", title="Kỹ năng thông tin cơ sở")
    module = make_module(finished_program, "m1")
    lessons = [make_lesson(module, f"b{i}") for i in range(2)]
    other_program = make_program(make_index(e2e_site), code="CT2", title="Tuyên truyền cổ động")
    make_lesson(make_module(other_program, "m1"), "c1")

    finisher = make_learner(commune, phone="0912000001", full_name="Lê Văn Toàn")
    course_services.enrol(finisher, finished_program)
    for lesson in lessons:
        course_services.complete_lesson(finisher, lesson)
    starter = make_learner(commune, phone="0912000002", full_name="Hoàng Thị Mai")
    course_services.enrol(starter, other_program)
    outsider = make_learner(other_district.children.order_by("code").first(), phone="0912000003",
                            full_name="Người Sơn Động")
    course_services.enrol(outsider, finished_program)
    manager = make_staff("quanly.lucngan", Role.DISTRICT_MANAGER, district)
    return {"district": district, "other_district": other_district, "commune": commune,
            "program": finished_program, "manager": manager}


def test_district_manager_statistics_drill_filter_export_and_refusal(world, open_page, screens, tmp_path):
    page = open_page(PHONE)
    login(page, "quanly.lucngan", PASSWORD, next_url="/reports/")
    page.wait_for_url(re.compile(r"/reports/$"))
    units = page.locator(".report-list")  # at 360 px the figures are a list (issue 15)
    expect(units).to_contain_text("Xã Phong Minh")
    expect(page.locator("main")).not_to_contain_text("Người Sơn Động")
    screens.shot(page, "district-statistics")
    assert_accessible(page, "statistics")

    # Filter by program and period (the whole time): only CT1 counts.
    page.select_option("#id_program", label="Kỹ năng thông tin cơ sở")
    page.select_option("#id_period", value="all")
    with page.expect_navigation():
        page.click(".report-filters button[type=submit]")
    assert re.search(r"program=\d+", page.url) and "period=all" in page.url
    row = units.locator(".report-card", has_text="Xã Phong Minh")
    row.locator(".report-card-key").click()
    expect(row.locator("dt:text-is('Ghi danh') + dd")).to_have_text("1")  # enrolled in CT1
    expect(row.locator("dt:text-is('Hoàn thành') + dd")).to_have_text("1")  # completed CT1
    screens.shot(page, "filtered")

    # Export what is on screen and read the file back.
    with page.expect_download() as download_info:
        page.click("text=Tải XLSX")
    saved = tmp_path / "statistics.xlsx"
    download_info.value.save_as(saved)
    cells = [str(c) for row in load_workbook(saved).active.iter_rows(values_only=True) for c in row if c is not None]
    assert "Xã Phong Minh" in cells and not any("Sơn Động" in c for c in cells)

    # Drill from the district to the commune, then to its learners.
    with page.expect_navigation():
        row.locator("a", has_text="Xem Xã Phong Minh").click()
    page.wait_for_url(re.compile(rf"/reports/unit/{world['commune'].pk}/\?"))
    learners = page.locator("h2:has-text('Học viên') + .report-table")
    expect(learners).to_contain_text("Lê Văn Toàn")
    expect(learners).not_to_contain_text("Hoàng Thị Mai")  # filtered to CT1
    screens.shot(page, "commune-learners")
    assert_accessible(page, "commune learners")

    # Another district's page is refused, and shows nothing of it.
    response = page.goto(f"/reports/unit/{world['other_district'].pk}/")
    assert response.status == 403
    expect(page.locator("body")).not_to_contain_text("Người Sơn Động")
    screens.shot(page, "refused", check_overflow=False)


def test_statistics_on_a_desktop_screen(world, open_page, screens):
    page = open_page(DESKTOP)
    login(page, "quanly.lucngan", PASSWORD, next_url="/reports/")
    expect(page.locator(".report-table table").first).to_contain_text("Xã Phong Minh")
    screens.shot(page, "desktop-statistics")

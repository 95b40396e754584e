"""Issue 15, item 5 in the browser: a province trainer records a class organised by the province with one
participant from each of two districts; the class figures (reached from the admin dashboard) count the class
once, at the province, and each participant in their own district, with totals that add up. 1280 and 360 px."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from localities.models import Level, Locality
from tests.conftest import PASSWORD, make_learner, make_staff
from tests.courses.builders import make_index, make_module, make_program

from .conftest import DESKTOP, PHONE, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(e2e_site):
    province = Locality.objects.get(level=Level.PROVINCE, code="24")
    here = Locality.objects.get(level=Level.DISTRICT, code="219")  # Lục Ngạn
    there = Locality.objects.get(level=Level.DISTRICT, code="220")  # Sơn Động
    program = make_program(make_index(e2e_site), code="CT1", title="Kỹ năng thông tin cơ sở")
    make_module(program, "m1")
    make_learner(here.children.order_by("code").first(), phone="0912000001", full_name="Lê Văn Lục")
    make_learner(there.children.order_by("code").first(), phone="0912000002", full_name="Đỗ Thị Sơn")
    make_staff("gv.tinh", Role.TRAINER, province)
    return {"province": province, "here": here, "there": there, "program": program}


def _record_class(page, world):
    today = datetime.date.today()
    page.goto("/learning/classes/manage/")
    with page.expect_navigation():
        page.click("a:has-text('Tạo lớp mới')")
    page.fill("input[name=title]", "Lớp tỉnh: kỹ năng đài xã")
    page.select_option("select[name=program]", label=world["program"].title)
    page.select_option("select[name=organiser]", label=world["province"].name)
    page.fill("input[name=venue]", "Hội trường Sở Văn hoá")
    page.fill("input[name=start_date]", today.isoformat())
    page.fill("input[name=end_date]", (today + datetime.timedelta(days=1)).isoformat())
    page.fill("input[name=funding_year]", str(today.year))
    with page.expect_navigation():
        page.click("main button:has-text('Tạo lớp')")
    expect(page.locator("body")).to_contain_text("Đã tạo lớp")
    for name in ("Lê Văn Lục", "Đỗ Thị Sơn"):
        page.locator("label", has_text=name).locator("input[type=checkbox]").check()
    with page.expect_navigation():
        page.locator("form[action$='/invite/'] button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("Đã thêm 2 học viên vào lớp.")


def _row(page, name):
    return [cell.strip() for cell in page.locator("table.class-figures tr", has_text=name).first
            .locator("th, td").all_inner_texts()]


def test_a_province_class_counts_once_at_the_province_and_its_people_at_home(world, open_page, screens):
    page = open_page(DESKTOP)
    login(page, "gv.tinh", PASSWORD, next_url="/learning/classes/manage/")
    _record_class(page, world)
    screens.shot(page, "class-with-participants-1280")

    page.goto("/admin/")
    with page.expect_navigation():
        page.locator("section.staff-work a", has_text="Thống kê lớp tập huấn").click()
    table = page.locator("table.class-figures")
    expect(table).to_be_visible()
    assert _row(page, f"{world['province'].name} tổ chức")[1:] == ["1", "0", "0"]
    assert _row(page, world["here"].name)[1:3] == ["0", "1"]
    assert _row(page, world["there"].name)[1:3] == ["0", "1"]
    assert [cell.strip() for cell in table.locator("tfoot th").all_inner_texts()][:3] == ["Tổng cộng", "1", "2"]
    screens.shot(page, "class-figures-1280", check_overflow=False)  # Wagtail's own off-screen dialogs

    phone = open_page(PHONE)
    login(phone, "gv.tinh", PASSWORD, next_url="/admin/reports/classes/")
    expect(phone.locator("table.class-figures tfoot")).to_contain_text("Tổng cộng")
    screens.shot(phone, "class-figures-360", check_overflow=False)

"""Issue 15, item 9 in the browser: the public /verify/ box takes a real certificate's code typed in lower case
without its dashes and shows the certificate; a wrong code gets a clear Vietnamese message. 360 and 1280 px."""

import pytest
from playwright.sync_api import expect

from courses import services as course_services
from courses.certificates import services as certificate_services
from localities.models import Level, Locality
from tests.conftest import make_learner
from tests.courses.builders import make_index, make_lesson, make_module, make_program

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def certificate(e2e_site):
    commune = Locality.objects.get(level=Level.DISTRICT, code="219").children.order_by("code").first()
    program = make_program(make_index(e2e_site), code="CT1", title="Kỹ năng thông tin cơ sở")
    lesson = make_lesson(make_module(program, "m1"), "b1")
    learner = make_learner(commune, phone="0912000001", full_name="Nguyễn Thị Hoa")
    course_services.enrol(learner, program)
    course_services.complete_lesson(learner, lesson)
    issued = certificate_services.issue_for_completion(learner.pk, program.pk)
    assert issued is not None and "-" in issued.code
    return issued


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_a_code_typed_any_way_finds_the_certificate_and_a_wrong_one_is_explained(
        certificate, open_page, screens, viewport):
    page = open_page(viewport)
    page.goto("/verify/")
    page.fill("input[name=code]", certificate.code.replace("-", "").lower())
    with page.expect_navigation():
        page.click("main button:has-text('Kiểm tra')")
    assert page.url.endswith(f"/verify/{certificate.code}/")
    expect(page.locator("main")).to_contain_text("Giấy chứng nhận hợp lệ.")
    expect(page.locator("main")).to_contain_text("Nguyễn Thị Hoa")
    expect(page.locator("main")).to_contain_text("Kỹ năng thông tin cơ sở")
    screens.shot(page, f"verified-{viewport['width']}")

    page.goto("/verify/")
    page.fill("input[name=code]", "abcd-efgh-jkmn")
    with page.expect_navigation():
        page.click("main button:has-text('Kiểm tra')")
    expect(page.locator("main h1")).to_have_text("Không tìm thấy giấy chứng nhận")
    expect(page.locator("main")).to_contain_text("Không có giấy chứng nhận nào mang mã “ABCD-EFGH-JKMN”")
    screens.shot(page, f"unknown-{viewport['width']}")

"""Report figures per producing unit, kind, topic and year; scope; the XLSX export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from content.models import OrganiserSettings, WorkKind, WorkTopic
from reports.press import press_report
from tests.reports.builders import add_broadcast, day, make_work


@pytest.fixture
def fixture_works(district, other_district, commune):
    """Lục Ngạn: a radio program released 2023 and rebroadcast twice (2023, 2024), a video released 2024.
    Sơn Động: an article released 2024 and rebroadcast once in 2024."""
    radio = make_work(district, kind=WorkKind.RADIO_PROGRAM, topic=WorkTopic.EXEMPLARY_PERSON)
    add_broadcast(radio, day(2023, 3))
    add_broadcast(radio, day(2023, 8), commune)
    add_broadcast(radio, day(2024, 2), commune)
    video = make_work(district, kind=WorkKind.VIDEO_REPORT, topic=WorkTopic.POVERTY_MODEL)
    add_broadcast(video, day(2024, 5))
    article = make_work(other_district, kind=WorkKind.NEWS_ARTICLE, topic=WorkTopic.GOOD_INITIATIVE)
    add_broadcast(article, day(2024, 1))
    add_broadcast(article, day(2024, 4))
    make_work(district, title="Chưa phát")  # no broadcast: not counted as produced yet


def _figures(report):
    return {(row.unit_code, row.kind, row.topic, row.year): (row.works_new, row.broadcasts, row.rebroadcasts)
            for row in report.rows}


@pytest.mark.django_db
def test_province_figures(province_manager, fixture_works):
    report = press_report(province_manager)
    assert _figures(report) == {
        ("219", "radio", "exemplary_person", 2023): (1, 2, 1),
        ("219", "radio", "exemplary_person", 2024): (0, 1, 1),
        ("219", "video", "poverty_model", 2024): (1, 1, 0),
        ("220", "article", "good_initiative", 2024): (1, 2, 1),
    }
    assert (report.works_new, report.broadcasts, report.rebroadcasts) == (3, 6, 3)


@pytest.mark.django_db
def test_year_filter_keeps_release_of_earlier_year(province_manager, fixture_works):
    report = press_report(province_manager, year_from=2024, year_to=2024)
    assert _figures(report)[("219", "radio", "exemplary_person", 2024)] == (0, 1, 1)
    assert (report.works_new, report.broadcasts) == (2, 4)


@pytest.mark.django_db
def test_district_manager_sees_own_district_only(district_manager, outsider_manager, fixture_works):
    assert {row.unit_code for row in press_report(district_manager).rows} == {"219"}
    outsider = press_report(outsider_manager)
    assert {row.unit_code for row in outsider.rows} == {"220"}
    assert (outsider.works_new, outsider.broadcasts) == (1, 2)


@pytest.mark.django_db
def test_admin_page_for_outsider_hides_other_district(client, outsider_manager, fixture_works):
    client.force_login(outsider_manager)
    response = client.get(reverse("press_report:report"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Huyện Sơn Động" in page and "Huyện Lục Ngạn" not in page


@pytest.mark.django_db
def test_trainer_gets_403_and_learner_is_kept_out_of_the_admin(client, trainer, learner, fixture_works):
    client.force_login(trainer)
    assert client.get(reverse("press_report:report")).status_code == 403
    assert client.get(reverse("press_report:export")).status_code == 403
    client.force_login(learner)
    for name in ("press_report:report", "press_report:export"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_xlsx_export(client, province_manager, fixture_works, home_page):
    from wagtail.models import Site

    OrganiserSettings.objects.update_or_create(site=Site.objects.get(is_default_site=True),
                                               defaults={"organiser_name": "Sở Văn hoá tỉnh Bắc Giang"})
    client.force_login(province_manager)
    response = client.get(reverse("press_report:export"), {"year_from": 2023, "year_to": 2024})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Sở Văn hoá tỉnh Bắc Giang"
    assert rows[2][0] == "Từ năm 2023 đến năm 2024"
    assert rows[3][0].startswith("Lập lúc ")
    assert list(rows[5]) == ["Mã đơn vị", "Đơn vị sản xuất", "Năm", "Loại sản phẩm", "Chủ đề", "Tác phẩm sản xuất mới",
                             "Lượt phát sóng", "Lượt phát lại"]
    body = rows[6:-1]
    assert [row[0] for row in body] == ["219", "219", "219", "220"]
    assert body[0][1:] == ("Huyện Lục Ngạn", 2023, "Chương trình phát thanh", "Gương điển hình", 1, 2, 1)
    assert rows[-1][1:] == ("Tổng cộng", None, None, None, 3, 6, 3)


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 20])
def test_report_query_count_is_fixed(client, province_manager, fixture_works, district, extra,
                                     django_assert_num_queries):
    for index in range(extra):
        add_broadcast(make_work(district, title=f"T{index}"), day(2024, 6))
    client.force_login(province_manager)
    client.get(reverse("press_report:report"))  # warm Wagtail's admin caches
    # session with its user (one join), scope and the one grouped report query; the rest is the Wagtail
    # admin's own chrome
    with django_assert_num_queries(11):
        response = client.get(reverse("press_report:report"))
    assert response.context["report"].broadcasts == 6 + extra

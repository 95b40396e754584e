"""Materials and press works belong to any unit: a commune, a province, a district of the past."""

import pytest
from django.urls import reverse

from accounts.models import Role
from content import selectors
from localities.models import Locality
from reports.press import press_report
from tests.conftest import make_learner, make_staff
from tests.localities.builders import load_all_eras
from tests.reports.builders import add_broadcast, day, make_material, make_work

from .test_press_scope import _form_data


def unit(path):
    return Locality.objects.get(path=path)


def library_titles(client, user) -> set[str]:
    client.force_login(user)
    return {material.title for material in client.get(reverse("content:material_list")).context["page_obj"]}


@pytest.mark.django_db
def test_a_commune_material_is_for_that_commune(client, district, commune, learner, district_manager,
                                                outsider_learner):
    material = make_material(commune, title="Bản tin của xã")
    neighbour = make_learner(district.children.order_by("code")[1], phone="0987000002")
    assert library_titles(client, learner) == {"Bản tin của xã"}
    assert library_titles(client, district_manager) == {"Bản tin của xã"}
    assert library_titles(client, neighbour) == set()
    assert library_titles(client, outsider_learner) == set()
    assert client.get(reverse("content:material_download", args=[material.pk])).status_code == 404


@pytest.mark.django_db
def test_a_material_of_a_retired_district_stays_with_the_communes_now_on_its_ground(client):
    load_all_eras()
    make_material(unit("24.221."), title="Tài liệu Yên Dũng")  # merged 2024, its ground now Phường Bắc Giang
    make_material(unit("24~20250701."), title="Tài liệu tỉnh Bắc Ninh mới")
    bac_giang = make_learner(unit("24~20250701.07201."), phone="0912000002")
    viet_yen = make_learner(unit("24~20250701.07301."), phone="0912000003")
    assert library_titles(client, bac_giang) == {"Tài liệu Yên Dũng", "Tài liệu tỉnh Bắc Ninh mới"}
    assert library_titles(client, viet_yen) == {"Tài liệu tỉnh Bắc Ninh mới"}


@pytest.mark.django_db
def test_a_trainer_publishes_materials_for_their_unit_or_today_s_units_inside(district, commune, other_district):
    choices = set(selectors.material_localities(make_staff("huyen", Role.TRAINER, district)))
    assert district in choices and commune in choices and other_district not in choices
    assert list(selectors.material_localities(make_staff("xa", Role.TRAINER, commune))) == [commune]


@pytest.mark.django_db
def test_a_commune_press_work_is_seen_by_its_commune_and_province_staff_only(province, district, commune,
                                                                            other_commune):
    work = make_work(commune, title="Bản tin xã")
    commune_manager = make_staff("xa", Role.DISTRICT_MANAGER, commune)
    province_manager = make_staff("tinh", Role.PROVINCE_MANAGER, province)
    neighbour = make_staff("xa-khac", Role.DISTRICT_MANAGER, district.children.order_by("code")[1])
    elsewhere = make_staff("xa-huyen-khac", Role.DISTRICT_MANAGER, other_commune)
    assert list(selectors.works_in_scope(commune_manager)) == [work]
    assert list(selectors.works_in_scope(province_manager)) == [work]
    assert not selectors.works_in_scope(neighbour).exists()
    assert not selectors.works_in_scope(elsewhere).exists()


@pytest.mark.django_db
def test_commune_staff_file_a_work_under_their_commune_and_not_another(client, commune, other_commune):
    from content.models import PressWork

    manager = make_staff("xa", Role.DISTRICT_MANAGER, commune)
    client.force_login(manager)
    form = client.get(reverse("press_works:add")).context["form"]
    assert list(form.fields["unit"].queryset) == [commune]
    assert client.post(reverse("press_works:add"), _form_data(other_commune)).status_code == 200  # refused
    client.post(reverse("press_works:add"), _form_data(commune))
    assert list(PressWork.objects.values_list("unit", flat=True)) == [commune.pk]


@pytest.mark.django_db
def test_the_press_report_counts_a_commune_work_in_its_district_and_drills_down(
        province_manager, province, district, commune):
    add_broadcast(make_work(district, title="Của huyện"), day(2024, 2))
    add_broadcast(make_work(commune, title="Của xã"), day(2024, 3))
    add_broadcast(make_work(province, title="Của tỉnh"), day(2024, 4))
    by_province = {(row.unit_code, row.drillable): row.works_new for row in press_report(province_manager).rows}
    assert by_province == {(district.code, True): 2, (province.code, False): 1}
    by_district = press_report(province_manager, parent=district).rows
    assert {(row.unit_code, row.drillable): row.works_new for row in by_district} == {
        (district.code, False): 1, (commune.code, False): 1}


@pytest.mark.django_db
def test_the_press_report_of_the_new_province_keeps_the_units_of_the_time(client):
    load_all_eras()
    add_broadcast(make_work(unit("24.221.07502."), title="Lãng Sơn 2023"), day(2023, 5))
    add_broadcast(make_work(unit("27.258."), title="Quế Võ 2024"), day(2024, 5))
    add_broadcast(make_work(unit("24~20250701.07301."), title="Việt Yên 2025"), day(2025, 9))
    manager = make_staff("bac-ninh", Role.PROVINCE_MANAGER, unit("24~20250701."))
    rows = {(row.unit_name, row.year): row.works_new for row in press_report(manager).rows}
    assert rows == {("Huyện Yên Dũng", 2023): 1, ("Huyện Quế Võ", 2024): 1, ("Phường Việt Yên", 2025): 1}
    client.force_login(manager)
    page = client.get(reverse("press_report:report")).content.decode()
    assert f'href="?unit={unit("24.221.").pk}"' in page  # the district row drills down (no "1.234" ids)
    page = client.get(reverse("press_report:report"), {"unit": unit("24.221.").pk}).content.decode()
    assert "Xã Lãng Sơn" in page and "Phường Việt Yên" not in page
    outsider = make_staff("viet-yen", Role.DISTRICT_MANAGER, unit("24~20250701.07301."))
    client.force_login(outsider)
    assert client.get(reverse("press_report:report"), {"unit": unit("24.221.").pk}).status_code == 403

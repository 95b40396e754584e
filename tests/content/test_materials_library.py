"""Learners see the province's materials plus their district's; downloads are scoped and show a size."""

import pytest
from django.urls import reverse

from content.models import Material
from tests.reports.builders import PDF_BYTES, make_material


@pytest.fixture
def library(province, district, other_district):
    return {
        "province": make_material(province, title="Tài liệu của tỉnh"),
        "district": make_material(district, title="Tài liệu Lục Ngạn"),
        "other": make_material(other_district, title="Tài liệu Sơn Động"),
        "hidden": make_material(district, title="Chưa công bố", published=False),
    }


def _titles(response):
    return {material.title for material in response.context["page_obj"]}


@pytest.mark.django_db
def test_learner_sees_province_and_own_district(client, learner, outsider_learner, library):
    client.force_login(learner)
    response = client.get(reverse("content:material_list"))
    assert _titles(response) == {"Tài liệu của tỉnh", "Tài liệu Lục Ngạn"}
    client.force_login(outsider_learner)
    assert _titles(client.get(reverse("content:material_list"))) == {"Tài liệu của tỉnh", "Tài liệu Sơn Động"}


@pytest.mark.django_db
def test_staff_see_their_scope_and_the_province(client, trainer, province_manager, library):
    client.force_login(trainer)
    assert _titles(client.get(reverse("content:material_list"))) == {"Tài liệu của tỉnh", "Tài liệu Lục Ngạn"}
    client.force_login(province_manager)
    assert _titles(client.get(reverse("content:material_list"))) == {
        "Tài liệu của tỉnh", "Tài liệu Lục Ngạn", "Tài liệu Sơn Động"}


@pytest.mark.django_db
def test_size_is_shown_before_download(client, learner, library):
    client.force_login(learner)
    page = client.get(reverse("content:material_list")).content.decode()
    assert f"{len(PDF_BYTES)}\xa0byte" in page or f"{len(PDF_BYTES)} byte" in page


@pytest.mark.django_db
def test_download_is_an_attachment_with_the_original_name(client, learner, library):
    client.force_login(learner)
    response = client.get(reverse("content:material_download", args=[library["district"].pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment" in response["Content-Disposition"] and "bai-giang.pdf" in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["other", "hidden"])
def test_download_outside_scope_or_unpublished_is_404(client, learner, library, key):
    client.force_login(learner)
    assert client.get(reverse("content:material_download", args=[library[key].pk])).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, library):
    response = client.get(reverse("content:material_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(reverse("content:material_download", args=[library["province"].pk])).status_code == 302


@pytest.mark.django_db
def test_outsider_trainer_cannot_edit_material_in_admin(client, other_district, library):
    from accounts.models import Role
    from tests.conftest import make_staff

    outsider = make_staff("outsider_trainer", Role.TRAINER, other_district)
    client.force_login(outsider)
    target = library["district"]
    assert client.get(reverse("materials:edit", args=[target.pk])).status_code == 404
    assert client.post(reverse("materials:delete", args=[target.pk])).status_code == 404
    assert Material.objects.filter(pk=target.pk).exists()
    index = client.get(reverse("materials:index")).content.decode()
    assert "Tài liệu Lục Ngạn" not in index and "Tài liệu Sơn Động" in index


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 25])
def test_library_query_count_is_fixed(client, learner, district, province, django_assert_num_queries, count,
                                      home_page):
    for index in range(count):
        make_material(district if index % 2 else province, title=f"Tài liệu {index}")
    client.force_login(learner)
    client.get(reverse("content:material_list"))  # the first request creates the site-settings row
    # session with its user (one join), learner commune, staff scope, count, page, site + site settings
    with django_assert_num_queries(7):
        response = client.get(reverse("content:material_list"))
    assert len(response.context["page_obj"]) == min(count, 20)

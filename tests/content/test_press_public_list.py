"""The public list of press works: filters, search, drafts hidden, a fixed query count; the work page."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import reverse
from wagtail.images import get_image_model

from content.models import WorkFile, WorkKind, WorkStatus, WorkTopic
from tests.reports.builders import MP3_BYTES, add_broadcast, day, make_work, png_bytes


def _titles(response):
    return [work.title for work in response.context["page_obj"]]


@pytest.fixture
def works(district, other_district):
    return [
        make_work(district, title="Vải thiều Lục Ngạn", topic=WorkTopic.POVERTY_MODEL, kind=WorkKind.VIDEO_REPORT,
                  funding_year=2023),
        make_work(district, title="Gương bà Hoa", topic=WorkTopic.EXEMPLARY_PERSON, funding_year=2024,
                  summary="Nuôi ong lấy mật"),
        make_work(other_district, title="Chè Sơn Động", topic=WorkTopic.POVERTY_MODEL, funding_year=2024),
        make_work(district, title="Bản nháp", status=WorkStatus.DRAFT),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "expected"), [
    ({}, {"Vải thiều Lục Ngạn", "Gương bà Hoa", "Chè Sơn Động"}),
    ({"topic": WorkTopic.POVERTY_MODEL}, {"Vải thiều Lục Ngạn", "Chè Sơn Động"}),
    ({"kind": WorkKind.VIDEO_REPORT}, {"Vải thiều Lục Ngạn"}),
    ({"year": 2024}, {"Gương bà Hoa", "Chè Sơn Động"}),
    ({"q": "ong lấy"}, {"Gương bà Hoa"}),
    ({"topic": "nonsense"}, {"Vải thiều Lục Ngạn", "Gương bà Hoa", "Chè Sơn Động"}),  # bad filter ignored
])
def test_filters(client, works, params, expected):
    response = client.get(reverse("content:work_list"), params)
    assert response.status_code == 200
    assert set(_titles(response)) == expected


@pytest.mark.django_db
def test_unit_filter(client, works, other_district):
    response = client.get(reverse("content:work_list"), {"unit": other_district.pk})
    assert _titles(response) == ["Chè Sơn Động"]


@pytest.mark.django_db
def test_featured_first(client, works):
    works[2].featured = True
    works[2].save()
    assert _titles(client.get(reverse("content:work_list")))[0] == "Chè Sơn Động"


@pytest.mark.django_db
def test_draft_page_is_404_and_published_page_plays_audio(client, works, commune):
    assert client.get(reverse("content:work_detail", args=[works[3].pk])).status_code == 404
    work = works[1]
    WorkFile.objects.create(work=work, file=ContentFile(MP3_BYTES, name="ban-tin.mp3"), caption="Bản tin")
    add_broadcast(work, day(2024, 2), commune)
    add_broadcast(work, day(2024, 3), commune)
    page = client.get(reverse("content:work_detail", args=[work.pk])).content.decode()
    assert "<audio controls" in page and ".mp3" in page
    assert "Phát mới" in page and "Phát lại" in page


def _fill(district, count, start):
    for index in range(count):
        cover = get_image_model().objects.create(title=f"Ảnh {index}",
                                                 file=ImageFile(io.BytesIO(png_bytes()), name=f"a{index}.png"))
        work = make_work(district, title=f"Tác phẩm {start + index}", cover=cover)
        add_broadcast(work, day(2024))


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 25])
def test_list_query_count_is_fixed(client, district, django_assert_num_queries, count, home_page):
    _fill(district, count, 0)
    client.get(reverse("content:work_list"))  # the first request creates the site-settings row
    # site + site settings (footer), producing units (filter choices), count, page of works with broadcast counts,
    # their cover images, the images' renditions
    with django_assert_num_queries(7):
        response = client.get(reverse("content:work_list"), {"year": 2023, "topic": WorkTopic.EXEMPLARY_PERSON})
    assert len(response.context["page_obj"]) == min(count, 20)
    assert response.content.decode().count("<img") == min(count, 20)

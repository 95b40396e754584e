"""Who may list, create, edit, delete and feature press works in the Wagtail admin."""

import pytest
from django.urls import reverse

from content import services
from content.exceptions import NotAllowed, OutOfScope
from content.models import PressWork, WorkKind, WorkStatus, WorkTopic
from tests.reports.builders import day, make_work

EMPTY_INLINES = {f"{name}-{key}": value for name in ("files", "broadcasts")
                 for key, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0), ("MIN_NUM_FORMS", 0),
                                    ("MAX_NUM_FORMS", 1000))}


def _form_data(district, **overrides):
    data = {"title": "Mô hình nuôi ong", "kind": WorkKind.VIDEO_REPORT, "topic": WorkTopic.POVERTY_MODEL,
            "unit": district.pk, "funding_year": 2024, "status": WorkStatus.PUBLISHED, **EMPTY_INLINES}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_index_lists_only_works_of_own_district(client, district_manager, outsider_manager, district,
                                                other_district):
    make_work(district, title="Lục Ngạn vải thiều")
    make_work(other_district, title="Sơn Động chè")
    client.force_login(district_manager)
    page = client.get(reverse("press_works:index")).content.decode()
    assert "Lục Ngạn vải thiều" in page and "Sơn Động chè" not in page
    client.force_login(outsider_manager)
    page = client.get(reverse("press_works:index")).content.decode()
    assert "Sơn Động chè" in page and "Lục Ngạn vải thiều" not in page


@pytest.mark.django_db
def test_district_manager_creates_work_with_broadcast(client, district_manager, district, commune):
    client.force_login(district_manager)
    data = _form_data(district, **{"broadcasts-TOTAL_FORMS": 1, "broadcasts-0-date": "2024-03-05",
                                   "broadcasts-0-channel": "commune_radio", "broadcasts-0-locality": commune.pk,
                                   "broadcasts-0-ORDER": 1})
    response = client.post(reverse("press_works:add"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    work = PressWork.objects.get()
    assert (work.unit, work.created_by, work.featured) == (district, district_manager, False)
    assert list(work.broadcasts.values_list("date", "locality")) == [(day(2024, 3, 5), commune.pk)]


@pytest.mark.django_db
def test_district_manager_cannot_file_work_under_another_district(client, district_manager, other_district):
    client.force_login(district_manager)
    response = client.post(reverse("press_works:add"), _form_data(other_district))
    assert response.status_code == 200
    assert not PressWork.objects.exists()


@pytest.mark.django_db
def test_outsider_cannot_open_edit_or_delete(client, outsider_manager, district):
    work = make_work(district, title="Tác phẩm Lục Ngạn")
    client.force_login(outsider_manager)
    assert client.get(reverse("press_works:edit", args=[work.pk])).status_code == 404
    response = client.post(reverse("press_works:edit", args=[work.pk]), _form_data(district, title="Bị sửa"))
    assert response.status_code == 404
    assert client.post(reverse("press_works:delete", args=[work.pk])).status_code == 404
    assert client.get(reverse("press_works:history", args=[work.pk])).status_code == 404
    work.refresh_from_db()
    assert work.title == "Tác phẩm Lục Ngạn"


@pytest.mark.django_db
def test_district_manager_edits_and_deletes_own_work(client, district_manager, district):
    work = make_work(district)
    client.force_login(district_manager)
    response = client.post(reverse("press_works:edit", args=[work.pk]), _form_data(district, title="Đã sửa"))
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.title == "Đã sửa"
    assert client.post(reverse("press_works:delete", args=[work.pk])).status_code == 302
    assert not PressWork.objects.exists()


@pytest.mark.django_db
def test_featured_flag_is_for_province_managers_only(client, district_manager, province_manager, district):
    work = make_work(district)
    client.force_login(district_manager)
    form_page = client.get(reverse("press_works:edit", args=[work.pk])).content.decode()
    assert 'name="featured"' not in form_page
    client.post(reverse("press_works:edit", args=[work.pk]), _form_data(district, featured="on"))
    work.refresh_from_db()
    assert work.featured is False
    with pytest.raises(NotAllowed):
        services.set_featured(district_manager, work, True)

    client.force_login(province_manager)
    response = client.post(reverse("press_works:edit", args=[work.pk]), _form_data(district, featured="on"))
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.featured is True
    assert services.set_featured(province_manager, work, True) is False  # already featured: no change


@pytest.mark.django_db
def test_learner_has_no_admin_access(client, learner, district):
    make_work(district)
    client.force_login(learner)
    response = client.get(reverse("press_works:index"))
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_service_refuses_broadcast_out_of_scope(outsider_manager, district):
    work = make_work(district)
    with pytest.raises(OutOfScope):
        services.record_broadcast(outsider_manager, work, date=day(2024), channel="website", locality=district)
    assert not work.broadcasts.exists()


@pytest.mark.django_db
def test_work_file_with_lying_extension_is_refused_and_nothing_saved(client, district_manager, district):
    from tests.reports.builders import EXE_BYTES, upload

    client.force_login(district_manager)
    data = _form_data(district, **{"files-TOTAL_FORMS": 1, "files-0-caption": "Bản tin",
                                   "files-0-file": upload("ban-tin.mp3", EXE_BYTES), "files-0-ORDER": 1})
    response = client.post(reverse("press_works:add"), data)
    assert response.status_code == 200
    assert "không khớp" in response.content.decode()
    assert not PressWork.objects.exists()


@pytest.mark.django_db
def test_work_file_audio_is_accepted_under_a_generated_name(client, district_manager, district):
    from tests.reports.builders import MP3_BYTES, upload

    client.force_login(district_manager)
    data = _form_data(district, **{"files-TOTAL_FORMS": 1, "files-0-caption": "Bản tin",
                                   "files-0-file": upload("Bản tin số 1.mp3", MP3_BYTES), "files-0-ORDER": 1})
    assert client.post(reverse("press_works:add"), data).status_code == 302
    stored = PressWork.objects.get().files.get()
    assert stored.file.name.startswith("content/works/") and stored.file.name.endswith(".mp3")
    assert (stored.original_name, stored.media_kind, stored.size) == ("Bản tin số 1.mp3", "audio", len(MP3_BYTES))

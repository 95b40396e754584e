"""Scope: a manager starts at their own unit and never reaches another (pages, exports, jobs, filters)."""

import pytest
from django.urls import reverse

from courses import services
from reports.models import ExportJob

from . import test_stats_fixtures as fx
from .test_stats_fixtures import learner_in

course, run = fx.course, fx.run  # fixtures


@pytest.fixture
def figures(run, course, commune, other_commune):
    inside, outside = learner_in(commune, 1), learner_in(other_commune, 2)
    inside.full_name, outside.full_name = "Nguyễn Trong Huyện", "Trần Ngoài Huyện"
    inside.save(), outside.save()
    run(services.enrol, inside, course["program"])
    run(services.enrol, outside, course["program"])
    return inside, outside


def unit_urls(ns, locality_id):
    export = reverse(f"{ns}:unit_export", args=[locality_id])
    return [reverse(f"{ns}:unit", args=[locality_id]), export + "?format=xlsx", export + "?format=csv",
            reverse(f"{ns}:unit", args=[locality_id]) + "?structure=today&period=all"]


@pytest.mark.django_db
@pytest.mark.parametrize("ns", ["reports", "reports_admin"])
def test_district_manager_starts_at_their_district(client, figures, district_manager, district, ns):
    client.force_login(district_manager)
    page = client.get(reverse(f"{ns}:statistics"))
    assert page.status_code == 200
    assert page.context["report"].parent == district
    body = page.content.decode()
    assert district.name in body and "Sơn Động" not in body
    commune_page = client.get(reverse(f"{ns}:unit", args=[figures[0].learner_profile.commune_id]))
    assert "Nguyễn Trong Huyện" in commune_page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("ns", ["reports", "reports_admin"])
def test_outsider_gets_403_on_every_unit_url(client, figures, outsider_manager, district, commune, province, ns):
    client.force_login(outsider_manager)
    for locality in (district, commune, province):
        for url in unit_urls(ns, locality.pk):
            response = client.get(url)
            assert response.status_code == 403, url
            assert "Nguyễn Trong Huyện" not in response.content.decode()
        response = client.post(reverse(f"{ns}:unit_learner_export", args=[locality.pk]), {"format": "xlsx"})
        assert response.status_code == 403
    assert not ExportJob.objects.exists()
    assert client.get(reverse(f"{ns}:unit", args=[999999])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("ns", ["reports", "reports_admin"])
def test_national_urls_need_full_access(client, figures, district_manager, province_manager, ns):
    client.force_login(district_manager)
    page = client.get(reverse(f"{ns}:statistics"))
    assert page.context["report"].parent is not None  # never the all-provinces view
    client.force_login(province_manager)
    assert client.get(reverse(f"{ns}:statistics")).context["report"].parent.level == "province"


@pytest.mark.django_db
def test_learners_and_trainers_get_403(client, figures, learner, trainer, district):
    for user in (figures[0], trainer):
        client.force_login(user)
        assert client.get(reverse("reports:statistics")).status_code == 403
        assert client.get(reverse("reports:unit", args=[district.pk])).status_code == 403
        assert client.get(reverse("reports:export") + "?format=csv").status_code == 403
        assert client.post(reverse("reports:learner_export"), {"format": "csv"}).status_code == 403
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, district):
    response = client.get(reverse("reports:statistics"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(reverse("reports:unit_export", args=[district.pk])).status_code == 403


@pytest.mark.django_db
def test_export_job_belongs_to_its_requester(client, figures, district_manager, outsider_manager, district, run):
    client.force_login(district_manager)
    response = run(client.post, reverse("reports:unit_learner_export", args=[district.pk]), {"format": "csv"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == "done"
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 200
    client.force_login(outsider_manager)
    for name in ("job", "job_status", "download"):
        assert client.get(reverse(f"reports:{name}", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_withdrawn_scope_cannot_download(client, figures, district_manager, district, run):
    client.force_login(district_manager)
    run(client.post, reverse("reports:unit_learner_export", args=[district.pk]), {"format": "csv"})
    job = ExportJob.objects.get()
    district_manager.role_assignments.all().delete()
    client.force_login(district_manager)
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 403


@pytest.mark.django_db
def test_province_learner_export_holds_only_the_requesters_scope(client, figures, district_manager, run):
    client.force_login(district_manager)
    run(client.post, reverse("reports:learner_export"), {"format": "csv"})
    job = ExportJob.objects.get()
    content = b"".join(client.get(reverse("reports:download", args=[job.pk])).streaming_content).decode("utf-8-sig")
    assert "Nguyễn Trong Huyện" in content and "Trần Ngoài Huyện" not in content


@pytest.mark.django_db
def test_breadcrumbs_stop_at_the_managers_scope(district_manager, province_manager, province, district, commune,
                                                django_assert_num_queries):
    from reports.selectors import _breadcrumbs

    assert _breadcrumbs(province_manager, commune) == [province, district, commune]
    assert _breadcrumbs(district_manager, commune) == [district, commune]  # the province is not theirs
    assert _breadcrumbs(district_manager, district) == [district]
    with django_assert_num_queries(0):  # a province has nothing above it: no query
        assert _breadcrumbs(province_manager, province) == [province]

"""Learner exports are private files: private storage, unguessable names, only their requester downloads
them (404 for everyone else), and they expire: 410 after EXPORT_TTL_HOURS, then deleted with the job."""

import datetime
import os

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.static import serve

from accounts.models import Role
from courses import services
from lms.storage import private_storage
from reports import services as report_services
from reports.models import ExportJob

from ..conftest import make_learner, make_staff
from . import test_stats_fixtures as fx
from .test_stats_fixtures import learner_in

course, run = fx.course, fx.run  # fixtures


@pytest.fixture
def job(run, course, commune, district_manager, client, district):
    inside = learner_in(commune, 1)
    inside.full_name = "Nguyễn Trong Huyện"
    inside.save()
    run(services.enrol, inside, course["program"])
    client.force_login(district_manager)
    run(client.post, reverse("reports:unit_learner_export", args=[district.pk]), {"format": "csv"})
    client.logout()
    return ExportJob.objects.get()


def download(client, job, ns="reports"):
    return client.get(reverse(f"{ns}:download", args=[job.pk]))


@pytest.mark.django_db
def test_export_file_is_private_and_unguessable(job):
    name = job.file.name
    assert private_storage().exists(name) and not default_storage.exists(name)
    assert not default_storage.exists(f"exports/hoc-vien-{job.pk}.csv")  # the old, sequential path
    folder, token, filename = name.split("/")
    assert folder == "exports" and len(token) == 32 and filename == f"hoc-vien-{job.pk}.csv"
    path = os.path.realpath(private_storage().path(name))
    assert not path.startswith(os.path.realpath(settings.MEDIA_ROOT) + os.sep)
    for public_name in (name, f"exports/hoc-vien-{job.pk}.csv"):
        with pytest.raises(Http404):  # what /media/ (nginx, or the development server) would answer
            serve(RequestFactory().get(f"/media/{public_name}"), public_name, document_root=settings.MEDIA_ROOT)


@pytest.mark.django_db
@pytest.mark.parametrize("ns", ["reports", "reports_admin"])
def test_only_the_requester_downloads(client, job, district_manager, ns):
    client.force_login(district_manager)
    response = download(client, job, ns)
    cache = response["Cache-Control"]  # the admin adds its own never-cache words
    assert response.status_code == 200 and "private" in cache and "no-store" in cache
    assert "Nguyễn Trong Huyện" in b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.django_db
def test_everyone_else_gets_404(client, job, district, outsider_manager, outsider_learner, commune,
                                province_manager):
    assert download(client, job).status_code == 404  # anonymous
    colleague = make_staff("manager-2", Role.DISTRICT_MANAGER, district)  # same scope, not the requester
    learner = make_learner(commune, phone="0987000079", full_name="Học Viên Xã")
    for user in (outsider_manager, outsider_learner, learner, colleague, province_manager):
        client.force_login(user)
        assert download(client, job).status_code == 404, user


@pytest.mark.django_db
def test_expired_export_answers_410_then_is_deleted(client, job, district_manager):
    name = job.file.name
    expired = timezone.now() - datetime.timedelta(hours=settings.EXPORT_TTL_HOURS, minutes=1)
    ExportJob.objects.filter(pk=job.pk).update(created_at=expired)
    client.force_login(district_manager)
    response = download(client, job)
    assert response.status_code == 410 and "hết hạn" in response.content.decode()
    assert client.get(reverse("reports:job_status", args=[job.pk])).json()["download"] == ""
    assert report_services.cleanup_expired_exports() == 1
    assert not private_storage().exists(name)
    assert not private_storage().exists(os.path.dirname(name))  # its token folder too
    assert download(client, job).status_code == 404


@pytest.mark.django_db
def test_cleanup_deletes_orphan_export_files(job):
    """A run that died between writing its file and recording it leaves a file no job names."""
    storage = private_storage()
    orphan = storage.save("exports/0123456789abcdef0123456789abcdef/hoc-vien-999.xlsx",
                          storage.open(job.file.name))
    old = (timezone.now() - datetime.timedelta(hours=settings.EXPORT_TTL_HOURS + 1)).timestamp()
    os.utime(storage.path(orphan), (old, old))
    assert report_services.cleanup_expired_exports() == 0  # the job itself is fresh
    assert not storage.exists(orphan) and not storage.exists(os.path.dirname(orphan))
    assert storage.exists(job.file.name)


@pytest.mark.django_db
def test_nginx_mode_hands_the_file_to_nginx(client, job, district_manager, settings):
    settings.PRIVATE_MEDIA_SERVE = "nginx"
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private/"
    client.force_login(district_manager)
    response = download(client, job)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_private/{job.file.name}"
    assert f'filename="hoc-vien-{job.pk}.csv"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"

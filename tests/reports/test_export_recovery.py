"""Export jobs are never stuck: they go through the outbox, a run whose worker died is taken over by the
redelivered task or sent again by the sweep, a job out of attempts is marked failed with a message, and
the requester can retry it from the page."""

import datetime
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from lms.storage import private_storage
from outbox.models import OutboxMessage
from reports import exports
from reports import services as report_services
from reports.models import ExportJob, ExportStatus

from . import test_stats_fixtures as fx

course, run = fx.course, fx.run  # fixtures


def stale_moment():
    return timezone.now() - datetime.timedelta(minutes=settings.EXPORT_STALE_MINUTES + 1)


def export_files() -> list[Path]:
    return [path for path in Path(settings.PRIVATE_MEDIA_ROOT, "exports").rglob("*") if path.is_file()]


@pytest.fixture
def dead_run(province_manager, province):
    """A job left "running" by a worker killed mid-export (its last heartbeat a while ago)."""
    return ExportJob.objects.create(requested_by=province_manager, locality=province, file_format="csv",
                                    status=ExportStatus.RUNNING, attempts=1, claim=uuid.uuid4(),
                                    heartbeat_at=stale_moment())


@pytest.mark.django_db
def test_export_is_sent_through_the_outbox(province_manager, province, run):
    job = run(report_services.start_export, province_manager, province, {}, "csv")
    message = OutboxMessage.objects.get(task_name="reports.run_export")
    assert message.args == [job.pk] and message.sent_at is not None
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.attempts == 1


@pytest.mark.django_db
def test_redelivered_task_takes_over_a_running_job_whose_worker_died(dead_run):
    report_services.run_export(dead_run.pk)  # the message came back: its first run was not acknowledged
    dead_run.refresh_from_db()
    assert dead_run.status == ExportStatus.DONE and dead_run.attempts == 2 and dead_run.file


@pytest.mark.django_db
def test_sweep_sends_stuck_jobs_again(dead_run, province_manager, province, run):
    lost = ExportJob.objects.create(requested_by=province_manager, locality=province, file_format="csv",
                                    heartbeat_at=stale_moment())  # pending, its task message lost
    moving = ExportJob.objects.create(requested_by=province_manager, locality=province, file_format="csv",
                                      status=ExportStatus.RUNNING, attempts=1, heartbeat_at=timezone.now())
    assert run(report_services.recover_stuck_exports) == 2
    assert set(ExportJob.objects.filter(pk__in=[dead_run.pk, lost.pk]).values_list("status", flat=True)) == {
        ExportStatus.DONE}
    assert ExportJob.objects.get(pk=moving.pk).status == ExportStatus.RUNNING  # alive: left alone


@pytest.mark.django_db
def test_job_out_of_attempts_is_failed_with_a_message_and_can_be_retried(client, dead_run, province_manager,
                                                                           run):
    ExportJob.objects.filter(pk=dead_run.pk).update(attempts=report_services.MAX_EXPORT_ATTEMPTS)
    report_services.run_export(dead_run.pk)  # one more redelivery: no more attempts
    dead_run.refresh_from_db()
    assert dead_run.status == ExportStatus.FAILED and "gián đoạn" in dead_run.error and not dead_run.file
    client.force_login(province_manager)
    page = client.get(reverse("reports:job", args=[dead_run.pk])).content.decode()
    retry = reverse("reports:retry", args=[dead_run.pk])
    assert "Xuất tệp không thành công" in page and retry in page
    assert client.get(reverse("reports:job_status", args=[dead_run.pk])).json()["can_retry"] is True
    response = run(client.post, retry)
    assert response.status_code == 302
    dead_run.refresh_from_db()
    assert dead_run.status == ExportStatus.DONE and dead_run.error == "" and dead_run.file


@pytest.mark.django_db
def test_sweep_gives_up_after_the_last_attempt(dead_run, run):
    ExportJob.objects.filter(pk=dead_run.pk).update(attempts=report_services.MAX_EXPORT_ATTEMPTS)
    assert run(report_services.recover_stuck_exports) == 0
    assert ExportJob.objects.get(pk=dead_run.pk).status == ExportStatus.FAILED


@pytest.mark.django_db
def test_retry_is_only_for_failed_or_stuck_jobs(client, province_manager, province, outsider_manager, run):
    job = run(report_services.start_export, province_manager, province, {}, "csv")
    assert report_services.retry_export(province_manager, job.pk) is False  # done: nothing to retry
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED)
    client.force_login(outsider_manager)
    assert client.post(reverse("reports:retry", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:retry", args=[job.pk])).status_code == 405
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.FAILED


@pytest.mark.django_db
def test_a_superseded_run_records_nothing_and_leaves_no_file(monkeypatch, province_manager, province):
    """The run whose worker was presumed dead was only slow: a later run claimed the job meanwhile."""
    job = ExportJob.objects.create(requested_by=province_manager, locality=province, file_format="csv")
    later = uuid.uuid4()
    real = exports.learner_export

    def overtaken(job, progress):
        ExportJob.objects.filter(pk=job.pk).update(claim=later)  # another delivery claims it now
        progress(50)
        return real(job, progress)

    monkeypatch.setattr(exports, "learner_export", overtaken)
    before = export_files()
    report_services.run_export(job.pk)
    job.refresh_from_db()
    assert job.claim == later and job.status == ExportStatus.RUNNING and not job.file
    assert export_files() == before


@pytest.mark.django_db
def test_a_run_overtaken_after_writing_deletes_its_file(monkeypatch, province_manager, province):
    job = ExportJob.objects.create(requested_by=province_manager, locality=province, file_format="csv")
    real_save = private_storage().save

    def save_then_overtaken(name, content, **kwargs):
        stored = real_save(name, content, **kwargs)
        ExportJob.objects.filter(pk=job.pk).update(claim=uuid.uuid4())
        return stored

    before = export_files()
    monkeypatch.setattr(private_storage(), "save", save_then_overtaken)
    report_services.run_export(job.pk)
    assert not ExportJob.objects.get(pk=job.pk).file and export_files() == before


def test_the_recovery_sweeps_are_scheduled(settings):
    from lms.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    sweeps = {"reports.recover_stuck_exports", "reports.cleanup_expired_exports", "courses.requeue_stuck_certificates"}
    assert sweeps <= scheduled and sweeps <= set(app.tasks)

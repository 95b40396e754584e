"""Report summaries are recounted by a task sent through the outbox, not inside the learner's request.

With a broker the request only writes and publishes the message (the recount was the heaviest part of a
quiz submit under load); a worker recounts. Without one the task runs on commit, as every other test shows.
"""

import json

import pytest
from django.db import connection, transaction

from accounts.models import TargetGroup
from accounts.services import LearnerData, import_learners, save_learner_profile
from outbox.models import OutboxMessage
from reports.models import LearnerProgramSummary, PendingRecount, RegistrationSummary

from ..conftest import learner_sheet, make_user
from ..courses.builders import make_course
from .helpers import start_worker, stop_worker, wait_for

TASK = "reports.refresh_learners"


@pytest.mark.django_db
def test_without_a_broker_the_recount_runs_on_commit_and_is_marked_sent(client, learner, home_page,
                                                                        django_capture_on_commit_callbacks):
    program, _first, _second, lessons, _later = make_course(home_page, lessons_per_module=1)
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/learning/programs/{program.pk}/enrol/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/learning/lessons/{lessons[0].pk}/complete/")
    messages = OutboxMessage.objects.filter(task_name=TASK)
    assert messages.count() >= 2 and not messages.filter(sent_at__isnull=True).exists()
    assert all(message.args[0] == [learner.pk] for message in messages)
    assert LearnerProgramSummary.objects.get(user=learner, program=program).lessons_completed == 1


@pytest.mark.django_db
def test_an_import_sends_one_recount_for_all_its_learners(district_manager, district, commune,
                                                          django_capture_on_commit_callbacks):
    rows = [[f"Học Viên {i}", f"09880001{i:02d}", commune.code, "A", "", ""] for i in range(12)]
    with django_capture_on_commit_callbacks(execute=True):
        result = import_learners(district_manager, learner_sheet(rows), "learners.xlsx")
    imported = sorted(user.pk for user, _password in result.created)
    message = OutboxMessage.objects.get(task_name=TASK)  # one message, not twelve
    assert len(imported) == 12 and message.args == [imported, None] and message.sent_at is not None
    assert sum(RegistrationSummary.objects.filter(unit=district).values_list("registered", flat=True)) == 12


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_the_next_one_its_own_message(commune, django_capture_on_commit_callbacks):
    kept, dropped = make_user("hv-giu"), make_user("hv-bo")
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            save_learner_profile(dropped, LearnerData("Bỏ", "", commune, TargetGroup.A))
            raise RuntimeError
        save_learner_profile(kept, LearnerData("Giữ", "", commune, TargetGroup.A))
    message = OutboxMessage.objects.get(task_name=TASK)
    assert message.args == [[kept.pk], None] and message.sent_at is not None


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_with_a_broker_the_request_only_queues_the_recount(client, learner, home_page, broker):
    program, _first, _second, lessons, _later = make_course(home_page, lessons_per_module=1)
    client.force_login(learner)
    client.post(f"/learning/programs/{program.pk}/enrol/")
    response = client.post(f"/learning/lessons/{lessons[0].pk}/complete/")

    assert response.status_code == 302
    queued = [json.loads(raw) for raw in broker.client().lrange("celery", 0, -1)]
    wake_ups = [message for message in queued if message["headers"]["task"] == "reports.recount_pending"]
    assert len(wake_ups) == 1 and wake_ups[0]["headers"]["eta"]  # due at the end of the window
    assert PendingRecount.objects.filter(user_id=learner.pk).exists()
    assert not LearnerProgramSummary.objects.filter(user=learner).exists()  # nobody has recounted yet

    if connection.vendor != "postgresql":
        return  # a worker is another process: it can reach only a PostgreSQL test database
    worker = start_worker(broker.url)
    try:
        assert wait_for(lambda: LearnerProgramSummary.objects.filter(
            user=learner, program=program, lessons_completed=1).exists())
        assert not PendingRecount.objects.exists()
    finally:
        stop_worker(worker)

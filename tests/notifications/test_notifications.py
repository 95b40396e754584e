"""Enrolment, essay-marked and class-invitation notifications: in-site always, e-mail when there is an address."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services as quiz_services
from assessments.models import Answer
from courses import services as course_services
from courses.models import Participant, TrainingClass
from notifications import services
from notifications.models import Kind, Notification
from outbox.models import OutboxMessage

from ..assessments.builders import make_essay, make_quiz, make_single
from ..courses.builders import make_course


@pytest.fixture
def program(home_page):
    return make_course(home_page)[0]


def email_tasks():
    """E-mail tasks in the outbox (report recounts pass through it too)."""
    return OutboxMessage.objects.filter(task_name=services.EMAIL_TASK)


@pytest.mark.django_db
def test_enrolment_with_email_sends_mail_once(learner, program, django_capture_on_commit_callbacks):
    learner.email = "hv@example.vn"
    learner.save()
    with django_capture_on_commit_callbacks(execute=True):
        course_services.enrol(learner, program)
        course_services.enrol(learner, program)  # a double tap: same enrolment, no second notice
    notification = Notification.objects.get(user=learner, kind=Kind.ENROLLED)
    assert program.title in notification.title and notification.emailed_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hv@example.vn"]
    assert program.title in mail.outbox[0].body and "Chào Học Viên Một" in mail.outbox[0].body
    assert services.send_email(notification.pk) is False and len(mail.outbox) == 1  # re-delivered task


@pytest.mark.django_db
def test_learner_without_email_gets_in_site_only(learner, program, django_capture_on_commit_callbacks):
    assert not learner.email
    with django_capture_on_commit_callbacks(execute=True):
        course_services.enrol(learner, program)
    assert Notification.objects.filter(user=learner, kind=Kind.ENROLLED).count() == 1
    assert not email_tasks().exists() and mail.outbox == []


@pytest.mark.django_db
def test_rolled_back_enrolment_leaves_no_notification_nor_task(learner, program):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        course_services.enrol(learner, program)
        raise RuntimeError
    assert not Notification.objects.exists() and not email_tasks().exists()


@pytest.mark.django_db
def test_essay_marked_notifies_once(learner, trainer, django_capture_on_commit_callbacks):
    essay = make_essay()
    quiz = make_quiz([essay])
    attempt = quiz_services.start_attempt(learner, quiz)
    quiz_services.save_answers(attempt, [quiz_services.PostedAnswer(essay.pk, ["Bài viết"])])
    quiz_services.submit_attempt(attempt)
    answer = Answer.objects.get(attempt_question__attempt=attempt)
    with django_capture_on_commit_callbacks(execute=True):
        quiz_services.mark_answer(trainer, answer.pk, Decimal("4"), "Tốt")
    notification = Notification.objects.get(user=learner, kind=Kind.ESSAY_MARKED)
    assert quiz.title in notification.title
    attempt.refresh_from_db()
    assert services.notify_essay_marked(attempt) is None  # a regrade announces again: still one


@pytest.mark.django_db
def test_auto_graded_quiz_does_not_notify(learner, django_capture_on_commit_callbacks):
    single = make_single()
    attempt = quiz_services.start_attempt(learner, make_quiz([single]))
    with django_capture_on_commit_callbacks(execute=True):
        quiz_services.submit_attempt(attempt)
    assert not Notification.objects.filter(kind=Kind.ESSAY_MARKED).exists()


@pytest.mark.django_db
def test_class_invitation_once(learner, program, district):
    learner.email = "hv@example.vn"
    learner.save()
    today = timezone.localdate()
    training_class = TrainingClass.objects.create(
        title="Lớp tập huấn Lục Ngạn", program=program, organiser=district, venue="Hội trường huyện",
        start_date=today + timedelta(days=3), end_date=today + timedelta(days=4), funding_year=today.year)
    Participant.objects.create(training_class=training_class, user=learner)
    assert services.send_class_invitations() == 1
    assert services.send_class_invitations() == 0
    notification = Notification.objects.get(kind=Kind.CLASS_INVITATION)
    assert "Hội trường huyện" in notification.body and email_tasks().count() == 1


def _count(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/inbox/").status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_inbox_lists_own_and_marks_read(client, learner, outsider_learner, program, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        course_services.enrol(learner, program)
        course_services.enrol(outsider_learner, program)
    client.force_login(learner)
    client.get("/inbox/")
    small = _count(client)
    page = client.get("/inbox/").content.decode()
    assert program.title in page and page.count('class="card unread"') == 1
    for index in range(5):
        services.notify(services.Draft(learner.pk, "", Kind.REMINDER, f"test:{index}", f"Nhắc {index}", ""))
    assert _count(client) == small
    assert client.get("/inbox/read/").status_code == 405
    client.post("/inbox/read/")
    assert not Notification.objects.filter(user=learner, read_at__isnull=True).exists()
    assert Notification.objects.get(user=outsider_learner).read_at is None


@pytest.mark.django_db
def test_bulk_enrolment_notifies_each_learner_once(district_manager, district, commune, program,
                                                   django_capture_on_commit_callbacks):
    from tests.conftest import make_learner

    learners = [make_learner(commune, phone=f"09450000{i:02d}") for i in range(3)]
    learners[0].email = "a@example.vn"
    learners[0].save()
    with django_capture_on_commit_callbacks(execute=True):
        course_services.enrol(learners[1], program)  # self-enrolled first: told once already
    with django_capture_on_commit_callbacks(execute=True):
        assert course_services.bulk_enrol(district_manager, program, district, "A") == 2
    counts = {u.pk: Notification.objects.filter(user=u, kind=Kind.ENROLLED).count() for u in learners}
    assert counts == {u.pk: 1 for u in learners}
    assert [m.to for m in mail.outbox] == [["a@example.vn"]]

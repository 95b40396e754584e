"""The completion that follows a graded quiz is recorded in the grading transaction (outbox), retried when
it fails, and repaired by the rebuild when it was lost anyway (issue #14, item 7)."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from assessments import services as quiz_services
from courses import services
from courses.models import Certificate, ModuleCompletion, ModulePage, ProgramCompletion
from outbox import services as outbox
from outbox.models import OutboxMessage

from ..assessments.builders import correct_choice_ids, make_quiz, make_single
from .builders import make_course

TASK = "courses.refresh_completion_after_attempt"


@pytest.fixture
def course(home_page):
    """Two one-lesson modules; the second ends with a quiz, whose pass completes the program."""
    program, first, second, lessons, later = make_course(home_page, lessons_per_module=1)
    question = make_single()
    ModulePage.objects.filter(pk=second.pk).update(quiz=make_quiz([question], pass_mark=50))
    second.refresh_from_db()
    return {"program": program, "module": second, "quiz": second.quiz, "question": question,
            "lessons": lessons + later}


def learn_everything(learner, course):
    services.enrol(learner, course["program"])
    for lesson in course["lessons"]:
        services.complete_lesson(learner, lesson)


def pass_quiz(learner, course):
    attempt = quiz_services.start_attempt(learner, course["quiz"])
    right = [str(pk) for pk in correct_choice_ids(course["question"])]
    quiz_services.save_answers(attempt, [quiz_services.PostedAnswer(course["question"].pk, right)])
    quiz_services.submit_attempt(attempt)
    return attempt


def completed(learner, course) -> tuple[bool, bool]:
    return (ModuleCompletion.objects.filter(user=learner, module=course["module"]).exists(),
            ProgramCompletion.objects.filter(user=learner, program=course["program"]).exists())


@pytest.mark.django_db
def test_the_completion_is_written_by_the_outbox_task(learner, course, django_capture_on_commit_callbacks):
    learn_everything(learner, course)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = pass_quiz(learner, course)
    message = OutboxMessage.objects.get(task_name=TASK)
    assert message.args == [attempt.pk] and message.sent_at is not None
    assert completed(learner, course) == (True, True)
    assert Certificate.objects.filter(user=learner, program=course["program"]).count() == 1


@pytest.mark.django_db
def test_the_follow_up_survives_a_process_that_dies_after_the_commit(learner, course,
                                                                     django_capture_on_commit_callbacks):
    learn_everything(learner, course)
    with django_capture_on_commit_callbacks(execute=False):  # committed; the on-commit work never ran
        pass_quiz(learner, course)
    assert completed(learner, course) == (False, False)
    assert outbox.relay() >= 1  # what beat runs every few seconds
    assert completed(learner, course) == (True, True)
    # A second delivery (at least once) changes nothing.
    services.refresh_completion_after_attempt(OutboxMessage.objects.get(task_name=TASK).args[0])
    assert ModuleCompletion.objects.filter(user=learner).count() == 2
    assert Certificate.objects.filter(user=learner).count() == 1


def _hold_completion_table(ready: threading.Event, release: threading.Event) -> None:
    """Another transaction that keeps completions from being written: PostgreSQL, a SHARE lock on the table
    (as a long report or a rebuild would); SQLite's shared cache, a read lock held until it ends."""
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                connection.cursor().execute("LOCK TABLE courses_modulecompletion IN SHARE MODE")
            else:
                list(ModuleCompletion.objects.all()[:1])
            ready.set()
            release.wait(30)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_failed_follow_up_is_retried_by_the_outbox(learner, course):
    learn_everything(learner, course)
    if connection.vendor == "postgresql":
        connection.cursor().execute("SET lock_timeout = '300ms'")  # a worker gives up rather than wait on
    ready, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_completion_table, args=(ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        pass_quiz(learner, course)  # commits; the task runs at once (no broker) and fails on the lock
    finally:
        release.set()
        holder.join()
    message = OutboxMessage.objects.get(task_name=TASK)
    assert message.sent_at is None and "lock" in message.last_error.lower()
    assert completed(learner, course) == (False, False)
    if connection.vendor == "postgresql":
        connection.cursor().execute("SET lock_timeout = 0")
    assert outbox.relay() >= 1
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 2
    assert completed(learner, course) == (True, True)


@pytest.mark.django_db
def test_the_drift_check_reports_a_lost_completion_and_the_rebuild_repairs_it(
        learner, course, capsys, django_capture_on_commit_callbacks):
    learn_everything(learner, course)
    with django_capture_on_commit_callbacks(execute=False):
        pass_quiz(learner, course)
    OutboxMessage.objects.filter(task_name=TASK).delete()  # lost, as before the outbox carried it
    with pytest.raises(SystemExit):
        call_command("rebuild_report_summaries", "--check")
    assert "1 module and 1 program completions missing" in capsys.readouterr().out
    assert completed(learner, course) == (False, False)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_report_summaries")
    assert completed(learner, course) == (True, True)
    assert Certificate.objects.filter(user=learner, program=course["program"]).count() == 1
    assert not services.repair_completions(dry_run=True).found
    call_command("rebuild_report_summaries", "--check")  # no drift left: no SystemExit


@pytest.mark.django_db
def test_the_repair_follows_the_lesson_rules(learner, outsider_learner, district, course):
    """A learner who has not learnt every lesson they can see is not completed by the repair."""
    from .builders import make_lesson

    make_lesson(course["module"], "dia-phuong", local_unit=district)  # Lục Ngạn only
    learn_everything(learner, course)
    learn_everything(outsider_learner, course)
    pass_quiz(learner, course)
    pass_quiz(outsider_learner, course)
    ModuleCompletion.objects.filter(module=course["module"]).delete()
    missing = services.repair_completions(dry_run=True)
    assert missing.modules == [(outsider_learner.pk, course["module"].pk)]  # the local lesson is not theirs

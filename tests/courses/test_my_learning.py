"""“Học tập của tôi” (#15 item 10): not 100 % while a module quiz is pending, which is named with a link;
finished programs listed with their certificate (never "you have not enrolled")."""

import pytest
from django.urls import reverse

from assessments import services as quiz_services
from courses import services
from courses.models import Certificate, ModulePage, ProgramCompletion

from ..assessments.builders import correct_choice_ids, make_quiz, make_single
from .builders import make_course

URL = reverse("courses:my_learning")


@pytest.fixture
def course(home_page):
    program, first, second, lessons, later = make_course(home_page, lessons_per_module=1)
    question = make_single()
    ModulePage.objects.filter(pk=second.pk).update(quiz=make_quiz([question], title="KT cuối chuyên đề 2"))
    second.refresh_from_db()
    return {"program": program, "module": second, "quiz": second.quiz, "question": question,
            "lessons": lessons + later}


def pass_quiz(learner, course):
    attempt = quiz_services.start_attempt(learner, course["quiz"])
    right = [str(pk) for pk in correct_choice_ids(course["question"])]
    quiz_services.save_answers(attempt, [quiz_services.PostedAnswer(course["question"].pk, right)])
    quiz_services.submit_attempt(attempt)


@pytest.mark.django_db
def test_all_lessons_done_with_the_quiz_pending_is_not_100_and_names_the_quiz(client, learner, course):
    services.enrol(learner, course["program"])
    for lesson in course["lessons"]:
        services.complete_lesson(learner, lesson)
    client.force_login(learner)
    page = client.get(URL).content.decode()
    assert "2/2 bài bắt buộc · 0/1 bài kiểm tra đạt (67%)" in page
    assert "100%" not in page
    assert "Còn lại:" in page and reverse("assessments:start", args=[course["quiz"].pk]) in page
    assert "KT cuối chuyên đề 2" in page


@pytest.mark.django_db
def test_a_quiz_is_not_named_before_its_lessons_are_done(client, learner, course):
    services.enrol(learner, course["program"])
    client.force_login(learner)
    page = client.get(URL).content.decode()
    assert "0/2 bài bắt buộc · 0/1 bài kiểm tra đạt (0%)" in page and "Còn lại:" not in page


@pytest.mark.django_db
def test_a_finished_program_is_listed_with_its_certificate(client, learner, course,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol(learner, course["program"])
        for lesson in course["lessons"]:
            services.complete_lesson(learner, lesson)
    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(learner, course)
    assert ProgramCompletion.objects.filter(user=learner).exists()
    certificate = Certificate.objects.get(user=learner)
    client.force_login(learner)
    page = client.get(URL).content.decode()
    assert "Bạn chưa ghi danh chương trình nào" not in page
    assert "Đã hoàn thành" in page and course["program"].title in page
    assert reverse("certificates:download", args=[certificate.pk]) in page
    services.unenrol(learner, course["program"])  # finished, then left: still listed with the certificate
    assert reverse("certificates:download", args=[certificate.pk]) in client.get(URL).content.decode()


@pytest.mark.django_db
def test_my_learning_runs_a_fixed_number_of_queries(client, learner, home_page, course, django_assert_max_num_queries):
    services.enrol(learner, course["program"])
    client.force_login(learner)
    client.get(URL)
    with django_assert_max_num_queries(14) as one:
        client.get(URL)
    for code in ("CT2", "CT3"):
        other = make_course(home_page, lessons_per_module=2, code=code)
        ModulePage.objects.filter(pk=other[1].pk).update(quiz=make_quiz([make_single()], title=code))
        services.enrol(learner, other[0])
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(URL)

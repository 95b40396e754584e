"""The learner is never left guessing (#15 item 13): the program page says when their group may not enrol,
leaving asks first, the quiz start page gives the facts, and the result page leads to the next step."""

import pytest
from django.urls import reverse

from accounts.models import TargetGroup
from assessments import services as quiz_services
from courses import services
from courses.models import Enrolment

from ..assessments.builders import make_quiz, make_single, make_topic
from ..conftest import make_learner
from .builders import make_index, make_lesson, make_module, make_program


@pytest.fixture
def course(home_page):
    """CT1 (groups A and B): module 1 with a quiz, module 2 after it; CT2 for group B only."""
    index = make_index(home_page)
    program = make_program(index, "CT1")
    topic = make_topic("Chủ đề rút")
    for i in range(3):
        make_single(topic=topic, text=f"Câu rút {i}")
    quiz = make_quiz([make_single(), make_single(text="Câu hai")], draws=[(topic, 2)], title="KT M1",
                     time_limit_minutes=20, attempts_allowed=3, pass_mark=60)
    first = make_module(program, "m1", quiz=quiz)
    make_lesson(first, "l1")
    second = make_module(program, "m2", prerequisite=first)
    make_lesson(second, "l2")
    only_b = make_program(index, "CT2", target_groups="B")
    return {"program": program, "quiz": quiz, "first": first, "second": second, "only_b": only_b}


@pytest.mark.django_db
def test_program_page_tells_another_group_why_it_cannot_enrol(client, learner, course):
    client.force_login(learner)  # group A
    page = client.get(course["only_b"].url).content.decode()
    assert "dành cho Nhóm B; bạn thuộc Nhóm A" in page
    assert reverse("courses:enrol", args=[course["only_b"].pk]) not in page
    response = client.post(reverse("courses:enrol", args=[course["only_b"].pk]), follow=True)
    assert "dành cho nhóm đối tượng khác" in response.content.decode()
    assert not Enrolment.objects.exists()
    b_learner = make_learner(learner.learner_profile.commune, phone="0987000077", group=TargetGroup.B)
    client.force_login(b_learner)
    assert reverse("courses:enrol", args=[course["only_b"].pk]) in client.get(course["only_b"].url).content.decode()


@pytest.mark.django_db
def test_leaving_a_program_asks_first(client, learner, course):
    program = course["program"]
    services.enrol(learner, program)
    client.force_login(learner)
    url = reverse("courses:unenrol", args=[program.pk])
    assert url in client.get(program.url).content.decode()
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Rời chương trình?" in confirm.content.decode()
    assert Enrolment.objects.get().unenrolled_at is None  # asking changes nothing
    assert client.post(url).status_code == 302
    assert Enrolment.objects.get().unenrolled_at is not None
    assert client.get(url)["Location"] == program.url  # nothing to leave any more


@pytest.mark.django_db
def test_quiz_start_page_gives_questions_time_attempts_and_pass_mark(client, learner, course):
    services.enrol(learner, course["program"])
    client.force_login(learner)
    url = reverse("assessments:start", args=[course["quiz"].pk])
    page = client.get(url).content.decode()
    for fact in ("4 câu hỏi", "Thời gian: 20 phút", "Đã làm 0 / 3 lần được phép", "Điểm đạt: 60%"):
        assert fact in page
    attempt = quiz_services.start_attempt(learner, course["quiz"])
    quiz_services.submit_attempt(attempt)
    assert "Đã làm 1 / 3 lần được phép" in client.get(url).content.decode()


def _answer_all(attempt, right: bool):
    from assessments.models import AttemptQuestion, Choice

    posted = []
    for aq in AttemptQuestion.objects.filter(attempt=attempt):
        choice = Choice.objects.filter(question_id=aq.question_id, is_correct=right).first()
        posted.append(quiz_services.PostedAnswer(aq.question_id, [str(choice.pk)]))
    quiz_services.save_answers(attempt, posted)
    quiz_services.submit_attempt(attempt)


@pytest.mark.django_db
def test_result_page_leads_to_the_next_module_or_back_to_revise(client, learner, course):
    services.enrol(learner, course["program"])
    client.force_login(learner)
    failed = quiz_services.start_attempt(learner, course["quiz"])
    _answer_all(failed, right=False)
    page = client.get(reverse("assessments:result", args=[failed.pk])).content.decode()
    assert f'href="{course["first"].url}"' in page and "Ôn lại chuyên đề" in page
    passed = quiz_services.start_attempt(learner, course["quiz"])
    _answer_all(passed, right=True)
    page = client.get(reverse("assessments:result", args=[passed.pk])).content.decode()
    assert f'href="{course["second"].url}"' in page and "Chuyên đề tiếp theo: Chuyên đề m2" in page


@pytest.mark.django_db
def test_after_the_last_modules_quiz_the_result_leads_to_the_program(course):
    from assessments.models import Attempt
    from courses.selectors import quiz_next_step

    last_quiz = make_quiz([make_single()], title="KT M2")
    course["second"].quiz = last_quiz
    course["second"].save_revision().publish()
    label, url = quiz_next_step(Attempt(quiz=last_quiz, passed=True))
    assert (label, url) == (f"Về chương trình: {course['program'].title}", course["program"].url)
    assert quiz_next_step(Attempt(quiz=make_quiz([make_single()], title="Đầu vào lớp"), passed=True)) is None

"""Issue 15, item 4: every seeded program gets a final test that draws from its module quizzes."""

import json

import pytest
from django.core.management import call_command

from assessments import services as quiz_services
from assessments.models import AttemptState, Quiz, QuizDraw
from courses import services as course_services
from courses.final_tests import FINAL_TESTS_FILE, attach_final_tests
from courses.models import ModulePage, ProgramPage


def test_every_program_of_the_curriculum_has_a_final_test_entry():
    from courses.curriculum import CURRICULUM_FILE

    codes = {p["code"] for p in json.loads(CURRICULUM_FILE.read_text(encoding="utf-8"))["programs"]}
    assert codes <= set(json.loads(FINAL_TESTS_FILE.read_text(encoding="utf-8"))["programs"])


@pytest.mark.django_db
def test_load_curriculum_gives_each_program_a_final_test_drawing_from_its_modules(home_page, learner):
    call_command("load_curriculum", stdout=open("/dev/null", "w"))
    programs = list(ProgramPage.objects.order_by("path"))
    assert len(programs) == 4 and all(p.final_quiz_id for p in programs)
    for program in programs:
        assert program.live_revision.as_object().final_quiz_id == program.final_quiz_id  # published, not a draft
        module_topics = {topic for module in ModulePage.objects.child_of(program).specific()
                         for topic in module.quiz.fixed_questions.values_list("question__topic_id", flat=True)}
        draws = QuizDraw.objects.filter(quiz_id=program.final_quiz_id)
        assert set(draws.values_list("topic_id", flat=True)) == module_topics
        assert all(1 <= draw.count <= 3 for draw in draws)
        quiz = program.final_quiz
        assert (quiz.pass_mark, quiz.time_limit_minutes, quiz.attempts_allowed) == (70, 30, 3)
        assert program.title in quiz.title

    # A learner can take it: an attempt draws questions from every module.
    program = programs[0]
    course_services.enrol(learner, program)
    attempt = quiz_services.start_attempt(learner, program.final_quiz)
    assert attempt.state == AttemptState.IN_PROGRESS
    assert attempt.questions.count() == sum(QuizDraw.objects.filter(quiz=program.final_quiz)
                                            .values_list("count", flat=True))

    # Idempotent, and a test a trainer chose is kept.
    chosen = Quiz.objects.create(title="Bài của giảng viên")
    ProgramPage.objects.filter(pk=program.pk).update(final_quiz=chosen)
    quizzes = Quiz.objects.count()
    assert attach_final_tests() == 0
    call_command("load_curriculum", stdout=open("/dev/null", "w"))
    assert Quiz.objects.count() == quizzes
    assert ProgramPage.objects.get(pk=program.pk).final_quiz == chosen


@pytest.mark.django_db
def test_the_program_page_links_its_final_test(client, home_page, learner):
    call_command("load_curriculum", stdout=open("/dev/null", "w"))
    program = ProgramPage.objects.order_by("path").first()
    client.force_login(learner)
    page = client.get(program.url).content.decode()
    assert f'/{program.final_quiz_id}/' in page and "Làm bài kiểm tra cuối chương trình" in page

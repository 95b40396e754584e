import pytest

from courses import services
from courses.exceptions import ModuleLocked
from courses.models import ModuleCompletion, ProgramCompletion
from courses.signals import program_completed

from .builders import make_course, make_lesson


@pytest.fixture
def course(home_page):
    return make_course(home_page)


@pytest.mark.django_db
def test_module_completes_when_required_lessons_done(learner, course):
    program, first, _second, lessons, _ = course
    make_lesson(first, "optional", required=False)
    services.enrol(learner, program)
    services.complete_lesson(learner, lessons[0])
    assert not ModuleCompletion.objects.exists()
    services.complete_lesson(learner, lessons[1])
    assert ModuleCompletion.objects.filter(user=learner, module=first).exists()


@pytest.mark.django_db
def test_prerequisite_locks_second_module(client, learner, course):
    program, _first, _second, lessons, later = course
    services.enrol(learner, program)
    with pytest.raises(ModuleLocked):
        services.complete_lesson(learner, later[0])
    client.force_login(learner)
    page = client.get(later[0].url).content.decode()
    assert "mở sau khi bạn hoàn thành" in page and "Nội dung bài học." not in page
    for lesson in lessons:
        services.complete_lesson(learner, lesson)
    services.complete_lesson(learner, later[0])
    assert "Nội dung bài học." in client.get(later[0].url).content.decode()


@pytest.mark.django_db
def test_program_completes_once_and_announces_once(learner, course, django_capture_on_commit_callbacks):
    program, _first, _second, lessons, later = course
    announced = []

    def listener(sender, user_id, program_id, **kwargs):
        announced.append((user_id, program_id))

    program_completed.connect(listener)
    try:
        services.enrol(learner, program)
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in lessons + later:
                services.complete_lesson(learner, lesson)
            services.complete_lesson(learner, later[-1])
            services.refresh_completion(learner, program)
    finally:
        program_completed.disconnect(listener)
    completion = ProgramCompletion.objects.get(user=learner, program=program)
    assert completion.commune == learner.learner_profile.commune
    assert announced == [(learner.pk, program.pk)]


@pytest.mark.django_db
def test_my_learning_shows_progress_and_resume(client, learner, course):
    program, _first, _second, lessons, _later = course
    services.enrol(learner, program)
    services.complete_lesson(learner, lessons[0])
    client.force_login(learner)
    client.get(lessons[1].url)  # started, not finished
    page = client.get("/learning/").content.decode()
    assert program.title in page
    assert "1/4" in page
    assert f"Học tiếp: {lessons[1].title}" in page

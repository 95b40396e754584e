import pytest

from content.models import HomePage
from courses.models import LessonPage, ModulePage, ProgramIndexPage, ProgramPage

from .builders import make_course


def test_tree_rules_allow_only_the_curriculum_shape():
    assert ProgramIndexPage.allowed_parent_page_models() == [HomePage]
    assert ProgramPage.allowed_parent_page_models() == [ProgramIndexPage]
    assert ModulePage.allowed_parent_page_models() == [ProgramPage]
    assert LessonPage.allowed_parent_page_models() == [ModulePage]
    assert LessonPage.allowed_subpage_models() == []


@pytest.mark.django_db
def test_cannot_create_lesson_under_program(home_page):
    program, module, *_rest = make_course(home_page)
    assert not LessonPage.can_create_at(program)
    assert LessonPage.can_create_at(module)
    assert not ModulePage.can_create_at(module)
    assert not ProgramIndexPage.can_create_at(program)  # max one index, and only under home


@pytest.mark.django_db
def test_pages_render(client, home_page, learner):
    program, module, _second, lessons, _others = make_course(home_page)
    client.force_login(learner)
    for page in (program.get_parent(), program, module, lessons[0]):
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert page.title in response.content.decode()

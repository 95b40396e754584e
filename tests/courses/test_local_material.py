import pytest
from django.test import Client

from accounts.models import Role
from courses.models import LessonPage
from tests.conftest import make_staff

from .builders import make_course, make_lesson


@pytest.fixture
def course(home_page):
    return make_course(home_page)


@pytest.mark.django_db
def test_local_lesson_visible_only_inside_its_district(client, learner, outsider_learner, district, course):
    module = course[1]
    local = make_lesson(module, "mo-hinh-dia-phuong", title="Mô hình giảm nghèo Lục Ngạn", local_unit=district)
    client.force_login(learner)
    assert client.get(local.url).status_code == 200
    assert local.title in client.get(module.url).content.decode()
    client.force_login(outsider_learner)
    assert client.get(local.url).status_code == 404
    assert local.title not in client.get(module.url).content.decode()
    assert Client().get(local.url).status_code == 404


def _admin_edit(client, user, page):
    client.force_login(user)
    return client.get(f"/admin/pages/{page.pk}/edit/")


@pytest.fixture
def curriculum_permissions(course):
    from courses.permissions import grant_trainer_permissions

    grant_trainer_permissions(course[0].get_parent())


@pytest.mark.django_db
def test_district_trainer_cannot_edit_province_or_other_district_lessons(
        client, trainer, other_district, course, curriculum_permissions):
    province_lesson = course[3][0]
    other_trainer = make_staff("son-dong-trainer", Role.TRAINER, other_district)
    foreign = make_lesson(course[1], "cua-huyen-khac", local_unit=other_district, owner=other_trainer)
    assert _admin_edit(client, trainer, province_lesson).status_code in (302, 403)
    assert _admin_edit(client, trainer, foreign).status_code == 404  # another district's: not even shown
    own = make_lesson(course[1], "cua-toi", local_unit=trainer.role_assignments.get().locality, owner=trainer)
    assert _admin_edit(client, trainer, own).status_code == 200


@pytest.mark.django_db
def test_district_trainer_creates_lesson_forced_local(client, trainer, district, course, curriculum_permissions):
    module = course[1]
    client.force_login(trainer)
    url = f"/admin/pages/add/courses/lessonpage/{module.pk}/"
    form_page = client.get(url)
    assert form_page.status_code == 200
    field = form_page.context["form"].fields["local_unit"]
    # Their district (preselected: first) or one of its communes; never for everyone, never elsewhere.
    assert list(field.queryset) == [district, *district.children.order_by("path")] and field.required


@pytest.mark.django_db
def test_province_trainer_can_edit_everything(client, province, course, curriculum_permissions):
    province_trainer = make_staff("tinh-trainer", Role.TRAINER, province)
    assert _admin_edit(client, province_trainer, course[3][0]).status_code == 200
    assert LessonPage.objects.count() == 4

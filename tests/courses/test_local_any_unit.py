"""Local lessons belong to any unit: a commune, a province, a district of the past.

A learner sees a local lesson when their commune lies on the unit's ground, also after a reform retired the
unit (tests/localities/builders.py: Huyện Yên Dũng merged into the city in 2024, the city into the new
Bắc Ninh's Phường Bắc Giang in 2025).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from courses import selectors, services
from localities.current_map import move_learners_to_current_map
from localities.models import Locality
from tests.conftest import make_learner, make_staff
from tests.localities.builders import load_2023, load_all_eras

from .builders import make_course, make_lesson


def unit(path):
    return Locality.objects.get(path=path)


def sees(client, user, lesson, module) -> bool:
    """The lesson page opens and the module page lists it, or neither (never one without the other)."""
    client.force_login(user)
    session = client.session  # a learner moved by a reform is first asked to confirm their commune: skip it
    session.pop("confirm_commune", None)
    session.save()
    opens = client.get(lesson.url).status_code == 200
    listed = lesson.title in client.get(module.url).content.decode()
    assert opens == listed, (opens, listed)
    return opens


@pytest.fixture
def course(home_page):
    return make_course(home_page)


@pytest.mark.django_db
def test_a_commune_lesson_is_for_that_commune_only(client, course, district, commune, learner, outsider_learner):
    neighbour_commune = district.children.order_by("code")[1]
    neighbour = make_learner(neighbour_commune, phone="0987000002")
    module = course[1]
    lesson = make_lesson(module, "cua-xa", title="Bài riêng của xã", local_unit=commune)
    assert sees(client, learner, lesson, module)
    assert not sees(client, neighbour, lesson, module)
    assert not sees(client, outsider_learner, lesson, module)


@pytest.mark.django_db
def test_a_province_lesson_is_for_the_province_and_a_district_lesson_reaches_its_communes(
        client, course, province, district, learner, outsider_learner):
    module = course[1]
    for_province = make_lesson(module, "cua-tinh", title="Bài riêng của tỉnh", local_unit=province)
    for_district = make_lesson(module, "cua-huyen", title="Bài riêng của huyện", local_unit=district)
    assert sees(client, learner, for_province, module) and sees(client, outsider_learner, for_province, module)
    assert sees(client, learner, for_district, module)
    assert not sees(client, outsider_learner, for_district, module)


@pytest.mark.django_db
def test_a_lesson_of_a_retired_district_stays_with_the_communes_now_on_its_ground(client, course):
    load_2023()
    module = course[1]
    yen_dung = unit("24.221.")  # merged into the city on 1/11/2024, the city into Phường Bắc Giang 2025
    lesson = make_lesson(module, "yen-dung", title="Mô hình Yên Dũng", local_unit=yen_dung)
    registered_in_2023 = make_learner(unit("24.221.07502."), phone="0912000001")  # Xã Lãng Sơn
    load_all_eras()
    assert move_learners_to_current_map().moved == 1  # now in Phường Bắc Giang
    bac_giang = make_learner(unit("24~20250701.07201."), phone="0912000002")
    viet_yen = make_learner(unit("24~20250701.07301."), phone="0912000003")
    kinh_bac = make_learner(unit("24~20250701.09190."), phone="0912000004")
    assert sees(client, type(registered_in_2023).objects.get(pk=registered_in_2023.pk), lesson, module)
    assert sees(client, bac_giang, lesson, module)
    assert not sees(client, viet_yen, lesson, module)
    assert not sees(client, kinh_bac, lesson, module)
    # A lesson of the old province reaches the new province's communes on its ground, not old Bắc Ninh's.
    old_bac_giang = make_lesson(module, "bac-giang-cu", title="Bài của tỉnh Bắc Giang cũ", local_unit=unit("24."))
    assert sees(client, viet_yen, old_bac_giang, module)
    assert not sees(client, kinh_bac, old_bac_giang, module)


@pytest.mark.django_db
def test_a_lesson_of_a_commune_merged_away_reaches_the_commune_that_took_it_over(client, course):
    load_all_eras()
    module = course[1]
    lesson = make_lesson(module, "lang-son", title="Bài Lãng Sơn", local_unit=unit("24.221.07502."))
    assert sees(client, make_learner(unit("24~20250701.07201."), phone="0912000002"), lesson, module)
    assert not sees(client, make_learner(unit("24~20250701.07301."), phone="0912000003"), lesson, module)


@pytest.mark.django_db
def test_staff_see_the_local_lessons_of_their_scope(course, province, district, commune, other_district):
    module = course[1]
    in_commune = make_lesson(module, "cua-xa", local_unit=commune)
    elsewhere = make_lesson(module, "huyen-khac", local_unit=other_district)
    district_manager = make_staff("quan-ly", Role.DISTRICT_MANAGER, district)
    commune_trainer = make_staff("xa", Role.TRAINER, commune)
    province_manager = make_staff("tinh", Role.PROVINCE_MANAGER, province)
    assert selectors.lesson_visible_to(district_manager, in_commune)
    assert not selectors.lesson_visible_to(district_manager, elsewhere)
    assert selectors.lesson_visible_to(commune_trainer, in_commune)
    assert not selectors.lesson_visible_to(commune_trainer, elsewhere)
    assert selectors.lesson_visible_to(province_manager, elsewhere)


@pytest.mark.django_db
def test_a_learner_outside_the_ground_cannot_complete_a_local_lesson(course, commune, outsider_learner):
    from courses.exceptions import LessonNotVisible

    program, module = course[0], course[1]
    lesson = make_lesson(module, "cua-xa", local_unit=commune)
    services.enrol(outsider_learner, program)
    with pytest.raises(LessonNotVisible):
        services.complete_lesson(outsider_learner, lesson)


@pytest.fixture
def curriculum_permissions(course):
    from courses.permissions import grant_trainer_permissions

    grant_trainer_permissions(course[0].get_parent())


def _lesson_form_field(client, user, module):
    client.force_login(user)
    response = client.get(f"/admin/pages/add/courses/lessonpage/{module.pk}/")
    assert response.status_code == 200
    return response.context["form"].fields["local_unit"]


@pytest.mark.django_db
def test_a_commune_trainer_writes_lessons_for_their_commune(client, course, commune, curriculum_permissions):
    field = _lesson_form_field(client, make_staff("xa", Role.TRAINER, commune), course[1])
    assert list(field.queryset) == [commune] and field.required


@pytest.mark.django_db
def test_a_province_trainer_may_write_for_everyone_or_any_current_unit(client, course, province, commune,
                                                                       curriculum_permissions):
    field = _lesson_form_field(client, make_staff("tinh", Role.TRAINER, province), course[1])
    assert not field.required
    assert {province, commune} <= set(field.queryset)


@pytest.mark.django_db
def test_a_trainer_of_the_new_province_picks_todays_units_and_keeps_a_retired_one_on_edit(
        client, course, curriculum_permissions):
    load_all_eras()
    trainer = make_staff("bac-ninh", Role.TRAINER, unit("24~20250701."))
    choices = set(_lesson_form_field(client, trainer, course[1]).queryset)
    assert unit("24~20250701.07201.") in choices and unit("24.221.") not in choices
    lesson = make_lesson(course[1], "yen-dung", local_unit=unit("24.221."), owner=trainer)
    client.force_login(trainer)
    response = client.get(f"/admin/pages/{lesson.pk}/edit/")
    assert unit("24.221.") in set(response.context["form"].fields["local_unit"].queryset)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_local_lesson_pages_run_a_fixed_number_of_queries(client, course, commune, learner):
    program, module = course[0], course[1]
    lesson = make_lesson(module, "cua-xa", local_unit=commune)
    services.enrol(learner, program)
    client.force_login(learner)
    urls = [program.url, module.url, lesson.url]
    for url in urls:
        client.get(url)
    small = {url: count_queries(client, url) for url in urls}
    for index in range(10):
        make_lesson(module, f"x{index}", local_unit=commune)
        make_lesson(module, f"y{index}", local_unit=commune.parent)
    assert {url: count_queries(client, url) for url in urls} == small


# Training classes: organised by any unit of the organiser's scope ----------------------------------------


@pytest.mark.django_db
def test_a_class_may_be_organised_by_a_commune_or_the_province(province, district, commune):
    from courses.classes.forms import TrainingClassForm

    commune_trainer = make_staff("xa", Role.TRAINER, commune)
    assert list(TrainingClassForm(user=commune_trainer).fields["organiser"].queryset) == [commune]
    choices = set(TrainingClassForm(user=make_staff("tinh", Role.PROVINCE_MANAGER, province))
                  .fields["organiser"].queryset)
    assert {province, district, commune} <= choices


@pytest.mark.django_db
def test_the_rename_carries_the_unit_of_drafts_saved_before_it(course, district):
    """A draft saved under the old field name would publish as a lesson for everyone without the rename."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("courses.migrations.0005_lesson_local_unit")
    lesson = make_lesson(course[1], "ban-nhap", local_unit=district)
    revision = lesson.save_revision()
    revision.content["local_district"] = revision.content.pop("local_unit")
    revision.save(update_fields=["content"])
    migration.forwards(apps, None)
    revision.refresh_from_db()
    assert revision.as_object().local_unit_id == district.pk
    migration.backwards(apps, None)
    revision.refresh_from_db()
    assert revision.content["local_district"] == district.pk and "local_unit" not in revision.content

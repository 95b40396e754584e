"""Starting a quiz obeys the rules of opening its module: enrolment, target group, prerequisite and
local-lesson visibility (issue #14, item 9). assessments knows no page tree: courses registers the rule."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as quiz_services
from assessments.exceptions import QuizNotAllowed
from assessments.models import Attempt
from courses import services
from courses.exceptions import NotInTargetGroup
from courses.models import EnrolmentSource, ModuleCompletion

from ..assessments.builders import make_quiz, make_single
from .builders import make_index, make_lesson, make_module, make_program


def quiz(title):
    return make_quiz([make_single()], title=title)


@pytest.fixture
def curriculum(home_page):
    index = make_index(home_page)
    ct1 = make_program(index, "CT1", target_groups="AB")
    basics = make_module(ct1, "m1", quiz=quiz("CT1 M1"))
    make_lesson(basics, "l1")
    locked = make_module(ct1, "m2", prerequisite=basics, quiz=quiz("CT1 M2"))
    ct2 = make_program(index, "CT2", target_groups="A")
    ct2_module = make_module(ct2, "m1", quiz=quiz("CT2 M1"))
    ct4 = make_program(index, "CT4", target_groups="B")
    ct4_module = make_module(ct4, "m1", quiz=quiz("CT4 M1"))
    return {"ct1": ct1, "basics": basics, "locked": locked, "ct2": ct2, "ct2_module": ct2_module, "ct4": ct4,
            "ct4_module": ct4_module}


@pytest.fixture
def in_ct1(client, learner, curriculum):
    """A group-A learner enrolled only in CT1, signed in."""
    services.enrol(learner, curriculum["ct1"])
    client.force_login(learner)
    return curriculum


def begin(client, module):
    return client.post(reverse("assessments:begin", args=[module.quiz_id]))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["locked", "ct2_module", "ct4_module"])
def test_a_learner_cannot_start_a_quiz_the_module_would_not_open(client, learner, in_ct1, name):
    module = in_ct1[name]
    response = begin(client, module)
    assert response.status_code in (403, 404)
    assert client.get(reverse("assessments:start", args=[module.quiz_id])).status_code in (403, 404)
    with pytest.raises(QuizNotAllowed):
        quiz_services.start_attempt(learner, module.quiz)
    assert not Attempt.objects.exists()


@pytest.mark.django_db
def test_the_open_module_quiz_starts_and_completing_it_opens_the_next(client, learner, in_ct1):
    assert begin(client, in_ct1["basics"]).status_code == 302
    assert Attempt.objects.filter(user=learner, quiz=in_ct1["basics"].quiz).count() == 1
    assert begin(client, in_ct1["locked"]).status_code == 403
    ModuleCompletion.objects.create(user=learner, module=in_ct1["basics"], completed_at=timezone.now())
    assert begin(client, in_ct1["locked"]).status_code == 302


@pytest.mark.django_db
def test_a_learner_cannot_enrol_in_another_groups_program(client, learner, in_ct1):
    with pytest.raises(NotInTargetGroup):
        services.enrol(learner, in_ct1["ct4"])
    client.post(reverse("courses:enrol", args=[in_ct1["ct4"].pk]))
    assert not learner.enrolments.filter(program=in_ct1["ct4"]).exists()
    assert begin(client, in_ct1["ct4_module"]).status_code == 403


@pytest.mark.django_db
def test_a_managers_enrolment_counts_whatever_the_group(client, learner, in_ct1, district_manager):
    services.enrol(learner, in_ct1["ct4"], source=EnrolmentSource.BULK, by=district_manager)
    assert begin(client, in_ct1["ct4_module"]).status_code == 302


@pytest.mark.django_db
def test_unenrolled_learner_loses_the_quiz(client, learner, in_ct1):
    services.unenrol(learner, in_ct1["ct1"])
    assert begin(client, in_ct1["basics"]).status_code == 403
    assert not Attempt.objects.exists()


@pytest.mark.django_db
def test_a_quiz_linked_only_from_a_local_lesson_is_for_that_district(client, learner, outsider_learner, district,
                                                                     in_ct1):
    local_quiz = quiz("Kiểm tra địa phương")
    make_lesson(in_ct1["basics"], "dia-phuong", local_unit=district, body=[
        {"type": "quiz_link", "value": {"quiz": str(local_quiz.pk), "text": "Làm bài"}}])
    url = reverse("assessments:begin", args=[local_quiz.pk])
    services.enrol(outsider_learner, in_ct1["ct1"])
    client.force_login(outsider_learner)
    assert client.post(url).status_code == 403
    client.force_login(learner)
    assert client.post(url).status_code == 302
    assert list(Attempt.objects.values_list("user_id", flat=True)) == [learner.pk]


@pytest.mark.django_db
def test_a_quiz_the_curriculum_does_not_use_keeps_its_own_rules(learner, curriculum):
    class_test = quiz("Kiểm tra đầu vào lớp tập huấn")
    assert quiz_services.start_attempt(learner, class_test).pk


@pytest.mark.django_db
def test_a_quiz_given_to_a_module_obeys_the_module_at_once_though_its_places_are_kept(client, learner, in_ct1):
    """The curriculum places of a quiz are kept between requests (courses/quiz_places.py): publishing the
    module that now uses a free quiz must still apply the module's rules on the next request."""
    free = quiz("Bài kiểm tra lớp")
    assert client.get(reverse("assessments:start", args=[free.pk])).status_code == 200  # no place: its own rules
    module = in_ct1["ct2_module"]  # a group-A program the learner is not enrolled in
    module.quiz = free
    module.save_revision().publish()
    assert client.post(reverse("assessments:begin", args=[free.pk])).status_code in (403, 404)
    assert not Attempt.objects.filter(quiz=free).exists()

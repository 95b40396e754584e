import pytest
from django.urls import reverse

from accounts.models import TargetGroup
from courses import services
from courses.models import Enrolment, EnrolmentSource
from tests.conftest import make_learner

from .builders import make_course


@pytest.fixture
def program(home_page):
    return make_course(home_page)[0]


@pytest.mark.django_db
def test_enrol_is_post_only(client, learner, program):
    client.force_login(learner)
    url = reverse("courses:enrol", args=[program.pk])
    assert client.get(url).status_code == 405
    assert not Enrolment.objects.exists()
    assert client.post(url).status_code == 302
    enrolment = Enrolment.objects.get()
    assert (enrolment.user, enrolment.program_id, enrolment.commune) == (learner, program.pk,
                                                                         learner.learner_profile.commune)


@pytest.mark.django_db
def test_enrolling_twice_keeps_one_active_row(client, learner, program):
    client.force_login(learner)
    url = reverse("courses:enrol", args=[program.pk])
    client.post(url)
    client.post(url)
    assert Enrolment.objects.filter(user=learner, unenrolled_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_unenrol_keeps_history_and_reenrol_adds_a_row(learner, program):
    services.enrol(learner, program)
    assert services.unenrol(learner, program)
    assert not services.unenrol(learner, program)
    services.enrol(learner, program)
    rows = Enrolment.objects.filter(user=learner).order_by("pk")
    assert rows.count() == 2
    assert rows[0].unenrolled_at is not None and rows[1].unenrolled_at is None


@pytest.mark.django_db
def test_enrolment_keeps_the_commune_of_the_time(learner, program, other_commune):
    enrolment = services.enrol(learner, program)
    profile = learner.learner_profile
    profile.commune = other_commune
    profile.save()
    enrolment.refresh_from_db()
    assert enrolment.commune != other_commune


@pytest.mark.django_db
def test_bulk_enrol_by_group_in_scope(client, district_manager, district, commune, program, outsider_learner):
    group_a = make_learner(commune, phone="0901000001")
    make_learner(commune, phone="0901000002", group=TargetGroup.B)
    already = make_learner(commune, phone="0901000003")
    services.enrol(already, program)
    client.force_login(district_manager)
    response = client.post(reverse("courses_admin:bulk_enrol"),
                           {"program": program.pk, "locality": district.pk, "target_group": "A"})
    assert response.status_code == 302
    enrolled = set(Enrolment.objects.filter(program=program).values_list("user_id", flat=True))
    assert enrolled == {group_a.pk, already.pk}
    assert Enrolment.objects.get(user=group_a).source == EnrolmentSource.BULK


@pytest.mark.django_db
def test_bulk_enrol_refuses_outsider_scope(client, outsider_manager, district, program, learner):
    client.force_login(outsider_manager)
    response = client.post(reverse("courses_admin:bulk_enrol"),
                           {"program": program.pk, "locality": district.pk, "target_group": ""})
    assert response.status_code == 200  # form error: the district is not a choice for them
    assert "locality" in response.context["form"].errors
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_learner_cannot_open_bulk_enrol(client, learner):
    client.force_login(learner)
    assert client.get(reverse("courses_admin:bulk_enrol")).status_code in (302, 403)

import pytest
from django.core.exceptions import PermissionDenied

from accounts import access
from accounts.models import LearnerProfile, User


@pytest.mark.django_db
def test_district_manager_sees_own_district_only(district_manager, district, other_district, commune,
                                                 other_commune, province):
    assert access.can_see_locality(district_manager, district)
    assert access.can_see_locality(district_manager, commune)
    assert not access.can_see_locality(district_manager, other_district)
    assert not access.can_see_locality(district_manager, other_commune)
    assert not access.can_see_locality(district_manager, province)


@pytest.mark.django_db
def test_learners_in_scope_excludes_other_districts(district_manager, learner, outsider_learner):
    visible = set(access.learners_in_scope(district_manager).values_list("user_id", flat=True))
    assert visible == {learner.pk}


@pytest.mark.django_db
def test_require_learner_refuses_outsider(district_manager, outsider_manager, learner, outsider_learner):
    assert access.require_learner(district_manager, learner.pk).user_id == learner.pk
    with pytest.raises(PermissionDenied):
        access.require_learner(district_manager, outsider_learner.pk)
    with pytest.raises(PermissionDenied):
        access.require_learner(outsider_manager, learner.pk)


@pytest.mark.django_db
def test_learner_sees_only_own_record(learner, outsider_learner):
    assert access.require_learner(learner, learner.pk).user_id == learner.pk
    with pytest.raises(PermissionDenied):
        access.require_learner(learner, outsider_learner.pk)
    assert not access.learners_in_scope(learner).exists()


@pytest.mark.django_db
def test_province_manager_and_superuser_see_everything(province_manager, learner, outsider_learner):
    assert access.learners_in_scope(province_manager).count() == 2
    admin = User.objects.create_superuser("root", password="x")
    assert access.learners_in_scope(admin).count() == LearnerProfile.objects.count()


@pytest.mark.django_db
def test_require_locality_404_for_unknown(district_manager):
    from django.http import Http404

    with pytest.raises(Http404):
        access.require_locality(district_manager, 999999)


@pytest.mark.django_db
def test_scope_query_count_does_not_grow(django_assert_num_queries, district_manager, commune):
    from tests.conftest import make_learner

    for index in range(30):
        make_learner(commune, phone=f"09660000{index:02d}")
    fresh = User.objects.get(pk=district_manager.pk)
    with django_assert_num_queries(2):  # scope lookup + the filtered list
        assert len(list(access.learners_in_scope(fresh))) == 30

"""On the real default map: a district manager of Huyện Sơn Động (retired 1/7/2025) keeps working on its
ground, which lies today in the communes that took over Sơn Động's."""

import datetime
import io

import pytest
from django.core.management import call_command

from accounts import access
from accounts.models import Role, User
from accounts.services import assign_role, move_appointments_to_current_map
from localities.models import Level, Locality
from localities.selectors import current_successors

from ..conftest import make_learner, make_user


@pytest.mark.django_db
def test_a_manager_of_retired_son_dong_sees_its_learners_in_todays_communes_before_and_after_the_move():
    call_command("load_default_map", stdout=io.StringIO())
    first_era = Locality.objects.filter(valid_from__isnull=True)
    son_dong = first_era.get(level=Level.DISTRICT, code="220")
    luc_ngan = first_era.get(level=Level.DISTRICT, code="219")
    manager = make_user("sondong")
    assign_role(manager, Role.DISTRICT_MANAGER, son_dong, on=datetime.date(2023, 6, 1))
    registered_2023 = make_learner(son_dong.children.order_by("code").first(), phone="0912000001")
    call_command("migrate_to_current_map", stdout=io.StringIO())
    moved_to = User.objects.get(pk=registered_2023.pk).learner_profile.commune
    assert moved_to.is_current and moved_to.path.startswith("24~20250701.")
    today = current_successors(son_dong)
    assert len(today) == 8 and today[0].name == "Xã Sơn Động"
    signed_up_today = make_learner(today[-1], phone="0912000002")
    elsewhere = make_learner(current_successors(luc_ngan)[0], phone="0912000003")

    def seen():
        fresh = User.objects.get(pk=manager.pk)
        return set(access.learners_in_scope(fresh).values_list("user_id", flat=True))

    assert seen() == {registered_2023.pk, signed_up_today.pk}
    assert elsewhere.pk not in seen()
    result = move_appointments_to_current_map()
    assert (result.moved, result.added) == (1, 7)
    assert set(manager.role_assignments.values_list("locality_id", flat=True)) == {unit.pk for unit in today}
    assert seen() == {registered_2023.pk, signed_up_today.pk}

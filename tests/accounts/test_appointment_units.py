"""Staff are appointed to units in force today: a current province or commune, not a retired unit."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.exceptions import UnitNotInForce
from accounts.models import Role, RoleAssignment, appointment_refusal
from accounts.services import assign_role
from localities.models import Locality
from tests.localities.builders import load_all_eras

from ..conftest import make_user


def unit(path):
    return Locality.objects.get(path=path)


@pytest.mark.django_db
def test_an_appointment_to_a_retired_unit_is_refused_with_a_translated_reason():
    load_all_eras()
    user = make_user("can-bo")
    for path in ("24.", "24.221.", "24.213.07204."):  # old Bắc Giang, Huyện Yên Dũng, a merged phường
        with pytest.raises(UnitNotInForce) as refused:
            assign_role(user, Role.DISTRICT_MANAGER, unit(path))
        assert unit(path).name in str(refused.value)
        assert "đã sắp xếp lại" in str(refused.value)
    assert not RoleAssignment.objects.exists()
    assert not user.groups.exists()


@pytest.mark.django_db
def test_current_province_and_communes_are_accepted():
    load_all_eras()
    user = make_user("can-bo")
    assign_role(user, Role.PROVINCE_MANAGER, unit("24~20250701."))
    assign_role(user, Role.TRAINER, unit("24~20250701.07301."))
    assert set(RoleAssignment.objects.values_list("locality__path", flat=True)) == {
        "24~20250701.", "24~20250701.07301."}


@pytest.mark.django_db
def test_an_appointment_of_the_past_is_recorded_on_the_map_of_its_day():
    load_all_eras()
    user = make_user("lucngan")
    assign_role(user, Role.DISTRICT_MANAGER, unit("24.221."), on=datetime.date(2023, 6, 1))
    assert RoleAssignment.objects.get().locality.path == "24.221."
    with pytest.raises(UnitNotInForce):  # Yên Dũng was merged on 1/11/2024
        assign_role(user, Role.TRAINER, unit("24.221."), on=datetime.date(2024, 12, 1))


@pytest.mark.django_db
def test_a_unit_not_yet_in_force_is_refused_before_its_day():
    load_all_eras()
    refusal = appointment_refusal(unit("24~20250701.07301."), datetime.date(2025, 6, 30))
    assert "01/07/2025" in refusal
    assert appointment_refusal(unit("24.213."), datetime.date(2025, 6, 30)) is None


@pytest.mark.django_db
def test_forms_refuse_a_retired_unit_but_an_old_appointment_stays_editable():
    load_all_eras()
    user = make_user("can-bo")
    with pytest.raises(ValidationError) as refused:
        RoleAssignment(user=user, role=Role.TRAINER, locality=unit("24.221.")).full_clean()
    assert "locality" in refused.value.message_dict
    old = RoleAssignment.objects.create(user=user, role=Role.TRAINER, locality=unit("24.221."))
    old.role = Role.DISTRICT_MANAGER
    old.full_clean()  # the unit did not change: no refusal
    old.locality = unit("24.213.")
    with pytest.raises(ValidationError):
        old.full_clean()

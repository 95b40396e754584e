"""Appointments on units a reform retired: listed for the superuser, moved onto today's units in one POST."""

import datetime

import pytest
from django.urls import reverse

from accounts import access
from accounts.models import Role, RoleAssignment, User
from accounts.services import PROVINCE_TRAINERS_GROUP, assign_role, move_appointments_to_current_map
from localities.models import Locality
from tests.localities.builders import load_2023, load_all_eras

from ..conftest import make_learner, make_user

URL = "accounts_retired_appointments"
IN_2023 = datetime.date(2023, 6, 1)


def unit(path):
    return Locality.objects.get(path=path)


def appoint(username, role, path, on=None):
    user = User.objects.filter(username=username).first() or make_user(username)
    return assign_role(user, role, unit(path), on=on)


@pytest.fixture
def world(db):
    """Staff appointed in 2023 (Bắc Giang's province, a district, a commune split in 2025) and today."""
    load_2023()
    learners = [make_learner(commune, phone=f"09120000{index:02d}")
                for index, commune in enumerate(Locality.objects.communes().order_by("path"))]
    load_all_eras()
    staff = {
        "province": appoint("tinh-cu", Role.PROVINCE_MANAGER, "24.", IN_2023),
        "district": appoint("thanh-pho", Role.TRAINER, "24.213.", IN_2023),
        "split": appoint("phu-lang", Role.DISTRICT_MANAGER, "27.258.09300.", IN_2023),
        "duplicate": appoint("hai-noi", Role.TRAINER, "24.213.07204.", IN_2023),
        "today": appoint("hai-noi", Role.TRAINER, "24~20250701.07201."),
        "current": appoint("viet-yen", Role.TRAINER, "24~20250701.07301."),
    }
    return staff, learners


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", password="x")


def appointments():
    return set(RoleAssignment.objects.values_list("user__username", "role", "locality__path"))


def visible_units(user):
    fresh = User.objects.get(pk=user.pk)
    return {path for path in Locality.objects.values_list("path", flat=True)
            if any(path.startswith(prefix) for prefix in access.scope_prefixes(fresh))}


@pytest.mark.django_db
def test_the_list_shows_only_appointments_on_retired_units(client, superuser, world):
    staff, _learners = world
    client.force_login(superuser)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    rows = {row.assignment.pk: [u.path for u in row.successors] for row in response.context["rows"]}
    assert rows == {
        staff["province"].pk: ["24~20250701."],
        staff["district"].pk: ["24~20250701."],
        staff["split"].pk: ["24~20250701.09300.", "24~20250701.09190."],  # the default first
        staff["duplicate"].pk: ["24~20250701.07201."],
    }
    page = response.content.decode()
    assert "Phân công ở đơn vị đã sắp xếp lại" in page and "Xã Phù Lãng" in page and "mặc định" in page


@pytest.mark.django_db
def test_moving_all_keeps_roles_moves_to_every_current_successor_and_merges_duplicates(world):
    staff, _learners = world
    result = move_appointments_to_current_map()
    assert (result.moved, result.added, result.merged, result.unresolved) == (3, 1, 1, 0)
    assert appointments() == {
        ("tinh-cu", Role.PROVINCE_MANAGER, "24~20250701."),
        ("thanh-pho", Role.TRAINER, "24~20250701."),
        ("phu-lang", Role.DISTRICT_MANAGER, "24~20250701.09300."),
        ("phu-lang", Role.DISTRICT_MANAGER, "24~20250701.09190."),
        ("hai-noi", Role.TRAINER, "24~20250701.07201."),
        ("viet-yen", Role.TRAINER, "24~20250701.07301."),
    }
    # The moved row keeps its identity; the trainer now on a province joins the province trainers' group.
    assert RoleAssignment.objects.get(pk=staff["province"].pk).locality.path == "24~20250701."
    assert User.objects.get(username="thanh-pho").groups.filter(name=PROVINCE_TRAINERS_GROUP).exists()
    again = move_appointments_to_current_map()
    assert (again.moved, again.added, again.merged, again.unresolved) == (0, 0, 0, 0)


@pytest.mark.django_db
def test_what_each_staff_member_sees_is_the_same_after_the_move(world):
    staff, learners = world
    users = {assignment.user for assignment in staff.values()}
    before = {user.pk: (visible_units(user), set(access.learners_in_scope(User.objects.get(pk=user.pk))))
              for user in users}
    move_appointments_to_current_map()
    after = {user.pk: (visible_units(user), set(access.learners_in_scope(User.objects.get(pk=user.pk))))
             for user in users}
    assert after == before
    phu_lang = User.objects.get(username="phu-lang")
    assert access.can_see_locality(phu_lang, unit("24~20250701.09190."))
    assert not access.can_see_locality(phu_lang, unit("24~20250701.07301."))


@pytest.mark.django_db
def test_post_moves_the_selected_rows_only_and_a_double_post_is_harmless(client, superuser, world):
    staff, _learners = world
    client.force_login(superuser)
    response = client.post(reverse(URL), {"selected": "", "assignment": [staff["split"].pk]})
    assert response.status_code == 302
    assert set(RoleAssignment.objects.filter(user__username="phu-lang").values_list("locality__path", flat=True)) \
        == {"24~20250701.09300.", "24~20250701.09190."}
    assert RoleAssignment.objects.get(pk=staff["district"].pk).locality.path == "24.213."  # not selected
    state = appointments()
    again = client.post(reverse(URL), {"selected": "", "assignment": [staff["split"].pk]}, follow=True)
    assert appointments() == state
    assert "Không có phân công nào cần chuyển" in again.content.decode()
    listed = {row.assignment.pk for row in client.get(reverse(URL)).context["rows"]}
    assert listed == {staff["province"].pk, staff["district"].pk, staff["duplicate"].pk}


@pytest.mark.django_db
def test_post_all_empties_the_list(client, superuser, world):
    client.force_login(superuser)
    response = client.post(reverse(URL), {"all": ""}, follow=True)
    assert "Đã chuyển 3 phân công" in response.content.decode()
    assert response.context["rows"] == []
    assert not RoleAssignment.objects.filter(locality__valid_to__isnull=False).exists()


@pytest.mark.django_db
def test_nothing_selected_moves_nothing(client, superuser, world):
    client.force_login(superuser)
    state = appointments()
    response = client.post(reverse(URL), {"selected": ""}, follow=True)
    assert "Hãy chọn ít nhất một phân công" in response.content.decode()
    assert appointments() == state


@pytest.mark.django_db
def test_only_a_superuser_may_see_or_move(client, world):
    client.force_login(make_user("bn", is_staff=True))
    manager = User.objects.get(username="tinh-cu")
    state = appointments()
    for user in (manager, User.objects.get(username="viet-yen")):
        client.force_login(user)
        assert client.get(reverse(URL)).status_code == 403
        assert client.post(reverse(URL), {"all": ""}).status_code == 403
        assert reverse(URL) not in client.get(reverse("wagtailadmin_home")).content.decode()  # no menu item
    assert appointments() == state


@pytest.mark.django_db
def test_the_superuser_finds_the_list_in_the_admin_menu(client, superuser):
    client.force_login(superuser)
    assert reverse(URL) in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.django_db
def test_a_retired_unit_without_a_current_successor_is_left_as_it_is():
    load_2023()
    appoint("cu", Role.TRAINER, "24.224.")
    load_all_eras()
    Locality.objects.filter(path="24.224.").update(successor=None)
    from localities.models import Succession

    Succession.objects.filter(predecessor__path="24.224.").delete()
    result = move_appointments_to_current_map()
    assert (result.moved, result.unresolved) == (0, 1)
    assert appointments() == {("cu", Role.TRAINER, "24.224.")}


@pytest.mark.django_db
def test_the_list_reads_a_fixed_number_of_queries(world, django_assert_num_queries):
    from accounts.selectors import appointments_on_retired_units

    with django_assert_num_queries(5):
        assert len(appointments_on_retired_units()) == 4
    for index in range(6):
        appoint(f"them-{index}", Role.TRAINER, "27.256.09190.", IN_2023)
    with django_assert_num_queries(5):
        assert len(appointments_on_retired_units()) == 10

"""Grounds: which units of any era lie within a current unit today, as path prefixes."""

import pytest

from accounts import access
from accounts.models import Role
from localities.models import Locality
from localities.selectors import ground_filter

from ..conftest import make_learner, make_staff
from .builders import load_2023, load_all_eras


def unit(path):
    return Locality.objects.get(path=path)


@pytest.mark.django_db
def test_without_reforms_a_ground_is_the_unit_subtree():
    load_2023()
    assert not Locality.objects.exclude(ground_paths="").exists()
    city = unit("24.213.")
    assert city.ground_prefixes() == ["24.213."]
    assert set(Locality.objects.ground_of(city)) == set(Locality.objects.within(city))


@pytest.mark.django_db
def test_the_new_province_covers_both_old_provinces():
    load_all_eras()
    bac_ninh = unit("24~20250701.")
    assert bac_ninh.ground_prefixes() == ["24.", "24~20250701.", "27."]
    assert Locality.objects.ground_of(bac_ninh).count() == Locality.objects.count()


@pytest.mark.django_db
def test_a_merged_commune_covers_every_commune_that_went_into_it_across_two_reforms():
    load_all_eras()
    assert unit("24~20250701.07201.").ground_prefixes() == [
        "24.213.07201.", "24.213.07204.", "24.213.07501.", "24.221.07501.", "24.221.07502.", "24~20250701.07201."]
    # The split commune's records count where its default successor is; the other successor only its own.
    assert unit("24~20250701.09300.").ground_prefixes() == ["24~20250701.09300.", "27.258.09300."]
    assert unit("24~20250701.09190.").ground_prefixes() == ["24~20250701.09190.", "27.256.09190."]


@pytest.mark.django_db
def test_a_retired_unit_keeps_its_ground_through_its_successors():
    load_all_eras()
    lang_son = unit("24.221.07502.")  # 2023 → Tân An 2024 → Phường Bắc Giang 2025
    assert lang_son.ground_prefixes() == unit("24~20250701.07201.").ground_prefixes()
    phu_lang = unit("27.258.09300.")  # split: the ground of both successors
    assert phu_lang.ground_prefixes() == ["24~20250701.09190.", "24~20250701.09300.", "27.256.09190.",
                                          "27.258.09300."]


@pytest.mark.django_db
def test_ground_filter_reaches_records_by_their_unit_path():
    from accounts.models import LearnerProfile

    load_2023()
    old_learner = make_learner(unit("24.221.07502."), phone="0912000001")
    load_all_eras()
    today = LearnerProfile.objects.filter(ground_filter(unit("24~20250701.07201."), "commune__path"))
    assert [profile.user for profile in today] == [old_learner]
    assert not LearnerProfile.objects.filter(ground_filter(unit("24~20250701.07301."), "commune__path")).exists()


@pytest.mark.django_db
def test_province_manager_of_the_new_bac_ninh_sees_both_old_provinces():
    load_2023()
    in_bac_giang = make_learner(unit("24.221.07502."), phone="0912000001")
    in_bac_ninh = make_learner(unit("27.258.09300."), phone="0912000002")
    load_all_eras()
    manager = make_staff("bn-manager", Role.PROVINCE_MANAGER, unit("24~20250701."))
    assert set(access.learners_in_scope(manager).values_list("user_id", flat=True)) == {
        in_bac_giang.pk, in_bac_ninh.pk}
    assert access.can_see_locality(manager, unit("24.221.07502."))
    assert access.can_see_locality(manager, unit("27."))
    trainer = make_staff("viet-yen", Role.TRAINER, unit("24~20250701.07301."))
    assert not access.can_see_locality(trainer, unit("24.221.07502."))
    assert access.can_see_locality(trainer, unit("24.224.07301."))
    assert access.learners_in_scope(trainer).count() == 0


@pytest.mark.django_db
def test_staff_of_a_retired_commune_keep_working_on_its_ground():
    load_2023()
    learner = make_learner(unit("24.221.07502."), phone="0912000001")
    trainer = make_staff("lang-son", Role.TRAINER, unit("24.221.07502."))
    load_all_eras()
    trainer = type(trainer).objects.get(pk=trainer.pk)
    assert access.can_see_locality(trainer, unit("24~20250701.07201."))
    assert [profile.user for profile in access.learners_in_scope(trainer)] == [learner]
    assert not access.can_see_locality(trainer, unit("24~20250701.07301."))


SPLIT_DISTRICT_2025 = [  # Yên Dũng split between two communes; its default successor is one of them
    "tinh,24,2025-06-30,tinh,24,2025-07-01,1,",
    "tinh,27,2025-06-30,tinh,24,2025-07-01,1,",
    "huyen,213,2025-06-30,tinh,24,2025-07-01,1,",
    "huyen,221,2025-06-30,xa,07201,2025-07-01,1,",
    "huyen,221,2025-06-30,xa,07301,2025-07-01,0,",
    "xa,07201,2025-06-30,xa,07201,2025-07-01,1,",
    "xa,07501,2025-06-30,xa,07201,2025-07-01,1,",
    "xa,07502,2025-06-30,xa,07301,2025-07-01,1,",
    "xa,07301,2025-06-30,xa,07301,2025-07-01,1,",
]


@pytest.mark.django_db
def test_a_commune_that_is_a_split_districts_default_successor_does_not_take_the_whole_district():
    """The 2025 Bắc Ninh file names a commune as the default successor of each old district (Huyện Sơn Động →
    Xã An Châu): that commune's staff must see only the old communes that went into it."""
    from localities.reform import import_reform
    from localities.services import import_units

    from .builders import BN_2025, D2025, REFORM_HEADER, TWO_TIER, table

    load_2023()
    tan_an = make_learner(unit("24.221.07501."), phone="0912000001")
    lang_son = make_learner(unit("24.221.07502."), phone="0912000002")
    import_units(table(TWO_TIER, BN_2025), "units-2025.csv", valid_from=D2025)
    import_reform(table(REFORM_HEADER, SPLIT_DISTRICT_2025), "reform-2025.csv")
    bac_giang = make_staff("bac-giang", Role.DISTRICT_MANAGER, unit("24~20250701.07201."))
    viet_yen = make_staff("viet-yen", Role.DISTRICT_MANAGER, unit("24~20250701.07301."))
    assert "24.221." not in unit("24~20250701.07201.").ground_prefixes()
    assert [p.user for p in access.learners_in_scope(bac_giang)] == [tan_an]
    assert [p.user for p in access.learners_in_scope(viet_yen)] == [lang_son]
    assert not access.can_see_locality(bac_giang, unit("24.221.07502."))
    assert not access.can_see_locality(bac_giang, unit("24.221."))
    province = make_staff("tinh", Role.PROVINCE_MANAGER, unit("24~20250701."))
    assert access.can_see_locality(province, unit("24.221."))

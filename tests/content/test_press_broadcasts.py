"""The first release of a work is 'new'; every later broadcast is a rebroadcast."""

import pytest

from content import selectors, services
from content.models import Broadcast, Channel
from tests.reports.builders import add_broadcast, day, make_work


def _flags(work):
    flagged = selectors.with_first_release_flag(Broadcast.objects.filter(work=work)).order_by("pk")
    return [(broadcast.date, broadcast.is_first) for broadcast in flagged]


@pytest.mark.django_db
def test_earliest_date_is_the_release_whatever_the_entry_order(district):
    work = make_work(district)
    add_broadcast(work, day(2024, 5))
    add_broadcast(work, day(2024, 1))  # entered later, but broadcast earlier
    add_broadcast(work, day(2024, 9))
    assert _flags(work) == [(day(2024, 5), False), (day(2024, 1), True), (day(2024, 9), False)]


@pytest.mark.django_db
def test_same_day_broadcasts_count_one_release(district, commune):
    work = make_work(district)
    add_broadcast(work, day(2024, 3), channel=Channel.COMMUNE_RADIO)
    add_broadcast(work, day(2024, 3), commune, channel=Channel.SOCIAL_MEDIA)
    assert [is_first for _date, is_first in _flags(work)] == [True, False]


@pytest.mark.django_db
def test_each_work_has_its_own_release(district):
    first, second = make_work(district), make_work(district)
    add_broadcast(first, day(2024, 2))
    add_broadcast(second, day(2024, 4))
    add_broadcast(first, day(2024, 6))
    assert _flags(first) == [(day(2024, 2), True), (day(2024, 6), False)]
    assert _flags(second) == [(day(2024, 4), True)]


@pytest.mark.django_db
def test_deleting_the_release_makes_the_next_one_new(district):
    work = make_work(district)
    release = add_broadcast(work, day(2024, 1))
    add_broadcast(work, day(2024, 2))
    release.delete()
    assert _flags(work) == [(day(2024, 2), True)]


@pytest.mark.django_db
def test_record_broadcast_service_and_summary(district_manager, district, commune):
    work = make_work(district)
    services.record_broadcast(district_manager, work, date=day(2024, 1), channel=Channel.DISTRICT_STATION,
                              locality=district)
    services.record_broadcast(district_manager, work, date=day(2024, 2), channel=Channel.COMMUNE_RADIO,
                              locality=commune)
    summary = selectors.broadcast_summary(selectors.get_published_work(work.pk))
    assert summary["first_release"].date == day(2024, 1)
    assert summary["rebroadcast_count"] == 1

"""The 2021 national export as published: 63 provinces, 705 district-level units (five island districts
without a commune), 10,599 communes; a rerun changes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from localities.models import Level, Locality
from localities.services import import_units

from .national_file import COMMUNES, DISTRICTS, ISLANDS, PROVINCES, national_csv


@pytest.mark.django_db
def test_national_file_loads_and_reruns_without_change_in_a_few_queries():
    data = national_csv()
    first = import_units(data, "national-2021.csv")
    assert first.counts == {Level.PROVINCE: PROVINCES, Level.DISTRICT: DISTRICTS, Level.COMMUNE: COMMUNES}
    assert first.created == PROVINCES + DISTRICTS + COMMUNES
    islands = Locality.objects.districts().filter(children__isnull=True)
    assert islands.count() == ISLANDS
    with CaptureQueriesContext(connection) as queries:
        rerun = import_units(data, "national-2021.csv")
    assert (rerun.created, rerun.changed, rerun.unchanged) == (0, 0, PROVINCES + DISTRICTS + COMMUNES)
    assert len(queries) < 10  # bulk reads only: no query per row

"""Reform files: successor links all or nothing, the old units retired the day before."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from lms.tabular import ImportRejected
from localities.models import Level, Locality, Succession
from localities.reform import import_reform
from localities.selectors import current_default_successor, current_successors

from .builders import REFORM_2025, REFORM_HEADER, load_2023, load_2024, load_all_eras, table


def state():
    return (set(Locality.objects.values_list("pk", "valid_to", "successor_id", "ground_paths")),
            set(Succession.objects.values_list("predecessor_id", "successor_id", "effective", "is_default",
                                               "share")))


@pytest.mark.django_db
def test_merged_district_and_commune_are_retired_and_linked():
    load_2023()
    load_2024()
    yen_dung = Locality.objects.get(path="24.221.")
    city = Locality.objects.get(path="24.213.")
    assert (yen_dung.valid_to, yen_dung.successor) == (datetime.date(2024, 10, 31), city)
    lang_son = Locality.objects.get(path="24.221.07502.")
    assert lang_son.valid_to == datetime.date(2024, 10, 31)
    assert current_default_successor(lang_son).path == "24.213.07501."


@pytest.mark.django_db
def test_split_commune_has_a_default_and_shares():
    load_all_eras()
    phu_lang = Locality.objects.get(path="27.258.09300.")
    links = {link.successor.name: (link.is_default, link.share) for link in phu_lang.successions.all()}
    assert links == {"Xã Quế Võ": (True, Decimal("0.6")), "Phường Kinh Bắc": (False, Decimal("0.4"))}
    assert phu_lang.successor.name == "Xã Quế Võ"
    assert [unit.name for unit in current_successors(phu_lang)] == ["Xã Quế Võ", "Phường Kinh Bắc"]


@pytest.mark.django_db
def test_chains_lead_through_each_reform_to_a_current_unit():
    load_all_eras()
    lang_son = Locality.objects.get(path="24.221.07502.")  # 2023 → Tân An (2024) → Phường Bắc Giang (2025)
    assert current_successors(lang_son) == [Locality.objects.get(path="24~20250701.07201.")]
    assert current_default_successor(Locality.objects.get(path="27.")).path == "24~20250701."


@pytest.mark.django_db
def test_rerun_changes_nothing(tmp_path):
    load_all_eras()
    before = state()
    result = import_reform(table(REFORM_HEADER, REFORM_2025), "reform-2025.csv")
    assert (result.linked, result.retired, result.unchanged) == (0, 0, 12)
    assert result.nothing_changed
    assert state() == before
    path = tmp_path / "reform.csv"
    path.write_bytes(table(REFORM_HEADER, REFORM_2025))
    out = io.StringIO()
    call_command("import_reform", str(path), stdout=out)
    assert "nothing changed" in out.getvalue()


@pytest.mark.django_db
def test_bad_reform_file_changes_nothing_and_names_each_line(tmp_path):
    load_2023()
    load_2024()
    before = state()
    rows = [
        "xa,07204,2025-06-30,xa,07204,2025-07-01,1,",     # line 2: a unit succeeding itself
        "xa,99999,2024-10-31,xa,07201,2024-11-01,1,",     # line 3: unknown old code at that date
        "xa,07204,2024-10-31,xa,07502,2024-11-01,1,",     # line 4: new unit no longer in force on that day
        "xa,07201,2024-06-30,xa,07204,2024-07-01,1,",     # line 5: two defaults for one old unit ...
        "xa,07201,2024-06-30,xa,07501,2024-07-02,1,",     # line 6: ... and two effective dates
        "xa,07301,2024-11-02,xa,07301,2024-11-03,0,2",    # line 7: no default; share above 1
        "huyen,213,2024-12-31,huyen,221,2025-01-01,1,",   # line 8: 221 retired since 2024-11-01
        "xa,88888,2024-10-31,xa,77777,2024-11-01,1,",     # line 9: unknown old and new codes
    ]
    with pytest.raises(ImportRejected):
        import_reform(table(REFORM_HEADER, rows), "bad.csv")  # first pass: the share is refused by itself
    rows[5] = "xa,07301,2024-11-02,xa,07301,2024-11-03,0,"
    with pytest.raises(ImportRejected) as raised:
        import_reform(table(REFORM_HEADER, rows), "bad.csv")
    lines = sorted({error.line for error in raised.value.errors})
    assert lines == [2, 3, 4, 5, 6, 7, 8, 9]
    assert state() == before
    bad = tmp_path / "bad.csv"
    bad.write_bytes(table(REFORM_HEADER, rows))
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_reform", str(bad))
    assert state() == before


@pytest.mark.django_db
def test_a_cycle_is_refused():
    load_2023()
    rows = ["xa,07201,2024-10-31,xa,07204,2024-11-01,1,", "xa,07204,2024-10-31,xa,07201,2024-11-01,1,"]
    with pytest.raises(ImportRejected) as raised:
        import_reform(table(REFORM_HEADER, rows), "cycle.csv")
    assert any("vòng lặp" in error.message for error in raised.value.errors)
    assert not Succession.objects.exists()
    assert not Locality.objects.filter(valid_to__isnull=False).exists()


@pytest.mark.django_db
def test_one_default_per_old_unit_is_kept_in_the_database():
    from django.db import IntegrityError, transaction

    load_all_eras()
    phu_lang = Locality.objects.get(path="27.258.09300.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Succession.objects.filter(predecessor=phu_lang).update(is_default=True)
    assert Locality.objects.filter(level=Level.COMMUNE, valid_to__isnull=True).count() == 4

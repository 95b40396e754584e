"""Successor links: where the ground of a retired unit lies today (the "regrouped onto today's units" views)."""

from reports.selectors import Successors


def test_a_merged_commune_lies_in_its_successor():
    successors = Successors({"01.002.00005.": "01.002.00006."})
    assert successors.current("01.002.00005.") == "01.002.00006."
    assert successors.current("01.002.00007.") == "01.002.00007."  # not merged: unchanged


def test_a_commune_follows_its_district_and_province_into_their_successors():
    successors = Successors({"01.": "02.", "01.002.": "01.009."})
    # District 002 merged into 009, then province 01 into 02: the commune keeps its code under both.
    assert successors.current("01.002.00005.") == "02.009.00005."
    assert successors.current("01.") == "02."


def test_a_communes_own_link_wins_over_its_districts():
    # Yên Dũng's case: commune 05 merged into 06 of the same district, then the district into the city.
    successors = Successors({"01.002.00005.": "01.002.00006.", "01.002.": "01.001."})
    assert successors.current("01.002.00005.") == "01.001.00006."


def test_successor_chains_are_followed_to_the_end():
    successors = Successors({"01.002.00005.": "01.002.00006.", "01.002.": "01.003.", "01.003.00006.": "01.003.00001."})
    # 00005 -> 00006 in district 002, district 002 -> 003, then 00006 of district 003 -> 00001.
    assert successors.current("01.002.00005.") == "01.003.00001."


def test_a_successor_cycle_in_bad_data_ends():
    successors = Successors({"01.": "02.", "02.": "01."})
    assert successors.current("01.002.") in {"01.002.", "02.002."}


def test_merged_into_lists_the_retired_units_of_one_unit():
    successors = Successors({"01.002.00005.": "01.002.00006.", "01.002.00004.": "01.002.00005.",
                             "01.002.00007.": "01.002.00008."})
    assert sorted(successors.merged_into("01.002.00006.")) == ["01.002.00004.", "01.002.00005."]


def test_each_path_is_resolved_once_per_report():
    successors = Successors({f"01.{d:03d}.{c:05d}.": f"01.{d:03d}.{c + 1:05d}."
                             for d in range(10) for c in range(0, 90, 2)})
    first = successors.current("01.003.00010.")
    successors.moved.clear()  # a second lookup must come from the report's memo, not from the links again
    assert successors.current("01.003.00010.") == first == "01.003.00011."

"""The bundled snapshot becomes ``counts`` faithfully: published totals reproduce from the rows."""

import shutil

import pandas as pd
import pytest

from assets.collect.transcribed import SnapshotError, read_tables
from assets.contracts import COUNTS
from assets.reference.paths import snapshot_dir


def total(counts, measure, sex=None, region="SSS", year=None, exclude=()):
    rows = counts[counts["measure"].eq(measure) & counts["region_code"].eq(region)]
    if year is not None:
        rows = rows[rows["year"].eq(year)]
    if sex:
        rows = rows[rows["sex"].eq(sex)]
    return int(rows[~rows["unit_code"].isin(exclude)]["count"].sum())


def test_counts_follows_the_contract(counts):
    assert list(counts.columns) == COUNTS.names
    assert str(counts["count"].dtype) == "Int64"
    assert not counts.duplicated(list(COUNTS.primary_key)).any()


def test_every_unit_has_both_sexes(counts):
    key = [k for k in COUNTS.primary_key if k != "sex"]
    assert counts.groupby(key)["sex"].nunique().eq(2).all()


@pytest.mark.parametrize(
    ("measure", "women", "men"),
    [
        # fi_tyokay_2015_wage_earners_by_family_aml2010_1d.csv (provenance in
        # data/snapshot/transcribed/sources.yaml): 1b and 1c totals excluding X (unknown).
        ("wage_earners_in_families", 802_958, 690_561),
        ("wage_earners_not_in_families", 218_541, 233_862),
    ],
)
def test_tyokay_totals_excluding_unknown_reproduce(counts, measure, women, men):
    assert total(counts, measure, "women", exclude=("X",)) == women
    assert total(counts, measure, "men", exclude=("X",)) == men


def test_tyokay_totals_with_unknown_reproduce(counts):
    assert total(counts, "wage_earners_in_families") == 1_548_312
    assert total(counts, "wage_earners_not_in_families") == 474_236


def test_vkour_totals_reproduce(counts):
    m = "population_with_qualification"
    assert total(counts, m, year=2012) == 3_107_062
    assert total(counts, m, "women", year=2012) == 1_607_379
    assert total(counts, m, year=2014) == 3_213_533
    assert total(counts, m, year=2019) == 3_435_385
    assert total(counts, m, "women", year=2019) == 1_779_338


@pytest.mark.parametrize(
    ("measure", "year", "all_", "women"),
    [
        ("university_new_students", 2019, 27_021, 15_806),
        ("university_students", 2018, 153_429, 82_483),
        ("university_degrees", 2017, 31_014, 18_012),
    ],
)
def test_university_totals_reproduce(counts, measure, year, all_, women):
    assert total(counts, measure, year=year) == all_
    assert total(counts, measure, "women", year=year) == women


def test_regional_rows_sum_to_mainland(counts):
    """Files 8–9: MK01–MK19 sum exactly to the published Manner-Suomi figures."""
    rows = counts[
        counts["measure"].eq("general_upper_secondary_students")
        & counts["year"].eq(2018)
        & counts["region_code"].str.match(r"MK(0\d|1\d)$")
    ]
    assert int(rows["count"].sum()) == 102_958
    assert int(rows.loc[rows["sex"].eq("women"), "count"].sum()) == 59_551


def test_pohjois_pohjanmaa_upper_secondary(counts):
    rows = counts[
        counts["measure"].eq("general_upper_secondary_students")
        & counts["region_code"].eq("MK17")
        & counts["year"].eq(2018)
    ].set_index("sex")["count"]
    assert rows["women"] == 4_882
    assert rows["women"] + rows["men"] == 8_384


def test_derived_men_are_labelled(counts):
    lop = counts[counts["measure"].eq("matriculation_completers")]
    assert lop.loc[lop["sex"].eq("men"), "derivation"].str.contains("total − women").all()
    assert lop.loc[lop["sex"].eq("women"), "derivation"].eq("").all()
    tyokay = counts[counts["measure"].eq("wage_earners_in_families")]
    assert tyokay["derivation"].eq("").all()


def test_every_row_has_a_publication_date(counts):
    assert counts["source_updated"].notna().all()
    assert isinstance(counts["source_updated"].dtype, pd.DatetimeTZDtype)


def test_names_come_from_the_classification(counts):
    ict = counts[counts["unit_code"].eq("06") & counts["classification"].eq("koulutusala_2016")]
    assert set(ict["unit_name_en"]) == {"Information and communication technologies (ICTs)"}


def test_undeclared_file_is_refused(tmp_path):
    for p in (snapshot_dir() / "transcribed").iterdir():
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "stray.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SnapshotError, match=r"stray\.csv not declared"):
        read_tables(tmp_path)


def test_snapshot_files_have_checksums(transcribed):
    assert all(len(t.sha256) == 64 for t in transcribed)


def share(counts, measure, unit, year=None, region="SSS", exclude=()):
    """Women's share (%) of one unit, or of the table when ``unit`` is None."""
    rows = counts[counts["measure"].eq(measure) & counts["region_code"].eq(region)]
    if year is not None:
        rows = rows[rows["year"].eq(year)]
    rows = rows[~rows["unit_code"].isin(exclude)]
    if unit is not None:
        rows = rows[rows["unit_code"].eq(unit)]
    women = rows.loc[rows["sex"].eq("women"), "count"].sum()
    return 100 * women / rows["count"].sum()


@pytest.mark.parametrize(
    ("measure", "unit", "percent"),
    [
        # the same table (data/snapshot/transcribed/sources.yaml): % of the table total excl. X
        ("wage_earners_in_families", "2", 22.6),
        ("wage_earners_in_families", "5", 21.0),
        ("wage_earners_in_families", "3", 20.4),
        ("wage_earners_not_in_families", "5", 22.7),
        ("wage_earners_not_in_families", "2", 18.2),
    ],
)
def test_tyokay_unit_shares_of_the_table_reproduce(counts, measure, unit, percent):
    rows = counts[counts["measure"].eq(measure) & counts["unit_code"].ne("X")]
    unit_total = rows.loc[rows["unit_code"].eq(unit), "count"].sum()
    assert round(100 * unit_total / rows["count"].sum(), 1) == percent


@pytest.mark.parametrize(
    ("unit", "percent"),
    [
        (None, 48.6),
        ("1", 30.1),
        ("2", 41.4),
        ("3", 42.9),
        ("4", 77.7),
        ("5", 65.0),
        ("6", 51.3),
        ("7", 14.3),
        ("8", 31.7),
        ("9", 42.9),
        ("X", 19.0),
    ],
)
def test_private_sector_womens_shares_reproduce(counts, unit, percent):
    """File 2: every published % women reproduces from the rows to within 0.05."""
    assert abs(share(counts, "private_sector_monthly_paid", unit) - percent) <= 0.05


def test_private_sector_rows_differ_from_the_published_total_by_the_known_one_person(counts):
    m = "private_sector_monthly_paid"
    assert total(counts, m) == 701_742
    assert (total(counts, m, "men"), total(counts, m, "women")) == (360_570, 341_172)


@pytest.mark.parametrize(
    ("year", "unit", "percent"),
    [
        (2012, None, 51.7),
        (2012, "7", 88.8),
        (2012, "1", 77.4),
        (2012, "5", 16.1),
        (2019, "01", 78.3),
        (2019, "06", 19.8),
        (2019, "07", 16.2),
        (2019, "09", 86.9),
        (2019, None, 51.8),
    ],
)
def test_qualified_population_womens_shares_reproduce(counts, year, unit, percent):
    assert round(share(counts, "population_with_qualification", unit, year), 1) == percent


def test_vkour_2014_women_reproduce(counts):
    assert total(counts, "population_with_qualification", "women", year=2014) == 1_662_307


@pytest.mark.parametrize(
    ("measure", "year", "all_", "women", "percent"),
    [
        ("university_new_students", 2019, 27_021, 15_806, 58.5),
        ("university_new_students", 2018, 26_247, 14_954, 57.0),
        ("university_new_students", 2017, 24_888, 14_052, 56.5),
        ("university_students", 2019, 153_767, 83_636, 54.4),
        ("university_students", 2017, 153_262, 81_860, 53.4),
        ("university_degrees", 2019, 31_707, 18_309, 57.7),
        ("university_degrees", 2018, 30_773, 17_911, 58.2),
    ],
)
def test_every_university_total_and_share_reproduces(counts, measure, year, all_, women, percent):
    assert total(counts, measure, year=year) == all_
    assert total(counts, measure, "women", year=year) == women
    assert round(share(counts, measure, None, year), 1) == percent


@pytest.mark.parametrize(("unit", "percent"), [("06", 22.6), ("07", 27.1), ("01", 84.0)])
def test_university_degree_field_shares_2019_reproduce(counts, unit, percent):
    assert abs(share(counts, "university_degrees", unit, 2019) - percent) <= 0.05


@pytest.mark.parametrize(
    ("measure", "year", "region", "all_", "women"),
    [
        ("general_upper_secondary_students", 2019, "MK17", 8_451, 4_950),
        ("matriculation_completers", 2018, "MK17", 2_473, 1_470),
        ("matriculation_completers", 2019, "MK17", 2_333, 1_340),
        ("general_upper_secondary_students", 2012, "MK17", 7_905, 4_522),
        ("general_upper_secondary_students", 2013, "MK17", 7_935, 4_499),
        ("matriculation_completers", 2012, "MK17", 2_471, 1_451),
        ("matriculation_completers", 2013, "MK17", 2_308, 1_354),
        ("general_upper_secondary_students", 2012, "SSS", 107_412, 60_864),
        ("matriculation_completers", 2013, "SSS", 31_693, 18_181),
        ("general_upper_secondary_students", 2012, "MA1", 106_884, 60_542),
        ("polytechnic_students", 2003, "MK17", 8_570, 4_016),
        ("polytechnic_new_students", 2003, "MK17", 2_621, 1_334),
        ("polytechnic_degrees", 2003, "MK17", 1_247, 723),
    ],
)
def test_regional_published_figures_reproduce(counts, measure, year, region, all_, women):
    assert total(counts, measure, year=year, region=region) == all_
    assert total(counts, measure, "women", year=year, region=region) == women


@pytest.mark.parametrize(
    ("measure", "year", "all_", "women"),
    [
        ("general_upper_secondary_students", 2019, 104_730, 60_933),
        ("matriculation_completers", 2018, 30_188, 17_651),
        ("matriculation_completers", 2019, 28_935, 16_770),
        ("general_upper_secondary_students", 2013, 105_373, 59_698),
        ("matriculation_completers", 2012, 31_425, 18_137),
    ],
)
def test_maakunta_rows_sum_to_the_published_mainland_figures(counts, measure, year, all_, women):
    rows = counts[
        counts["measure"].eq(measure)
        & counts["year"].eq(year)
        & counts["region_code"].str.match(r"MK(0\d|1\d)$")
    ]
    assert int(rows["count"].sum()) == all_
    assert int(rows.loc[rows["sex"].eq("women"), "count"].sum()) == women


def test_polytechnic_2003_mainland_sums(counts):
    """File 12: 19 mainland rows sum to 129 563 students (69 122 women) and 20 539 degrees."""
    students = counts[counts["measure"].eq("polytechnic_students")]
    assert int(students["count"].sum()) == 129_563
    assert int(students.loc[students["sex"].eq("women"), "count"].sum()) == 69_122
    degrees = counts[counts["measure"].eq("polytechnic_degrees")]
    assert int(degrees["count"].sum()) == 20_539
    women = degrees.loc[degrees["sex"].eq("women"), "count"].sum()
    assert round(100 * women / degrees["count"].sum(), 1) == 63.2


def test_every_count_is_present_in_the_transcribed_tables(counts):
    """Transcribed tables suppress nothing: every cell has a number and no status mark."""
    assert counts["count"].notna().all() and counts["status"].eq("").all()

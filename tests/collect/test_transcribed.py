"""The bundled snapshot becomes ``counts`` faithfully: published totals reproduce from the rows."""

import shutil

import pandas as pd
import pytest

from assets.collect.transcribed import SnapshotError, read_tables
from assets.contracts import COUNTS
from assets.paths import snapshot_dir


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
        # ../shared/data/README.md, file 1: 1b and 1c totals excluding X (unknown).
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

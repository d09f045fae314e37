"""Unit shares from a hand-worked two-unit table."""

import math

import pandas as pd
import pytest

from assets.shares.compute import unit_shares


def tiny_counts(rows):
    base = {
        "source": "test",
        "source_table": "t",
        "dimension": "occupation",
        "classification": "ammatti_2010",
        "level": 1,
        "measure": "employed",
        "unit_name_fi": "",
        "unit_name_sv": "",
        "unit_name_en": "",
        "region_code": "SSS",
        "region_name_fi": "Koko maa",
        "year": 2020,
        "status": "",
        "derivation": "",
        "retrieved_at": None,
        "source_updated": "2021-01-01",
    }
    df = pd.DataFrame([{**base, "unit_code": u, "sex": s, "count": c} for u, s, c in rows])
    df["count"] = df["count"].astype("Int64")
    df["level"] = df["level"].astype("Int64")
    df["year"] = df["year"].astype("Int64")
    return df


def test_two_units_by_hand():
    # Unit 1: 30 women, 10 men; unit 2: 10 women, 30 men. W = M = 40.
    df = unit_shares(
        tiny_counts([("1", "women", 30), ("1", "men", 10), ("2", "women", 10), ("2", "men", 30)])
    )
    u1 = df[df["unit_code"] == "1"].iloc[0]
    assert u1["women_share"] == pytest.approx(0.75)
    assert u1["segregation_class"] == "women_60_90"
    # D term: ½ |30/40 − 10/40| = 0.25, and D = 0.5 over both units.
    assert u1["d_contribution"] == pytest.approx(0.25)
    assert df["d_contribution"].sum() == pytest.approx(0.5)
    # M term of unit 1: (30/80) ln(30·80/(40·40)) + (10/80) ln(10·80/(40·40)).
    expected = 30 / 80 * math.log(1.5) + 10 / 80 * math.log(0.5)
    assert u1["m_contribution"] == pytest.approx(expected)


def test_unknown_units_stay_out_of_indices():
    df = unit_shares(
        tiny_counts([("1", "women", 5), ("1", "men", 5), ("X", "women", 1), ("X", "men", 3)])
    )
    x = df[df["unit_code"] == "X"].iloc[0]
    assert not x["in_indices"]
    assert pd.isna(x["d_contribution"])


def test_rows_in_any_order_give_units_sorted_by_primary_key():
    rows = [("2", "men", 30), ("1", "women", 30), ("2", "women", 10), ("1", "men", 10)]
    df = unit_shares(tiny_counts(rows))
    assert list(df["unit_code"]) == ["1", "2"]
    assert list(df["women"]) == [30, 10]
    assert list(df["men"]) == [10, 30]


def test_unit_with_one_sex_only_has_no_total_and_stays_out():
    df = unit_shares(tiny_counts([("1", "women", 30), ("1", "men", 10), ("2", "women", 5)]))
    u2 = df[df["unit_code"] == "2"].iloc[0]
    assert u2["women"] == 5
    assert pd.isna(u2["men"]) and pd.isna(u2["total"]) and pd.isna(u2["segregation_class"])
    assert not u2["in_indices"]
    # Unit 1 is then alone in the table: all its women and men, so its D term is 0.
    assert df[df["unit_code"] == "1"].iloc[0]["d_contribution"] == 0


def test_a_repeated_unit_and_sex_is_refused_naming_the_rows():
    rows = [("1", "women", 30), ("1", "men", 10), ("1", "women", 31)]
    with pytest.raises(ValueError, match="row 3 repeats the unit and sex of row 1"):
        unit_shares(tiny_counts(rows))


def test_a_row_of_missing_sex_counts_for_neither_sex():
    counts = tiny_counts([("1", "women", 30), ("1", "men", 10), ("1", None, 7)])
    counts["sex"] = counts["sex"].astype("string")
    u1 = unit_shares(counts).iloc[0]
    assert (u1["women"], u1["men"], u1["total"]) == (30, 10, 40)

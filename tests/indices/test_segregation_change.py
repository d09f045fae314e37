"""The ``segregation_change`` dataset: Karmel–MacLachlan's split of the change in IP for every
table and pair of consecutive years, computed once for the release and the articles."""

import numpy as np
import pandas as pd
import pytest

from assets.indices import change, twogroup

PARTS = ["ip_mix_effect", "ip_composition_effect", "ip_units_changed"]
TABLE = ["dimension", "classification", "level", "measure", "region_code"]


def _rows(year, women, men, codes, in_indices=True, region="MK17"):
    n = len(codes)
    return pd.DataFrame(
        {
            "source": "synthetic",
            "source_table": f"synthetic-{year}",
            "dimension": "occupation",
            "classification": "synthetic",
            "level": pd.array([1] * n, dtype="Int64"),
            "measure": "synthetic_employed",
            "region_code": region,
            "region_name_fi": "Pohjois-Pohjanmaa" if region == "MK17" else "Koko maa",
            "year": pd.array([year] * n, dtype="Int64"),
            "unit_code": codes,
            "women": pd.array(women, dtype="Int64"),
            "men": pd.array(men, dtype="Int64"),
            "in_indices": pd.array(
                in_indices if isinstance(in_indices, list) else [in_indices] * n, dtype="boolean"
            ),
        }
    )


def test_hand_checked_example():
    # 2022: a (30 women, 10 men), b (10, 30); T = 80, M = 40, IP = (10 + 10) / 80 = 0.25.
    # 2023: a (25, 15), b (15, 25) and a new unit c (0, 20); T = 100, M = 60,
    #   IP = (|15 − 24| + |25 − 24| + |20 − 12|) / 100 = 0.18.
    # a and b keep their sizes and sexes' totals, so refitting 2022 to 2023's margins changes
    # nothing (mix 0); among them IP falls 0.25 → 0.125 (composition −0.125); c adds
    # 0.18 − 0.125 = 0.055 (units changed), and −0.125 + 0.055 = −0.07 = 0.18 − 0.25.
    shares = pd.concat(
        [
            _rows(2022, [30, 10], [10, 30], ["a", "b"]),
            _rows(2023, [15, 25, 0], [25, 15, 20], ["b", "a", "c"]),
        ]
    )
    (row,) = change.segregation_change(shares).to_dict("records")
    assert (row["year_start"], row["year_end"]) == (2022, 2023)
    assert row["ip_start"] == pytest.approx(0.25, abs=1e-15)
    assert row["ip_end"] == pytest.approx(0.18, abs=1e-15)
    assert row["ip_change"] == pytest.approx(-0.07, abs=1e-15)
    assert row["ip_mix_effect"] == pytest.approx(0.0, abs=1e-12)
    assert row["ip_composition_effect"] == pytest.approx(-0.125, abs=1e-12)
    assert row["ip_units_changed"] == pytest.approx(0.055, abs=1e-12)
    assert (row["n_units_common"], row["n_units_start_only"], row["n_units_end_only"]) == (2, 0, 1)
    assert (row["source_table_start"], row["source_table_end"]) == (
        "synthetic-2022",
        "synthetic-2023",
    )
    assert row["method_note"] == ""


def test_pairs_are_consecutive_published_years_of_each_table():
    shares = pd.concat(
        [
            _rows(2013, [30, 10], [10, 30], ["a", "b"]),
            _rows(2018, [28, 12], [12, 28], ["a", "b"]),  # a gap: 2013 → 2018 is one pair
            _rows(2019, [40], [41], ["a"]),  # a single unit: no segregation between units
            _rows(2020, [27, 13], [13, 27], ["a", "b"]),
            _rows(2020, [5, 5], [5, 5], ["a", "b"], in_indices=False),  # not counted: no years
            _rows(2018, [9, 1], [1, 9], ["a", "b"], region="SSS"),
            _rows(2020, [8, 2], [2, 8], ["a", "b"], region="SSS"),
        ]
    )
    shares.iloc[-1, shares.columns.get_loc("in_indices")] = False  # b not counted in SSS 2020
    out = change.segregation_change(shares)
    pairs = list(zip(out["region_code"], out["year_start"], out["year_end"], strict=True))
    # 2018 → 2019 and 2019 → 2020 would need IP of a single unit; SSS 2020 has one unit left
    assert pairs == [("MK17", 2013, 2018)]


def test_a_suppressed_count_leaves_its_unit_out():
    first = _rows(2022, [30, 10, 5], [10, 30, 5], ["a", "b", "c"])
    second = _rows(2023, [25, 15, 5], [15, 25, 5], ["a", "b", "c"])
    second["men"] = pd.array([15, 25, None], dtype="Int64")
    (row,) = change.segregation_change(pd.concat([first, second])).to_dict("records")
    assert (row["n_units_common"], row["n_units_start_only"]) == (2, 1)
    assert row["ip_end"] == pytest.approx(twogroup.karmel_maclachlan([25, 15], [15, 25]))


def test_a_split_ipf_cannot_reach_keeps_ip_and_says_why():
    # the common unit a has no women in 2022 but has some in 2023: no fit can give it women
    shares = pd.concat(
        [_rows(2022, [0, 10], [10, 0], ["a", "c"]), _rows(2023, [5, 3], [10, 4], ["a", "d"])]
    )
    (row,) = change.segregation_change(shares).to_dict("records")
    assert row["n_units_common"] == 1
    assert np.isnan([row[p] for p in PARTS]).all()
    assert row["ip_change"] == pytest.approx(row["ip_end"] - row["ip_start"])
    assert row["method_note"].startswith("the change cannot be split")


def test_no_common_unit_is_said():
    shares = pd.concat(
        [_rows(2022, [3, 10], [10, 3], ["a", "b"]), _rows(2023, [5, 3], [10, 4], ["c", "d"])]
    )
    (row,) = change.segregation_change(shares).to_dict("records")
    assert row["method_note"] == change.NO_COMMON_UNITS
    assert np.isnan([row[p] for p in PARTS]).all() and not np.isnan(row["ip_change"])


def test_empty_input_gives_the_columns():
    out = change.segregation_change(_rows(2022, [1, 2], [2, 1], ["a", "b"]).iloc[:0])
    assert list(out.columns) == list(change.CHANGE_COLUMNS) and out.empty


def test_equals_the_per_pair_split_on_the_bundled_tables(shares, indices):
    out = change.segregation_change(shares)
    assert len(out) > 0
    for r in out.to_dict("records"):
        table = shares
        for col in TABLE:
            table = table[table[col].eq(r[col])]
        _, ip = change.change_between_years(table, r["year_start"], r["year_end"])
        assert (r["ip_start"], r["ip_end"], r["ip_change"]) == (ip.ip1, ip.ip2, ip.difference)
        assert [r[p] for p in PARTS] == [ip.mix_effect, ip.composition_effect, ip.units_changed]
    # the parts add up to the change, and the two IP values are the published ones
    total = out[PARTS].sum(axis=1)
    assert (total - out["ip_change"]).abs().max() <= 1e-12
    published = indices[indices["index"].eq("karmel_maclachlan")].set_index([*TABLE, "year"])
    for end in ("start", "end"):
        keys = pd.MultiIndex.from_frame(
            out[[*TABLE, f"year_{end}"]].rename(columns={f"year_{end}": "year"})
        )
        np.testing.assert_allclose(
            out[f"ip_{end}"].to_numpy(), published.loc[keys, "value"].to_numpy(), rtol=1e-12
        )

"""The segregation_indices dataset from the bundled snapshot, and packing of long tables."""

import numpy as np
import pandas as pd
import pytest

from assets.contracts import SEGREGATION_INDICES
from assets.indices import batch, bootstrap, twogroup
from assets.indices.batch import segregation_indices
from tests.indices.reference import enumerated_expected

RANGES = {
    "karmel_maclachlan": (0, 0.5),
    "charles_grusky_a": (1, np.inf),
    "mutual_information_m": (0, np.log(2)),
}


def test_rows_follow_the_contract(indices):
    assert list(indices.columns) == SEGREGATION_INDICES.names
    assert not indices.duplicated(list(SEGREGATION_INDICES.primary_key)).any()
    assert set(indices["index"]) == set(batch.DATASET_INDEX_IDS)
    for name in ("dissimilarity", "karmel_maclachlan", "balanced_share"):
        assert name in set(indices["index"])


def test_indices_are_in_range(indices):
    v = indices.dropna(subset=["value"])
    for name, rows in v.groupby("index"):
        low, high = RANGES.get(name, (0, 1))
        assert rows["value"].between(low, high).all(), name


def test_university_degrees_2019_dissimilarity(counts, indices):
    rows = counts[counts["measure"].eq("university_degrees") & counts["year"].eq(2019)]
    wide = rows.pivot(index="unit_code", columns="sex", values="count").astype(float)
    expected = (
        0.5 * np.abs(wide["women"] / wide["women"].sum() - wide["men"] / wide["men"].sum()).sum()
    )
    got = indices[
        indices["measure"].eq("university_degrees")
        & indices["year"].eq(2019)
        & indices["index"].eq("dissimilarity")
    ]
    assert got["value"].item() == pytest.approx(expected, rel=1e-12)
    assert got["ci_low"].item() < got["value"].item() < got["ci_high"].item()


def test_every_defined_index_has_an_interval_and_every_empty_one_a_reason(indices):
    defined = indices["value"].notna()
    with_ci = defined & ~indices["index"].isin(batch.EXPECTED_IDS)
    assert indices.loc[with_ci, ["ci_low", "ci_high"]].notna().all().all()
    assert (indices.loc[~defined, "method_note"].str.len() > 0).all()


def test_expected_d_is_below_observed_d(indices):
    pivot = indices.pivot_table(
        index=["measure", "region_code", "year", "level"], columns="index", values="value"
    )
    assert (pivot["dissimilarity_expected"] < pivot["dissimilarity"]).all()


def test_unknown_occupation_is_left_out(indices):
    row = indices[
        indices["measure"].eq("wage_earners_in_families") & indices["index"].eq("dissimilarity")
    ].iloc[0]
    assert row["n_units"] == 10  # 0–9, without X
    assert row["n_women"] == 802_958


def test_single_unit_tables_have_no_indices(indices):
    assert not indices["measure"].eq("general_upper_secondary_students").any()


def _shares(women, men, year=2020):
    n = len(women)
    return pd.DataFrame(
        {
            "dimension": "occupation",
            "classification": "synthetic",
            "level": 1,
            "measure": "synthetic_employed",
            "region_code": "MK17",
            "region_name_fi": "Pohjois-Pohjanmaa",
            "year": year,
            "source_table": "synthetic",
            "unit_code": [f"u{i}" for i in range(n)],
            "women": pd.array(women, dtype="Int64"),
            "men": pd.array(men, dtype="Int64"),
            "in_indices": True,
        }
    )


def test_a_suppressed_unit_is_left_out_and_noted():
    got = segregation_indices(_shares([30, 10, None], [10, 30, 5]), bootstrap_reps=20)
    d = got[got["index"].eq("dissimilarity")].iloc[0]
    assert d["value"] == pytest.approx(0.5)
    assert d["n_units"] == 2
    assert "1 unit(s) left out" in d["method_note"]


def test_a_missing_sex_gives_nulls_with_a_reason():
    got = segregation_indices(_shares([0, 0], [3, 4]), bootstrap_reps=20)
    assert got["value"].isna().all()
    assert got["method_note"].str.contains("one sex has no persons").all()


def test_intervals_do_not_depend_on_other_tables():
    one = segregation_indices(_shares([30, 10, 4], [10, 30, 9]), bootstrap_reps=50)
    both = segregation_indices(
        pd.concat([_shares([30, 10, 4], [10, 30, 9]), _shares([5, 6], [7, 1], year=2021)]),
        bootstrap_reps=50,
    )
    a = one[one["index"].eq("gini")]
    b = both[both["index"].eq("gini") & both["year"].eq(2020)]
    assert a["ci_low"].item() == b["ci_low"].item()


def test_pack_long_renumbers_units_when_every_table_has_its_own(monkeypatch):
    monkeypatch.setattr(batch, "_DENSE_CELL_LIMIT", 0)
    table = np.array([0, 0, 0, 0, 1, 1])
    unit = np.array([0, 0, 1, 1, 2, 2])
    group = np.array([0, 1, 0, 1, 0, 1])
    counts = np.array([30, 10, 10, 30, 5, 5], dtype=float)
    packed = batch.pack_long(table, np.zeros(6, dtype=np.int64), unit, group, counts, 2)
    assert packed.counts.shape == (2, 1, 2, 2)
    assert twogroup.dissimilarity(packed.counts[0, 0, 0], packed.counts[0, 0, 1]) == 0.5
    assert packed.counts[1, 0, :, 0].tolist() == [5, 5]


def test_pack_long_refuses_a_repeated_cell():
    with pytest.raises(ValueError, match=r"data row 2 repeats .* data row 1"):
        batch.pack_long(
            np.zeros(2, dtype=np.int64),
            np.zeros(2, dtype=np.int64),
            np.zeros(2, dtype=np.int64),
            np.zeros(2, dtype=np.int64),
            np.array([1.0, 2.0]),
            2,
        )


def test_expected_values_are_the_exact_means_over_random_placements():
    # 40 women among 112 persons in units of 40, 40, 13 and 19, enumerated placement by
    # placement (tests/indices/test_expected.py): the exact means, not a simulation's estimate.
    # Until 2026-11-28 the dataset published the mean of 100 seeded random tables:
    # 0.1329090324654452 and 0.01649158559957321.
    got = segregation_indices(_shares([30, 10, 4, 17], [10, 30, 9, 2])).set_index("index")
    assert got.loc["dissimilarity", "value"] == 0.5351976856316297
    want_d, want_m = enumerated_expected([30, 10, 4, 17], [10, 30, 9, 2])
    assert got.loc["dissimilarity_expected", "value"] == pytest.approx(want_d, rel=1e-12)
    assert got.loc["mutual_information_m_expected", "value"] == pytest.approx(want_m, rel=1e-12)
    assert "exact mean" in got.loc["dissimilarity_expected", "method_note"]


def _many_tables(n_tables, seed=7):
    rng = np.random.default_rng(seed)
    frames = []
    for year in range(2000, 2000 + n_tables):
        size = int(rng.integers(2, 6))
        women = rng.integers(0, 40, size)
        men = rng.integers(1, 40, size)
        frames.append(_shares(women.tolist(), men.tolist(), year=year))
    return pd.concat(frames, ignore_index=True)


def test_a_process_pool_gives_the_same_numbers_as_one_process(monkeypatch):
    shares = _many_tables(12)
    alone = segregation_indices(shares, bootstrap_reps=40)
    monkeypatch.setattr(batch, "_PARALLEL_MIN_WORK", 0)
    monkeypatch.setattr(batch, "_CHUNK_TABLES", 2)
    monkeypatch.setattr(batch, "_workers", lambda: 2)  # a pool even on a one-core runner
    pools = []

    def recording_pool(*args, **kwargs):
        pools.append(batch_pool(*args, **kwargs))
        return pools[-1]

    batch_pool = batch.ProcessPoolExecutor
    monkeypatch.setattr(batch, "ProcessPoolExecutor", recording_pool)
    pooled = segregation_indices(shares, bootstrap_reps=40)
    assert len(pools) == 1
    pd.testing.assert_frame_equal(alone, pooled, check_exact=True)


def test_same_seed_same_intervals_other_seed_other_intervals():
    shares = _many_tables(3)
    a = segregation_indices(shares, bootstrap_reps=60, seed=1)
    b = segregation_indices(shares, bootstrap_reps=60, seed=1)
    c = segregation_indices(shares, bootstrap_reps=60, seed=2)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert not a["ci_low"].equals(c["ci_low"])
    # Only the intervals are random: the estimates and the exact expected values are not.
    pd.testing.assert_series_equal(a["value"], c["value"])


def test_intervals_cover_the_population_value_about_95_times_in_100():
    # SYNTHETIC population of five units, each far from parity (D is smooth there, so the
    # percentile interval should be honest). 200 observed tables are multinomial draws of 4 000
    # persons from it; about 95 % of their intervals should contain the population's index.
    women_p = np.array([0.30, 0.25, 0.05, 0.10, 0.30]) * 0.45
    men_p = np.array([0.05, 0.10, 0.30, 0.35, 0.20]) * 0.55
    truth, _ = twogroup.all_indices(women_p, men_p)
    rng = np.random.default_rng(11)
    draws = rng.multinomial(4000, np.concatenate([women_p, men_p]), size=200)
    shares = pd.concat(
        [_shares(d[:5].tolist(), d[5:].tolist(), year=1800 + i) for i, d in enumerate(draws)],
        ignore_index=True,
    )
    got = segregation_indices(
        shares,
        bootstrap_reps=200,
    )
    for name in ("dissimilarity", "mutual_information_m", "hutchens", "theil_h"):
        rows = got[got["index"].eq(name)]
        covered = ((rows["ci_low"] <= truth[name]) & (truth[name] <= rows["ci_high"])).mean()
        assert 0.89 <= covered <= 0.99, (name, covered)


def test_intervals_come_from_the_tables_own_multinomial_resamples():
    # The dataset's interval is the percentile interval of resample_table's draws from the
    # generator seeded with the fixed seed and the table's key (a Poisson or other scheme, or
    # another seed, would give other numbers); the method note names the scheme.
    women, men = [30, 10, 4, 17], [10, 30, 9, 2]
    shares = _shares(women, men)
    got = segregation_indices(
        shares,
        bootstrap_reps=300,
    )
    row = got[got["index"].eq("dissimilarity")].iloc[0]
    key = tuple(shares.loc[0, batch.TABLE_KEY])
    rng = np.random.default_rng(batch._table_seed(batch.SEED, key))
    draws = bootstrap.resample_table(np.array([women, men], dtype=float), 300, rng)
    d = twogroup.dissimilarity(draws[:, 0].astype(float), draws[:, 1].astype(float))
    assert (row["ci_low"], row["ci_high"]) == tuple(np.percentile(d, [2.5, 97.5]))
    assert "300 multinomial bootstrap resamples" in row["method_note"]

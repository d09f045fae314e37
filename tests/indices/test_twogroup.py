"""Two-group indices against tables worked out by hand and the R package's test matrices."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from assets.indices import twogroup
from assets.shares.classes import CLASS_ORDER, classify

# Table A: w = (30, 10), m = (10, 30); W = M = 40, T = 80.
W_A, M_A = [30, 10], [10, 30]


def test_dissimilarity_by_hand():
    # ½(|.75 − .25| + |.25 − .75|) = 0.5
    assert twogroup.dissimilarity(W_A, M_A) == pytest.approx(0.5, rel=1e-15)


@pytest.mark.parametrize(
    ("women", "men", "expected"),
    [
        # R package segregation, tests/testthat/test_dissimilarity.R: matrix(c(...), ncol = 2)
        ([100, 60, 40, 0], [0, 40, 60, 100], 0.6),
        ([80, 80, 20, 20], [20, 20, 80, 80], 0.6),
        ([100, 100, 0, 0], [0, 0, 100, 100], 1.0),
        ([100, 100, 100], [100, 100, 100], 0.0),
    ],
)
def test_r_package_matrices(women, men, expected):
    assert twogroup.dissimilarity(women, men) == pytest.approx(expected, abs=1e-15)


def test_karmel_maclachlan_is_2pqD():
    w, m = np.array([30, 10, 5]), np.array([10, 30, 15])
    p = w.sum() / (w.sum() + m.sum())
    d = twogroup.dissimilarity(w, m)
    assert twogroup.karmel_maclachlan(w, m) == pytest.approx(2 * p * (1 - p) * d, rel=1e-14)
    assert twogroup.karmel_maclachlan(W_A, M_A) == pytest.approx(0.25, rel=1e-15)


def test_gini_by_hand():
    # Σ_i Σ_j t_i t_j |p_i − p_j| = 2·40·40·0.5 = 1600; 2·T²·P(1−P) = 2·6400·¼ = 3200
    assert twogroup.gini(W_A, M_A) == pytest.approx(0.5, rel=1e-15)


def test_gini_equals_the_pairwise_formula():
    rng = np.random.default_rng(7)
    w = rng.integers(0, 500, 60).astype(float)
    m = rng.integers(0, 500, 60).astype(float)
    t = w + m
    p = np.where(t > 0, w / np.where(t > 0, t, 1), 0)
    pairwise = (np.outer(t, t) * np.abs(p[:, None] - p[None, :])).sum()
    P = w.sum() / t.sum()
    expected = pairwise / (2 * t.sum() ** 2 * P * (1 - P))
    assert twogroup.gini(w, m) == pytest.approx(expected, rel=1e-12)


def test_mutual_information_and_h_by_hand():
    # Equal groups, unit shares ¾ and ¼: M = ln 2 − H(¾) nats; H = M / ln 2.
    h34 = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    m = math.log(2) - h34
    assert twogroup.mutual_information(W_A, M_A) == pytest.approx(m, rel=1e-14)
    assert twogroup.mutual_information(W_A, M_A, base=2) == pytest.approx(
        m / math.log(2), rel=1e-14
    )
    assert twogroup.theil_h(W_A, M_A) == pytest.approx(m / math.log(2), rel=1e-14)


def test_hutchens_by_hand():
    # 1 − (√(30·10) + √(10·30)) / √(40·40) = 1 − √300 / 20
    assert twogroup.hutchens(W_A, M_A) == pytest.approx(1 - math.sqrt(300) / 20, rel=1e-14)


def test_charles_grusky_by_hand():
    # x = (ln 3, −ln 3): mean 0, standard deviation ln 3, A = e^{ln 3} = 3
    assert twogroup.charles_grusky_a(W_A, M_A) == pytest.approx(3.0, rel=1e-14)


def test_charles_grusky_ignores_unit_sizes():
    # Doubling a unit changes no ratio, so A stays; D does change.
    assert twogroup.charles_grusky_a([60, 10], [20, 30]) == pytest.approx(3.0, rel=1e-14)


def test_charles_grusky_undefined_with_a_zero_cell():
    assert math.isnan(twogroup.charles_grusky_a([10, 0, 5], [5, 5, 5]))
    reason = twogroup.undefined_reason([10, 0, 5], [5, 5, 5], "charles_grusky_a")
    assert "one sex only" in reason
    assert twogroup.undefined_reason([10, 0, 5], [5, 5, 5], "dissimilarity") == ""


def test_size_standardized_dissimilarity_by_hand():
    # p = (.5, .8): Σp = 1.3, Σq = .7; ½(|5/13 − 5/7| + |8/13 − 2/7|) = 30/91, while D = 0.3
    w, m = [10, 40], [10, 10]
    assert twogroup.size_standardized_dissimilarity(w, m) == pytest.approx(30 / 91, rel=1e-14)
    assert twogroup.dissimilarity(w, m) == pytest.approx(0.3, rel=1e-14)


def test_balanced_share_includes_both_bounds_exactly():
    # 3/5 = 60 % women and 2/5 = 40 % are balanced; 7/10 = 70 % is not. Persons 5 + 5 of 20.
    assert twogroup.balanced_share([3, 2, 7], [2, 3, 3]) == pytest.approx(0.5, rel=1e-15)


def test_balanced_bounds_hold_for_large_counts():
    # 60 % and 40 % of 3 000 000 persons, and one person more: exact whole-number comparison.
    assert twogroup.class_codes([1_800_000, 1_800_001], [1_200_000, 1_199_999]).tolist() == [2, 1]
    assert twogroup.class_codes([1_200_000, 1_199_999], [1_800_000, 1_800_001]).tolist() == [2, 3]


def test_class_codes_agree_with_shares_stage_classify():
    pairs = list(itertools.product(range(0, 31), repeat=2))
    w = np.array([p[0] for p in pairs], dtype=float)
    m = np.array([p[1] for p in pairs], dtype=float)
    codes = twogroup.class_codes(w, m)
    expected = classify(pd.Series(w.astype(int)), pd.Series((w + m).astype(int)))
    as_codes = expected.map(lambda c: -1 if pd.isna(c) else CLASS_ORDER.index(c)).to_numpy()
    assert (codes == as_codes).all()


def test_class_shares_by_hand():
    values, _ = twogroup.all_indices(W_A, M_A, with_class_shares=True)
    shares = [float(values[name]) for name in twogroup.CLASS_SHARE_NAMES]
    # unit 1 is 75 % women (60–90 %), unit 2 is 75 % men; 40 persons each of 80
    assert shares == [0.0, 0.5, 0.0, 0.5, 0.0]


def test_local_terms_sum_to_the_index():
    rng = np.random.default_rng(3)
    w = rng.integers(0, 90, 25).astype(float)
    m = rng.integers(0, 90, 25).astype(float)
    assert twogroup.local_dissimilarity(w, m).sum() == pytest.approx(
        twogroup.dissimilarity(w, m), rel=1e-13
    )
    assert twogroup.local_mutual_information(w, m).sum() == pytest.approx(
        twogroup.mutual_information(w, m), rel=1e-12
    )


@pytest.mark.parametrize("name", twogroup.INDEX_NAMES)
def test_an_empty_unit_changes_nothing(name):
    w, m = [30, 10, 7], [10, 30, 2]
    padded = twogroup.all_indices([0, *w, 0], [0, *m, 0])[0][name]
    assert padded == pytest.approx(twogroup.all_indices(w, m)[0][name], rel=1e-15)


def test_one_sex_only_gives_nulls_with_a_reason():
    values, reasons = twogroup.all_indices([0, 0], [3, 4])
    assert all(math.isnan(v) for v in values.values())
    assert all("one sex" in str(r) for r in reasons.values())


def test_a_single_unit_measures_nothing():
    values, reasons = twogroup.all_indices([5, 0], [3, 0])
    assert math.isnan(values["dissimilarity"])
    assert "fewer than two units" in str(reasons["dissimilarity"])


def test_nan_and_negative_counts_are_refused():
    with pytest.raises(ValueError, match="NaN"):
        twogroup.dissimilarity([1, float("nan")], [1, 2])
    with pytest.raises(ValueError, match="non-negative"):
        twogroup.gini([1, -1], [1, 2])


def test_batch_equals_table_by_table():
    rng = np.random.default_rng(11)
    w = rng.integers(0, 50, (700, 30)).astype(float)
    m = rng.integers(0, 50, (700, 30)).astype(float)
    w[5] = 0  # one table without women
    values, reasons = twogroup.all_indices(w, m)
    for i in (0, 5, 333, 699):
        single, _ = twogroup.all_indices(w[i], m[i])
        for name in twogroup.INDEX_NAMES:
            np.testing.assert_allclose(values[name][i], single[name], rtol=1e-15)
    assert reasons["gini"][5] and not reasons["gini"][0]


def test_rounding_never_leaves_an_index_range():
    # Unsegregated (same mix everywhere, non-integer weights) and fully segregated tables sit on
    # the edges of every range, where rounding used to give e.g. S = −2e-16.
    even = twogroup.all_indices([7, 14, 21, 3], [5, 10, 15, 15 / 7])[0]
    assert even["hutchens"] == 0.0
    assert even["mutual_information_m"] == 0.0
    full = twogroup.all_indices([1e9 + 1, 0, 3e7 + 7], [0, 7e8 + 3, 0])[0]
    for name in ("dissimilarity", "gini", "theil_h", "hutchens"):
        assert full[name] <= 1.0, name
    assert full["karmel_maclachlan"] <= 0.5


def test_the_resampled_path_gives_the_same_indices():
    # Replicate-like tables with many equal shares (0, ½, 1) and empty units.
    rng = np.random.default_rng(8)
    w = rng.integers(0, 6, (300, 40)).astype(float)
    m = rng.integers(0, 6, (300, 40)).astype(float)
    exact, _ = twogroup.all_indices(w, m, with_class_shares=True)
    fast, _ = twogroup.all_indices(w, m, with_class_shares=True, resampled=True)
    for name in exact:
        if name == "gini":  # equal shares summed in another order: the last bits may differ
            np.testing.assert_allclose(fast[name], exact[name], rtol=1e-12, atol=1e-15)
        else:
            np.testing.assert_array_equal(fast[name], exact[name])


def test_share_order_sorts_by_share_and_then_by_position():
    p = np.array([[0.5, 0.25, 0.5, 0.0, 1.0, 0.25 + 2**-40]])
    assert twogroup._share_order(p).tolist() == [[3, 1, 5, 0, 2, 4]]

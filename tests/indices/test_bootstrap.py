"""Bootstrap intervals, bias correction and expected values: seeded, vectorised, sensible."""

import numpy as np
import pytest

from assets.indices import bootstrap, twogroup

W = np.array([100, 60, 40, 0], dtype=float)
M = np.array([0, 40, 60, 100], dtype=float)


def test_same_seed_same_numbers_other_seed_other_numbers():
    a = bootstrap.bootstrap_two_group(W, M, reps=300, seed=5)["dissimilarity"]
    b = bootstrap.bootstrap_two_group(W, M, reps=300, seed=5)["dissimilarity"]
    c = bootstrap.bootstrap_two_group(W, M, reps=300, seed=6)["dissimilarity"]
    assert (a.ci_low, a.ci_high, a.mean) == (b.ci_low, b.ci_high, b.mean)
    assert a.mean != c.mean


def test_resampling_keeps_each_tables_total():
    counts = np.stack([np.stack([W, M]), np.stack([M * 3, W])])
    draws = bootstrap.resample(counts, reps=50, rng=np.random.default_rng(1))
    assert draws.shape == (50, 2, 2, 4)
    np.testing.assert_array_equal(draws.sum((-2, -1)), np.broadcast_to([400, 800], (50, 2)))
    # a cell with no persons stays empty: its probability is zero
    assert (draws[:, 0, 0, 3] == 0).all()


def test_summary_is_consistent():
    s = bootstrap.bootstrap_two_group(W, M, reps=500, seed=2)["dissimilarity"]
    assert s.estimate == pytest.approx(0.6)
    assert s.bias == pytest.approx(s.mean - s.estimate)
    assert s.bias_corrected == pytest.approx(2 * s.estimate - s.mean)
    assert s.ci_low < s.mean < s.ci_high
    assert 0 < s.se < 0.1
    assert s.n_valid == 500


def test_small_tables_are_biased_upwards_and_correction_pulls_down():
    # 40 women and 40 men spread evenly over 8 units: no segregation, but chance makes D > 0.
    w = np.full(8, 5.0)
    m = np.full(8, 5.0)
    s = bootstrap.bootstrap_two_group(w, m, reps=400, seed=3)
    assert s["dissimilarity"].estimate == 0.0
    assert s["dissimilarity"].mean > 0.05
    assert s["dissimilarity"].bias_corrected < 0
    expected = bootstrap.expected_two_group(w, m, reps=400, seed=3)
    assert 0.05 < expected["dissimilarity"] < 0.4
    assert expected["mutual_information_m"] > 0


def test_batch_matches_percentiles_of_the_replicates():
    w = np.array([[30, 10, 5], [8, 8, 8]], dtype=float)
    m = np.array([[10, 30, 5], [2, 9, 12]], dtype=float)
    s = bootstrap.bootstrap_two_group(w, m, reps=200, seed=9, names=("gini",))["gini"]
    rng = np.random.default_rng(9)
    draws = bootstrap.resample(np.stack([w, m], axis=1), 200, rng)
    reps = twogroup.gini(draws[:, :, 0, :], draws[:, :, 1, :])
    np.testing.assert_allclose(s.ci_low, np.percentile(reps, 2.5, axis=0), rtol=1e-12)
    np.testing.assert_allclose(s.ci_high, np.percentile(reps, 97.5, axis=0), rtol=1e-12)


def test_undefined_replicates_are_left_out():
    # Charles–Grusky A needs both sexes in every unit; with 1 man in a unit some resamples lose him
    s = bootstrap.bootstrap_two_group([50, 50], [1, 50], reps=300, seed=4)["charles_grusky_a"]
    assert 0 < s.n_valid < 300
    assert np.isfinite(s.ci_low) and np.isfinite(s.ci_high)


def test_fractional_counts_are_refused():
    with pytest.raises(ValueError, match="whole-number"):
        bootstrap.bootstrap_two_group([1.5, 2], [1, 2], reps=10)


def test_multigroup_bootstrap():
    counts = np.array([[30, 10, 5], [10, 30, 5], [5, 5, 20]], dtype=float)
    s = bootstrap.bootstrap_multigroup(counts, reps=200, seed=1)
    assert s["mutual_information_m"].ci_low < s["mutual_information_m"].estimate
    assert s["theil_h"].ci_high > s["theil_h"].estimate


def test_poisson_resamples_vary_each_cell_by_its_own_count():
    counts = np.array([[0.0, 3.0, 50.0], [400.0, 1.0, 9.0]])
    a = bootstrap.resample_poisson(counts, reps=20_000, rng=np.random.default_rng(3))
    b = bootstrap.resample_poisson(counts, reps=20_000, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (20_000, 2, 3)
    assert (a[:, 0, 0] == 0).all()  # an empty cell stays empty
    # Poisson: mean and variance both equal the observed count (within 4 standard errors).
    np.testing.assert_allclose(a.mean(0), counts, atol=4 * np.sqrt(counts.max() / 20_000))
    np.testing.assert_allclose(a.var(0), counts, rtol=0.05, atol=0.05)
    # unlike the multinomial, the table's total varies (by about its square root)
    assert a.sum((-2, -1)).std() == pytest.approx(np.sqrt(counts.sum()), rel=0.05)


def test_poisson_and_multinomial_bootstraps_agree_on_an_index_spread():
    # Indices depend only on shares, so the two schemes should give the same spread of D.
    w = np.array([120.0, 80, 30, 5, 60])
    m = np.array([20.0, 70, 90, 40, 60])
    rng = np.random.default_rng(4)
    poisson = bootstrap.resample_poisson(np.stack([w, m]), 4000, rng)
    multinomial = bootstrap.resample(np.stack([w, m]), 4000, rng)
    sd = [
        twogroup.all_indices(d[:, 0], d[:, 1])[0]["dissimilarity"].std()
        for d in (poisson, multinomial)
    ]
    assert sd[0] == pytest.approx(sd[1], rel=0.08)


def test_poisson_resampling_refuses_fractional_counts():
    with pytest.raises(ValueError, match="whole-number"):
        bootstrap.resample_poisson(np.array([[1.5, 2.0]]), 10, np.random.default_rng(0))

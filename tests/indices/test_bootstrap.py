"""Bootstrap intervals, bias correction and expected values: seeded, vectorised, sensible."""

import math

import numpy as np
import pytest

from assets.indices import bootstrap, twogroup
from assets.indices.expected import expected_d_and_m

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
    expected_d, expected_m = expected_d_and_m(w, m)
    assert 0.05 < expected_d < 0.4
    assert expected_m > 0


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


# One table with large cells, cells of at most _POOLED_MAX persons (pooled, then placed one by one)
# and empty cells; N = 520.
TABLE = np.array([[0.0, 3.0, 50.0, 1.0, 2.0, 9.0], [400.0, 1.0, 5.0, 0.0, 6.0, 43.0]])


def _moments_match_the_multinomial(draws, counts):
    """Every cell's mean and every covariance of the cells agree with the multinomial's
    N·p_j and N·(δ_ij·p_i − p_i·p_j) within five standard errors of their estimates."""
    x = draws.reshape(len(draws), -1)
    c = counts.ravel()
    n, reps = c.sum(), len(x)
    p = c / n
    cov = n * (np.diag(p) - np.outer(p, p))
    se_mean = np.sqrt(np.diag(cov) / reps)
    assert (np.abs(x.mean(0) - n * p) <= 5 * se_mean + 1e-12).all()
    sd = np.sqrt(np.diag(cov))
    se_cov = np.sqrt((np.outer(sd, sd) ** 2 + cov**2) / reps)
    np.testing.assert_array_less(np.abs(np.cov(x.T) - cov), 5 * se_cov + 1e-12)


@pytest.mark.parametrize(
    "setting",
    [
        {},
        # every replicate over N drawn again about half the time, and no pooling
        {"_SHORTFALL": 0.0, "_POOLED_MAX": 0},
        # everything pooled, persons placed by binary search instead of the lookup table
        {"_POOLED_MAX": 10**9, "_LOOKUP_MAX": 0},
    ],
)
def test_fast_resampling_is_the_multinomial(monkeypatch, setting):
    for name, value in setting.items():
        monkeypatch.setattr(bootstrap, name, value)
    draws = bootstrap.resample_table(TABLE, reps=40_000, rng=np.random.default_rng(3))
    assert draws.shape == (40_000, 2, 6)
    assert (draws.sum((-2, -1)) == TABLE.sum()).all()  # the total is fixed at N
    assert (draws[:, TABLE == 0] == 0).all()  # an empty cell stays empty
    _moments_match_the_multinomial(draws, TABLE)


def test_the_moment_check_catches_a_resampling_that_is_not_multinomial():
    # Poisson cells have the right means but variance c_j (not c_j(1 − p_j)) and no covariance.
    poisson = np.random.default_rng(3).poisson(TABLE, size=(40_000, *TABLE.shape))
    with pytest.raises(AssertionError):
        _moments_match_the_multinomial(poisson, TABLE)


def test_a_cells_distribution_is_the_binomial():
    # Beyond moments: the count of one pooled cell (3 of N = 520 persons) and of one large cell
    # (50) follow Binomial(N, c/N) exactly; chi-square over bins of expected count ≥ 20.
    draws = bootstrap.resample_table(TABLE, reps=40_000, rng=np.random.default_rng(8))
    n = int(TABLE.sum())
    for cell in ((0, 1), (0, 2)):
        c = TABLE[cell] / n
        observed = np.bincount(draws[(slice(None), *cell)], minlength=n + 1)
        pmf = np.array([math.comb(n, k) * c**k * (1 - c) ** (n - k) for k in range(n + 1)])
        expected = pmf * len(draws)
        keep = expected >= 20
        obs = np.append(observed[keep], observed[~keep].sum())
        exp = np.append(expected[keep], expected[~keep].sum())
        chi2 = ((obs - exp) ** 2 / exp).sum()
        # 99.9th percentile of chi-square with df = bins − 1 (≤ 40 here) is below 2·df + 25
        assert chi2 < 2 * (len(obs) - 1) + 25, (cell, chi2, len(obs))


def test_tiny_tables_and_seeds():
    a = bootstrap.resample_table([[1.0, 0.0], [2.0, 1.0]], 500, np.random.default_rng(5))
    b = bootstrap.resample_table([[1.0, 0.0], [2.0, 1.0]], 500, np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    assert (a.sum((-2, -1)) == 4).all() and (a[:, 0, 1] == 0).all()
    assert set(np.unique(a[:, 1, 0])) == {0, 1, 2, 3, 4}  # all persons placed one at a time
    assert (bootstrap.resample_table(np.zeros((2, 3)), 7, np.random.default_rng(0)) == 0).all()


def test_d_interval_is_numpy_multinomials():
    # The dataset's resampling and numpy's multinomial (the Python API's) give the same
    # distribution of D: the same 2.5th and 97.5th percentiles within Monte Carlo error (the
    # difference of two such percentiles from 20 000 replicates each has a standard error of
    # about 0.027 bootstrap SD; 0.12 is 4.4 of them), and a two-sample Kolmogorov–Smirnov
    # distance below its 0.1 % critical value.
    w = np.array([120.0, 80, 30, 5, 60, 2, 1])
    m = np.array([20.0, 70, 90, 40, 60, 3, 0])
    reps = 20_000
    fast = bootstrap.resample_table(np.stack([w, m]), reps, np.random.default_rng(4))
    numpy = bootstrap.resample(np.stack([w, m]), reps, np.random.default_rng(5))
    d_fast, d_numpy = (twogroup.dissimilarity(x[:, 0], x[:, 1]) for x in (fast, numpy))
    sd = d_numpy.std()
    for q in (2.5, 97.5):
        assert abs(np.percentile(d_fast, q) - np.percentile(d_numpy, q)) < 0.12 * sd, q
    grid = np.union1d(d_fast, d_numpy)
    cdf = [np.searchsorted(np.sort(d), grid, side="right") / reps for d in (d_fast, d_numpy)]
    assert np.abs(cdf[0] - cdf[1]).max() < 1.95 * np.sqrt(2 / reps)


def test_fast_resampling_refuses_fractional_counts():
    with pytest.raises(ValueError, match="whole-number"):
        bootstrap.resample_table(np.array([[1.5, 2.0]]), 10, np.random.default_rng(0))

"""Exact expected D and M under no segregation: against full enumeration and against simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assets.indices import twogroup
from assets.indices.expected import expected_d_and_m
from tests.indices.reference import enumerated_expected


@pytest.mark.parametrize(
    ("women", "men"),
    [
        ([3, 1, 0], [1, 3, 4]),
        ([5, 5, 5, 5], [5, 5, 5, 5]),
        ([7, 0, 2, 1], [0, 6, 1, 3]),
        ([1, 0], [0, 1]),
        ([12, 3, 4], [2, 9, 1]),
        ([0, 0, 9, 1], [4, 2, 0, 0]),
    ],
)
def test_equal_to_full_enumeration(women, men):
    d, m = expected_d_and_m(women, men)
    want_d, want_m = enumerated_expected(women, men)
    assert d == pytest.approx(want_d, rel=1e-12, abs=1e-15)
    assert m == pytest.approx(want_m, rel=1e-12, abs=1e-15)


def test_agrees_with_simulated_tables_of_national_size():
    # SYNTHETIC: 60 units, about 1.6 million persons, some units very large, one sex rare in some.
    rng = np.random.default_rng(5)
    sizes = np.floor(rng.lognormal(8.0, 2.0, 60)).astype(np.int64) + 1
    women = rng.binomial(sizes, rng.beta(0.6, 0.6, 60))
    men = sizes - women
    d, m = expected_d_and_m(women, men)
    draws = rng.multivariate_hypergeometric(sizes, int(women.sum()), size=20_000)
    sim_d = twogroup.dissimilarity(draws, sizes - draws)
    sim_m = twogroup.mutual_information(draws, sizes - draws)
    for exact, sim in ((d, sim_d), (m, sim_m)):
        se = sim.std(ddof=1) / math.sqrt(len(sim))
        assert abs(exact - sim.mean()) < 4 * se


def test_batch_of_tables_with_padding_and_undefined_tables():
    women = np.array([[3, 1, 0, 0], [4, 4, 0, 0], [5, 0, 0, 0], [0, 0, 0, 0], [2, 2, 1, 0]])
    men = np.array([[1, 3, 4, 0], [0, 0, 0, 0], [5, 0, 0, 0], [0, 0, 0, 0], [1, 0, 3, 0]])
    d, m = expected_d_and_m(women, men)
    assert d.shape == m.shape == (5,)
    # One sex only, a single unit, no persons: undefined, as for the observed indices.
    assert np.isnan(d[1:4]).all() and np.isnan(m[1:4]).all()
    alone = [expected_d_and_m(women[i, :3], men[i, :3]) for i in (0, 4)]
    assert [d[0], m[0]] == [alone[0][0], alone[0][1]]
    assert [d[4], m[4]] == [alone[1][0], alone[1][1]]


def test_fully_segregated_tiny_table():
    # Two women and two men, each sex in a unit of its own (D = 1). Placed at random, the two
    # women share a unit with probability 2/6 (D = 1); otherwise each unit has one (D = 0).
    d, m = expected_d_and_m([2, 0], [0, 2])
    assert d == pytest.approx(1 / 3, rel=1e-12)
    want_d, want_m = enumerated_expected([2, 0], [0, 2])
    assert (d, m) == pytest.approx((want_d, want_m), rel=1e-12)


def test_fractions_are_refused():
    with pytest.raises(ValueError, match="whole-number"):
        expected_d_and_m([1.5, 2.0], [1.0, 2.0])

"""Two-group indices against tables worked out by hand."""

import math

import numpy as np
import pytest

from assets.indices import twogroup


def test_dissimilarity_by_hand():
    # w = (30, 10), m = (10, 30): ½(|.75−.25| + |.25−.75|) = 0.5
    assert twogroup.dissimilarity([30, 10], [10, 30]) == pytest.approx(0.5)


def test_complete_segregation_and_none():
    assert twogroup.dissimilarity([10, 0], [0, 5]) == pytest.approx(1.0)
    assert twogroup.dissimilarity([10, 20], [5, 10]) == pytest.approx(0.0)


def test_karmel_maclachlan_is_2pqD():
    w, m = np.array([30, 10, 5]), np.array([10, 30, 15])
    p = w.sum() / (w.sum() + m.sum())
    d = twogroup.dissimilarity(w, m)
    assert twogroup.karmel_maclachlan(w, m) == pytest.approx(2 * p * (1 - p) * d)


def test_mutual_information_by_hand():
    # Two equal groups, unit shares 3/4 and 1/4: M = ln 2 − H(3/4) in nats.
    h = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    assert twogroup.mutual_information([30, 10], [10, 30]) == pytest.approx(math.log(2) - h)
    assert twogroup.theil_h([30, 10], [10, 30]) == pytest.approx((math.log(2) - h) / math.log(2))


def test_balanced_share_counts_exact_bounds():
    # 40 % and 60 % women are balanced; 70 % is not. Persons: 100 + 100 of 300.
    assert twogroup.balanced_share([40, 60, 70], [60, 40, 30]) == pytest.approx(2 / 3)


def test_one_sex_only_is_undefined():
    assert math.isnan(twogroup.dissimilarity([0, 0], [3, 4]))


def test_zero_unit_changes_nothing():
    assert twogroup.dissimilarity([30, 10, 0], [10, 30, 0]) == twogroup.dissimilarity(
        [30, 10], [10, 30]
    )


def test_nan_counts_are_refused():
    with pytest.raises(ValueError, match="NaN"):
        twogroup.dissimilarity([1, float("nan")], [1, 2])

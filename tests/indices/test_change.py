"""Change over time: IPF, Elbers' Shapley decomposition of M, Karmel–MacLachlan's IP split."""

import numpy as np
import pandas as pd
import pytest

from assets.indices import change, multigroup, twogroup

# R package segregation, tests/testthat/test_mutual_difference.R: units a, b × groups 1–4,
# written here as (groups × units).
DATA1 = np.array([[40, 5], [30, 10], [20, 15], [10, 20]], dtype=float)
DATA2 = np.array([[20, 5], [20, 10], [20, 10], [15, 15]], dtype=float)


def _parts(r: change.MutualInformationChange) -> float:
    return r.additions + r.removals + r.group_marginal + r.unit_marginal + r.structural


def test_ipf_reproduces_karmel_maclachlan_1988_example():
    # R package test_ipf.R "example from Karmel & Maclachlan 1988" (rows female, male)
    source = np.array([[50, 50, 50], [100, 50, 100]], dtype=float)
    target = np.array([[100, 100, 75], [125, 100, 100]], dtype=float)
    fitted = change.ipf(source, target.sum(1), target.sum(0))
    np.testing.assert_array_equal(fitted.round(1), [[90.3, 114.5, 70.2], [134.7, 85.5, 104.8]])


def test_ipf_refuses_an_unreachable_margin():
    with pytest.raises(ValueError, match="no persons"):
        change.ipf([[1.0, 0.0], [1.0, 0.0]], [1.0, 1.0], [1.0, 1.0])


def test_m_change_parts_add_up():
    r = change.mutual_information_change(DATA1, DATA2)
    assert r.m1 == pytest.approx(multigroup.mutual_information(DATA1), rel=1e-14)
    assert r.m2 == pytest.approx(multigroup.mutual_information(DATA2), rel=1e-14)
    assert r.difference == pytest.approx(r.m2 - r.m1, rel=1e-14)
    assert _parts(r) == pytest.approx(r.difference, abs=1e-14)
    assert r.additions == pytest.approx(0, abs=1e-15)
    assert r.removals == pytest.approx(0, abs=1e-15)


def test_m_change_is_symmetric():
    forward = change.mutual_information_change(DATA1, DATA2)
    backward = change.mutual_information_change(DATA2, DATA1)
    assert backward.structural == pytest.approx(-forward.structural, rel=1e-9)
    assert backward.group_marginal == pytest.approx(-forward.group_marginal, rel=1e-9)
    # swapping the roles of groups and units swaps the two marginal parts
    swapped = change.mutual_information_change(DATA1.T, DATA2.T)
    assert swapped.group_marginal == pytest.approx(forward.unit_marginal, rel=1e-9)
    assert swapped.unit_marginal == pytest.approx(forward.group_marginal, rel=1e-9)


def test_margins_only_change_has_no_structural_part():
    # Year 2 = year 1 refitted to other margins: the sorting is the same, only sizes changed.
    year2 = change.ipf(DATA1, [50, 20, 20, 10], [60, 40])
    r = change.mutual_information_change(DATA1, year2)
    assert r.structural == pytest.approx(0, abs=1e-10)
    assert r.group_marginal + r.unit_marginal == pytest.approx(r.difference, abs=1e-10)


def test_new_and_vanished_units_are_additions_and_removals():
    # R package test data with zero cells and a unit present in one year only
    d1 = np.array([[0, 5, 4, 0], [30, 10, 3, 0], [20, 15, 2, 0], [10, 20, 1, 0]], dtype=float)
    d2 = np.array([[40, 5, 0, 1], [20, 10, 0, 2], [20, 10, 0, 3], [15, 0, 0, 4]], dtype=float)
    r = change.mutual_information_change(d1, d2)
    assert _parts(r) == pytest.approx(r.difference, abs=1e-12)
    assert r.additions != 0 and r.removals != 0
    assert r.m1 == pytest.approx(multigroup.mutual_information(d1), rel=1e-14)


def test_base_2():
    nats = change.mutual_information_change(DATA1, DATA2)
    bits = change.mutual_information_change(DATA1, DATA2, base=2)
    assert bits.structural == pytest.approx(nats.structural / np.log(2), rel=1e-12)


def test_ip_change_splits_into_mix_and_composition():
    w1, m1 = np.array([50, 50, 50.0]), np.array([100, 50, 100.0])
    w2, m2 = np.array([100, 100, 75.0]), np.array([125, 100, 100.0])
    r = change.karmel_maclachlan_change(w1, m1, w2, m2)
    assert r.ip1 == pytest.approx(twogroup.karmel_maclachlan(w1, m1), rel=1e-15)
    total = r.mix_effect + r.composition_effect + r.units_changed
    assert total == pytest.approx(r.difference, abs=1e-15)
    assert r.units_changed == 0.0


def test_ip_change_with_same_margins_is_all_composition():
    # Same unit sizes and sexes' totals, women moved between units: mix effect 0.
    r = change.karmel_maclachlan_change([30, 10], [10, 30], [25, 15], [15, 25])
    assert r.mix_effect == pytest.approx(0, abs=1e-12)
    assert r.composition_effect == pytest.approx(r.difference, abs=1e-12)


def test_ip_change_counts_units_of_one_year_apart():
    r = change.karmel_maclachlan_change([30, 10, 0], [10, 30, 0], [30, 10, 20], [10, 30, 1])
    assert r.units_changed != 0
    total = r.mix_effect + r.composition_effect + r.units_changed
    assert total == pytest.approx(r.difference, abs=1e-15)


def test_change_between_years_aligns_units_by_code():
    def rows(year, women, men, codes):
        return pd.DataFrame(
            {
                "dimension": "occupation",
                "classification": "synthetic",
                "level": 1,
                "measure": "synthetic_employed",
                "region_code": "MK17",
                "year": year,
                "unit_code": codes,
                "women": pd.array(women, dtype="Int64"),
                "men": pd.array(men, dtype="Int64"),
                "in_indices": True,
            }
        )

    shares = pd.concat(
        [
            rows(2022, [30, 10], [10, 30], ["a", "b"]),
            rows(2023, [15, 25, 4], [25, 15, 2], ["b", "a", "c"]),  # reordered, c is new
        ]
    )
    m_change, ip_change = change.change_between_years(shares, 2022, 2023)
    assert m_change.m1 == pytest.approx(twogroup.mutual_information([30, 10], [10, 30]))
    assert m_change.m2 == pytest.approx(twogroup.mutual_information([25, 15, 4], [15, 25, 2]))
    assert m_change.removals == pytest.approx(0, abs=1e-15)
    assert m_change.additions != 0
    # a and b have the same margins in both years: no mix effect among the common units
    assert ip_change.mix_effect == pytest.approx(0, abs=1e-12)
    with pytest.raises(ValueError, match="no units"):
        change.change_between_years(shares, 2022, 2030)


def _iterated(table, rows, cols, tol=1e-12):
    """Plain alternating rescaling, the reference the direct two-row solution must match."""
    x = np.array(table, dtype=float)
    for _ in range(100_000):
        x *= (rows / x.sum(1))[:, None]
        x *= np.divide(cols, x.sum(0), out=np.zeros_like(cols), where=x.sum(0) > 0)[None, :]
        if np.allclose(x.sum(1), rows, rtol=tol, atol=0):
            return x
    raise AssertionError("reference IPF did not converge")


@pytest.mark.parametrize("seed", range(6))
def test_two_row_ipf_is_the_iterations_limit(seed):
    rng = np.random.default_rng(seed)
    source = rng.integers(0, 60, size=(2, 40)).astype(float)
    source[:, :3] = [[0, 5, 9], [7, 0, 4]]  # cells zero in one row stay zero
    target = source * rng.uniform(0.5, 2.0, size=source.shape)
    rows, cols = target.sum(1), target.sum(0)
    fitted = change._two_rows(source, rows, cols, tol=1e-12)  # the direct path, no fallback
    assert fitted is not None
    np.testing.assert_allclose(fitted, _iterated(source, rows, cols), rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(change.ipf(source, rows, cols), fitted)
    np.testing.assert_allclose(fitted.sum(1), rows, rtol=1e-12)
    np.testing.assert_allclose(fitted.sum(0), cols, rtol=1e-12)
    assert (fitted[source == 0] == 0).all()
    both = (source > 0).all(0)  # odds ratios against column 2, which has both rows
    f, s = fitted[:, both], source[:, both]
    odds = f[0] * fitted[1, 2] / (f[1] * fitted[0, 2])
    np.testing.assert_allclose(odds, s[0] * source[1, 2] / (s[1] * source[0, 2]), rtol=1e-9)


def test_two_row_ipf_says_at_once_when_a_row_target_is_out_of_reach():
    # column 0 has no men: every fit gives it all its 50 persons as women, but only 40 are
    source = np.array([[5.0, 5.0, 5.0], [0.0, 5.0, 5.0]])
    with pytest.raises(ValueError, match=r"first row's target 40 is out of reach: .* 50 to 110"):
        change.ipf(source, [40.0, 70.0], [50.0, 30.0, 30.0])

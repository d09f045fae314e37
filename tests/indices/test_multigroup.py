"""Multigroup M and H and their region decomposition against the R package's published values."""

import math

import numpy as np
import pytest

from assets.indices import decompose, multigroup, twogroup
from tests.indices.reference import groups_by_units, regions_groups_units, two_group


def test_schools00_total_as_published():
    # R package segregation README: mutual_total(schools00, "race", "school") → M 0.426, H 0.419
    counts = groups_by_units()
    assert counts.shape == (5, 2045)
    assert round(multigroup.mutual_information(counts), 3) == 0.426
    assert round(multigroup.theil_h(counts), 3) == 0.419


def test_schools00_between_and_within_states_as_published():
    # README: between states M 0.0992 (H 0.0977); within states M 0.326 (H 0.321)
    counts = regions_groups_units("schools00_race_by_state.csv")
    m = decompose.mutual_within(counts)
    h = decompose.theil_h_within(counts)
    assert round(float(m.between), 4) == 0.0992
    assert round(float(h.between), 4) == 0.0977
    assert round(float(m.within), 3) == 0.326
    assert round(float(h.within), 3) == 0.321
    assert float(m.total) == pytest.approx(multigroup.mutual_information(groups_by_units()), 1e-13)


def test_parts_add_up_and_regions_carry_their_terms():
    counts = regions_groups_units("schools00_race_by_state.csv")
    for part in (decompose.mutual_within(counts), decompose.theil_h_within(counts)):
        assert float(part.between + part.within) == pytest.approx(float(part.total), rel=1e-13)
        assert part.region_within.sum() == pytest.approx(float(part.within), rel=1e-13)
        np.testing.assert_allclose(
            part.region_weight * part.region_index, part.region_within, rtol=1e-13
        )
    # each region's own M is the M of that region's table alone
    m = decompose.mutual_within(counts)
    assert m.region_index[1] == pytest.approx(multigroup.mutual_information(counts[1]), 1e-13)


def test_two_group_m_equals_multigroup_m():
    w, m = two_group()
    assert twogroup.mutual_information(w, m) == pytest.approx(
        multigroup.mutual_information(np.stack([w, m])), rel=1e-12
    )
    assert twogroup.theil_h(w, m) == pytest.approx(multigroup.theil_h(np.stack([w, m])), rel=1e-12)


def test_base_2_is_nats_over_ln2():
    counts = groups_by_units()
    assert multigroup.mutual_information(counts, base=2) == pytest.approx(
        multigroup.mutual_information(counts) / math.log(2), rel=1e-15
    )


def test_hutchens_decomposition_by_hand():
    # Region 1: w = (4, 0), m = (0, 4); region 2: w = (1, 1), m = (1, 1). W = M = 6.
    counts = np.array([[[4, 0], [0, 4]], [[1, 1], [1, 1]]], dtype=float)
    s = decompose.hutchens_within(counts)
    # c_1 = √(4·4)/6 = 2/3, c_2 = √(2·2)/6 = 1/3: between = 1 − 1 = 0
    assert float(s.between) == pytest.approx(0.0, abs=1e-15)
    # S_1 = 1 (complete segregation), S_2 = 0: within = 2/3
    np.testing.assert_allclose(s.region_index, [1.0, 0.0], atol=1e-15)
    assert float(s.within) == pytest.approx(2 / 3, rel=1e-14)
    w = counts[:, 0, :].ravel()
    m = counts[:, 1, :].ravel()
    assert float(s.total) == pytest.approx(twogroup.hutchens(w, m), rel=1e-14)


def test_local_terms_sum_to_m():
    counts = groups_by_units()
    assert multigroup.local_mutual_information(counts).sum() == pytest.approx(
        multigroup.mutual_information(counts), rel=1e-12
    )


def test_empty_units_and_groups_change_nothing():
    counts = np.array([[10, 20, 5], [5, 5, 30], [1, 0, 4]], dtype=float)
    padded = np.zeros((4, 5))
    padded[:3, 1:4] = counts
    assert multigroup.mutual_information(padded) == pytest.approx(
        multigroup.mutual_information(counts), rel=1e-15
    )
    assert multigroup.theil_h(padded) == pytest.approx(multigroup.theil_h(counts), rel=1e-15)


def test_one_group_only_has_no_h():
    assert math.isnan(multigroup.theil_h([[3.0, 4.0], [0.0, 0.0]]))
    assert multigroup.mutual_information([[3.0, 4.0], [0.0, 0.0]]) == 0.0

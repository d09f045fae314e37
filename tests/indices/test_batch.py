"""Indices of the bundled snapshot: ranges and a value recomputed independently."""

import numpy as np
import pytest


def test_indices_are_in_range(indices):
    v = indices.dropna(subset=["value"])
    assert v["value"].between(0, 1).all()
    ip = v[v["index"] == "karmel_maclachlan"]["value"]
    assert ip.between(0, 0.5).all()


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
    ]["value"].item()
    assert got == pytest.approx(expected, rel=1e-12)


def test_unknown_occupation_is_left_out(indices):
    row = indices[
        indices["measure"].eq("wage_earners_in_families") & indices["index"].eq("dissimilarity")
    ].iloc[0]
    assert row["n_units"] == 10  # 0–9, without X
    assert row["n_women"] == 802_958


def test_single_unit_tables_have_no_indices(indices):
    assert not indices["measure"].eq("general_upper_secondary_students").any()

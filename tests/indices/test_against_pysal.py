"""Our indices equal PySAL ``segregation`` 2.5.4 to 1e-12 wherever it has the index.

PySAL is a dev dependency; importing it takes tens of seconds (numba, geopandas), so it is
imported once here and the whole module is skipped if it is not installed.
"""

import numpy as np
import pandas as pd
import pytest

from assets.indices import multigroup, twogroup
from tests.indices.reference import REFERENCE, groups_by_units, two_group

singlegroup = pytest.importorskip("segregation.singlegroup")
pysal_multigroup = pytest.importorskip("segregation.multigroup")


def _census() -> tuple[np.ndarray, np.ndarray]:
    """Real US detailed occupations (ACS 2013, management/business/financial)."""
    df = pd.read_csv(REFERENCE / "us_census_2013_fulltime_workers_mgmt_business_financial.csv")
    wide = df.pivot(index="unit_code", columns="sex", values="count")
    return wide["women"].to_numpy(float), wide["men"].to_numpy(float)


def _synthetic() -> tuple[np.ndarray, np.ndarray]:
    """Synthetic: 400 units, counts spanning four orders of magnitude, some zero cells."""
    rng = np.random.default_rng(2026)
    size = rng.lognormal(4, 1.5, 400).round()
    share = rng.beta(0.7, 0.7, 400)
    w = rng.binomial(size.astype(int), share).astype(float)
    return w, size - w


TABLES = {"schools00": two_group, "us_census_2013": _census, "synthetic": _synthetic}
PAIRS = [
    ("Dissim", twogroup.dissimilarity),
    ("Gini", twogroup.gini),
    ("Entropy", twogroup.theil_h),
]


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize(("pysal_name", "ours"), PAIRS)
def test_two_group_index_equals_pysal(table, pysal_name, ours):
    w, m = TABLES[table]()
    frame = pd.DataFrame({"women": w, "total": w + m})
    theirs = getattr(singlegroup, pysal_name)(frame, "women", "total").statistic
    assert ours(w, m) == pytest.approx(theirs, rel=1e-12)


def test_multigroup_h_equals_pysal():
    counts = groups_by_units()
    frame = pd.DataFrame(counts.T, columns=[f"g{i}" for i in range(len(counts))])
    theirs = pysal_multigroup.MultiInfoTheory(frame, list(frame.columns)).statistic
    assert multigroup.theil_h(counts) == pytest.approx(theirs, rel=1e-12)


def test_two_group_h_as_multigroup_equals_pysal():
    w, m = two_group()
    frame = pd.DataFrame({"w": w, "m": m})
    theirs = pysal_multigroup.MultiInfoTheory(frame, ["w", "m"]).statistic
    assert twogroup.theil_h(w, m) == pytest.approx(theirs, rel=1e-12)

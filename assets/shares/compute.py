"""Per-unit women's shares, classes and index contributions from ``counts``.

Built on integer codes rather than a reshape of string keys: every unit (one row of the result)
gets a group number from its key columns, factorized one column at a time, and the women's and
men's counts are scattered into two arrays by that number. A ``set_index(...).unstack("sex")``
over the fourteen string key columns did the same but built a MultiIndex of every counts row
(hash tables, sorted levels, an object copy of each key): at the finest national grain (6.5
million counts rows) it took 41 CPU seconds and 8.6 GB, now 11 s and 3.0 GB
(benchmarks/RESULTS.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from assets.contracts import UNIT_SHARES, conform
from assets.reference.classifications import unknown_units
from assets.reference.keys import TABLE_KEY as UNIT_TABLE_KEY
from assets.shares.classes import ClassBounds, classify

TABLE_KEY = ["source", "source_table", *UNIT_TABLE_KEY]
UNIT_KEY = [*TABLE_KEY, "unit_code", "unit_name_fi", "unit_name_sv", "unit_name_en"]
# Result rows come out of the grouping already in the published order: the primary key first,
# the remaining unit key columns breaking (only theoretical) ties, as a stable sort would.
_ORDER = [*UNIT_SHARES.primary_key, *(c for c in UNIT_KEY if c not in UNIT_SHARES.primary_key)]


def unit_shares(counts: pd.DataFrame, bounds: ClassBounds | None = None) -> pd.DataFrame:
    """Women's share, segregation class and D/M contributions of every unit.

    One row per unit key (a unit with a count of only one sex gets <NA> for the other).
    Contributions are taken within each source table × region × year over the units that count
    in indices (known units with a positive total); other units get a contribution of <NA>.
    Raises ValueError when two counts rows share a unit key and sex.
    """
    if counts.empty:
        return conform(pd.DataFrame(columns=UNIT_SHARES.names), UNIT_SHARES)
    unit, n_units = _group_numbers(counts, _ORDER)
    sex_code, sexes = pd.factorize(counts["sex"], use_na_sentinel=False)
    _refuse_repeats(unit * len(sexes) + sex_code)
    count = counts["count"].to_numpy(dtype=np.float64, na_value=np.nan)
    women = _by_unit(unit, count, sex_code, _code_of(sexes, "women"), n_units)
    men = _by_unit(unit, count, sex_code, _code_of(sexes, "men"), n_units)

    # Any row of a unit carries its key; the last one written wins, which is as good as any.
    first = np.empty(n_units, dtype=np.int64)
    first[unit] = np.arange(len(unit))
    df = pd.DataFrame({c: counts[c].take(first).reset_index(drop=True) for c in UNIT_KEY})
    total = women + men
    df["women"] = _int_array(women)
    df["men"] = _int_array(men)
    df["total"] = _int_array(total)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["women_share"] = np.where(total > 0, women / total, np.nan)
    df["segregation_class"] = classify(df["women"], df["total"], bounds)
    in_indices = ~_is_unknown(df) & (total > 0)
    df["in_indices"] = in_indices
    d, m = _contributions(df, women, men, in_indices)
    df["d_contribution"] = d
    df["m_contribution"] = m
    return conform(df, UNIT_SHARES)


def _group_numbers(df: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, int]:
    """Each row's group of ``columns`` numbered 0… in sorted key order (missing values last),
    and the number of groups: ``groupby(columns, sort=True, dropna=False).ngroup()``, but built
    one column at a time, so only one column's codes exist at once instead of all fourteen
    (730 MB at 6.5 million rows)."""
    number = np.zeros(len(df), dtype=np.int64)
    n_groups = 1
    for column in columns:
        codes, uniques = pd.factorize(df[column], sort=True, use_na_sentinel=False)
        if n_groups * len(uniques) >= 2**62:  # renumber the groups seen so far densely
            number, seen = pd.factorize(number, sort=True)
            n_groups = len(seen)
        number *= len(uniques)
        number += codes
        n_groups *= len(uniques)
    number, seen = pd.factorize(number, sort=True)
    return number, len(seen)


def _code_of(values: pd.Index, value: str) -> int:
    """The factorized code of ``value``, or −1 (matching no row) when no row has it.

    A missing sex is a value of its own here (neither women nor men), so such rows count for
    neither, as before."""
    hits = [i for i, v in enumerate(values) if isinstance(v, str) and v == value]
    return hits[0] if hits else -1


def _refuse_repeats(cell: np.ndarray) -> None:
    per_cell = np.bincount(cell)
    if per_cell.max() < 2:
        return
    first, second = np.flatnonzero(cell == np.flatnonzero(per_cell > 1)[0])[:2]
    raise ValueError(
        f"counts row {second + 1} repeats the unit and sex of row {first + 1}; "
        "each unit needs one count per sex"
    )


def _by_unit(
    unit: np.ndarray, count: np.ndarray, sex_code: np.ndarray, wanted: int, n_units: int
) -> np.ndarray:
    """Count of sex ``wanted`` per unit; NaN where suppressed or where the unit has no such row."""
    out = np.full(n_units, np.nan)
    rows = sex_code == wanted
    out[unit[rows]] = count[rows]
    return out


def _int_array(values: np.ndarray) -> pd.arrays.IntegerArray:
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)


def _is_unknown(df: pd.DataFrame) -> np.ndarray:
    """Whether each unit is an 'unknown / other' code, looked up once per distinct code."""
    pairs = df.groupby(["classification", "unit_code"], sort=False, observed=True, dropna=False)
    code = pairs.ngroup().to_numpy()
    unknown = unknown_units()
    distinct = pairs.size().index
    flags = np.array([key in unknown for key in distinct], dtype=bool)
    return flags[code]


def _contributions(
    df: pd.DataFrame, women: np.ndarray, men: np.ndarray, in_indices: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's term of D and of M (natural log) within its table; NaN outside indices.

    Table sums are exact: they add whole numbers far below 2^53 in float64.
    """
    d = np.full(len(df), np.nan)
    m_term = np.full(len(df), np.nan)
    idx = np.flatnonzero(in_indices)
    if not len(idx):
        return d, m_term
    table, _ = _group_numbers(df[TABLE_KEY].iloc[idx], TABLE_KEY)
    w = women[idx]
    m = men[idx]
    W = np.bincount(table, weights=w)[table]
    M = np.bincount(table, weights=m)[table]
    T = W + M
    t = w + m
    with np.errstate(divide="ignore", invalid="ignore"):
        d[idx] = 0.5 * np.abs(w / W - m / M)
    m_term[idx] = _mi_term(w, t, W, T) + _mi_term(m, t, M, T)
    return d, m_term


def _mi_term(n_jg: np.ndarray, t_j: np.ndarray, n_g: np.ndarray, total: np.ndarray) -> np.ndarray:
    """(n_jg/T) · ln(n_jg·T / (t_j·N_g)), with 0 · ln 0 = 0: group g's part of unit j's M term."""
    with np.errstate(divide="ignore", invalid="ignore"):
        term = (n_jg / total) * np.log(n_jg * total / (t_j * n_g))
    return np.where(n_jg > 0, term, 0.0)

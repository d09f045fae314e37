"""What changed between two years: decompositions of the change in M and in IP.

Both decompositions rest on iterative proportional fitting (IPF, Deming & Stephan 1940): rescale a
table's rows and columns in turn until it has chosen margins. IPF keeps the table's odds ratios —
its *structure*, how groups sort into units net of sizes — and replaces only its margins.

``mutual_information_change`` (Elbers 2023): M2 − M1 =
    additions     M changes through units/groups present only in year 2,
  + removals      … and through units/groups present only in year 1,
  + group_marginal  change in the overall group mix (e.g. more women at work),
  + unit_marginal   change in unit sizes (e.g. health care growing),
  + structural      change in how groups sort into units, margins held fixed.
The last three are the Shapley values of the three factors over the units and groups present in
both years: each factor's effect averaged over all orders of switching the factors from year 1 to
year 2, with the other factors taken from either year — so the parts add up exactly and do not
depend on which year is the baseline.

``karmel_maclachlan_change`` (Karmel & MacLachlan 1988): IP2 − IP1 =
    mix_effect          IP of year 1's table fitted to year 2's margins (unit sizes and the sexes'
                        totals), minus IP1: the change that margins alone would have brought;
  + composition_effect  IP2 minus that fitted IP: the change in the sex composition of units;
  + units_changed       what units present in only one of the years add.

Inputs are aligned arrays: the same groups (rows) and units (columns) in the same order in both
years, with zeros for a unit or group absent in a year. ``change_between_years`` does that
alignment by unit code for one table of ``unit_shares``; harmonising codes that were renamed or
split between the years is the caller's job.

References: Karmel, T. & MacLachlan, M. (1988) Occupational sex segregation — increasing or
decreasing? Economic Record 64(3), 187–195. Elbers, B. (2023) A method for studying differences in
segregation across time and space. Sociological Methods & Research 52(1), 5–42.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from assets.contracts import SEGREGATION_CHANGE
from assets.indices import multigroup, twogroup

# Persons put into a zero cell before IPF in the M change decomposition (R's ``ipf`` uses 1e-4).
ZERO_CELL_FILL = 1e-4


def ipf(
    table: ArrayLike,
    row_target: ArrayLike,
    col_target: ArrayLike,
    tol: float = 1e-12,
    max_iter: int = 10_000,
) -> np.ndarray:
    """``table`` (rows × columns) rescaled to have row sums ``row_target`` and column sums
    ``col_target``, keeping its odds ratios (zero cells stay zero).

    The targets must have the same total. The result's every row and column sum is within a
    relative ``tol`` of its target; raises ValueError if that cannot be reached (a row or column
    with no persons but a positive target, or ``max_iter`` passes without converging). A table
    of two rows (women and men) is solved directly, see ``_two_rows``.
    """
    x = np.array(table, dtype=np.float64)
    r = np.asarray(row_target, dtype=np.float64)
    c = np.asarray(col_target, dtype=np.float64)
    if x.ndim != 2 or r.shape != (x.shape[0],) or c.shape != (x.shape[1],):
        raise ValueError(
            f"ipf: table {x.shape} needs row target ({x.shape[0]},) and column target "
            f"({x.shape[1]},), got {r.shape} and {c.shape}"
        )
    if not math.isclose(r.sum(), c.sum(), rel_tol=1e-9):
        raise ValueError(f"ipf: row and column targets must have one total ({r.sum()} ≠ {c.sum()})")
    if ((x.sum(1) == 0) & (r > 0)).any() or ((x.sum(0) == 0) & (c > 0)).any():
        raise ValueError("ipf: a row or column has no persons but a positive target")
    if x.shape[0] == 2:
        fitted = _two_rows(x, r, c, tol)
        if fitted is not None:
            return fitted
    for _ in range(max_iter):
        rows = x.sum(1)
        x *= np.divide(r, rows, out=np.zeros_like(r), where=rows > 0)[:, None]
        cols = x.sum(0)
        x *= np.divide(c, cols, out=np.zeros_like(c), where=cols > 0)[None, :]
        if np.allclose(x.sum(1), r, rtol=tol, atol=0.0):
            return x
    raise ValueError(f"ipf: no convergence to a relative {tol} in {max_iter} iterations")


def _two_rows(x: np.ndarray, r: np.ndarray, c: np.ndarray, tol: float) -> np.ndarray | None:
    """IPF's limit for a two-row table found directly, or None where it must iterate.

    IPF's limit is ``a_g·b_k·x[g, k]``: with ρ = a_0/a_1 every column's margin splits as
    ``c_k·s_k`` and ``c_k·(1 − s_k)``, s_k = ρ·x_0k / (ρ·x_0k + x_1k), so only the one number ρ
    is unknown and Σ c_k·s_k = r_0 pins it (the sum grows with ρ). A safeguarded Newton search
    on log ρ takes a handful of vector steps where alternating rescaling takes dozens of passes
    over the table (the change split of every year pair at national scale spent most of its time
    there). Raises ValueError where no ρ reaches the row target; returns None where it is reached
    only in the limit ρ → 0 or ∞ (the iteration's own convergence test then decides).
    """
    top, bottom = x[0], x[1]
    live = (c > 0) & ((top > 0) | (bottom > 0))
    fixed_top = live & (bottom == 0)  # s_k = 1 whatever ρ
    free = live & (top > 0) & (bottom > 0)
    low = c[fixed_top].sum()
    high = low + c[free].sum()
    if r[0] < low * (1 - tol) or r[0] > high * (1 + tol):
        # After any column rescaling the first row holds between low and high, so iterating
        # could never converge: say why at once instead of after max_iter passes.
        raise ValueError(
            f"ipf: the first row's target {r[0]:g} is out of reach: the columns' targets give it "
            f"{low:g} to {high:g} (cells that are zero in one row stay zero)"
        )
    if not low < r[0] < high:
        return None
    cf, tf, bf = c[free], top[free], bottom[free]
    need = r[0] - low
    # IPF's first row rescaling gives the starting ratio.
    log_rho = math.log((r[0] / top.sum()) / (r[1] / bottom.sum()))
    lo, hi = -math.inf, math.inf
    log_ratio = np.log(tf / bf)
    for _ in range(200):
        s = 1.0 / (1.0 + np.exp(-(log_ratio + log_rho)))
        gap = float(cf @ s) - need
        if abs(gap) <= tol * min(r[0], r[1]):  # row 1 is off by the same, -gap
            fitted = np.zeros_like(x)
            fitted[0, fixed_top] = c[fixed_top]
            fitted[0, free] = cf * s
            fitted[1, free] = cf * (1.0 - s)
            fitted[1, live & (top == 0)] = c[live & (top == 0)]
            # the iteration's own test, so both paths accept the same tables
            return fitted if np.allclose(fitted.sum(1), r, rtol=tol, atol=0.0) else None
        if gap > 0:
            hi = min(hi, log_rho)
        else:
            lo = max(lo, log_rho)
        slope = float(cf @ (s * (1.0 - s)))
        step = log_rho - gap / slope if slope > 0 else math.nan
        if not lo < step < hi:  # Newton left the bracket: halve it, or widen an open side
            step = (lo + hi) / 2 if math.isfinite(lo + hi) else log_rho + (-8.0 if gap > 0 else 8.0)
        if step == log_rho:
            break
        log_rho = step
    return None


@dataclass(frozen=True)
class MutualInformationChange:
    """M2 − M1 = additions + removals + group_marginal + unit_marginal + structural (exactly)."""

    m1: float
    m2: float
    difference: float
    additions: float
    removals: float
    group_marginal: float
    unit_marginal: float
    structural: float


def mutual_information_change(
    counts1: ArrayLike, counts2: ArrayLike, base: float = math.e
) -> MutualInformationChange:
    """Elbers' (2023) Shapley decomposition of the change in M between two (groups × units)
    tables aligned row for row and column for column.

    For two-group data pass ``np.stack([women, men])`` of each year.
    """
    c1 = multigroup.as_table(counts1)
    c2 = multigroup.as_table(counts2)
    if c1.shape != c2.shape or c1.ndim != 2:
        raise ValueError(f"tables must be aligned (groups × units), got {c1.shape} and {c2.shape}")
    scale = math.log(base)
    m1 = float(multigroup.mutual_information(c1))
    m2 = float(multigroup.mutual_information(c2))
    groups = (c1.sum(1) > 0) & (c2.sum(1) > 0)
    units = (c1.sum(0) > 0) & (c2.sum(0) > 0)
    # As the R package does, a zero cell of the common table becomes a tiny count: IPF cannot
    # move persons into a zero cell, so without it some margins could never be reached.
    o1 = np.where(c1[np.ix_(groups, units)] > 0, c1[np.ix_(groups, units)], ZERO_CELL_FILL)
    o2 = np.where(c2[np.ix_(groups, units)] > 0, c2[np.ix_(groups, units)], ZERO_CELL_FILL)
    o1 = o1 / o1.sum()
    o2 = o2 / o2.sum()
    tables = (o1, o2)
    value: dict[tuple[int, int, int], float] = {}
    for g, u, s in itertools.product((0, 1), repeat=3):
        # (g, u, s) = which year's group margins, unit margins and structure the table has
        fitted = tables[s] if g == u == s else ipf(tables[s], tables[g].sum(1), tables[u].sum(0))
        value[g, u, s] = float(multigroup.mutual_information(fitted))
    shapley = [_shapley(value, k) / scale for k in range(3)]
    m1_overlap = value[0, 0, 0] / scale
    m2_overlap = value[1, 1, 1] / scale
    return MutualInformationChange(
        m1=m1 / scale,
        m2=m2 / scale,
        difference=(m2 - m1) / scale,
        additions=m2 / scale - m2_overlap,
        removals=m1_overlap - m1 / scale,
        group_marginal=shapley[0],
        unit_marginal=shapley[1],
        structural=shapley[2],
    )


def _shapley(value: dict[tuple[int, int, int], float], factor: int) -> float:
    """Shapley value of one of three factors: weight 1/3 when 0 or 2 others switched, 1/6 when 1."""
    total = 0.0
    for others in itertools.product((0, 1), repeat=2):
        k = sum(others)
        weight = math.factorial(k) * math.factorial(2 - k) / math.factorial(3)
        before = list(others)
        before.insert(factor, 0)
        after = list(others)
        after.insert(factor, 1)
        total += weight * (value[tuple(after)] - value[tuple(before)])
    return total


@dataclass(frozen=True)
class KarmelMacLachlanChange:
    """IP2 − IP1 = mix_effect + composition_effect + units_changed (exactly)."""

    ip1: float
    ip2: float
    difference: float
    mix_effect: float
    composition_effect: float
    units_changed: float


def karmel_maclachlan_change(
    women1: ArrayLike, men1: ArrayLike, women2: ArrayLike, men2: ArrayLike
) -> KarmelMacLachlanChange:
    """Karmel & MacLachlan's (1988) split of the change in IP into mix and composition effects.

    Arrays are per unit, aligned across the two years. The split uses the units with persons in
    both years; ``units_changed`` is what units present in only one year add to the change.
    """
    w1, m1 = twogroup.as_counts(women1, men1)
    w2, m2 = twogroup.as_counts(women2, men2)
    if w1.shape != w2.shape or w1.ndim != 1:
        raise ValueError(f"years must be aligned 1-D arrays, got {w1.shape} and {w2.shape}")
    # Tables of one length go through the index kernel together: one call per pass, not five.
    ip1, ip2 = twogroup.karmel_maclachlan(np.stack([w1, w2]), np.stack([m1, m2])).tolist()
    both = ((w1 + m1) > 0) & ((w2 + m2) > 0)
    t1 = np.stack([w1[both], m1[both]])
    t2 = np.stack([w2[both], m2[both]])
    fitted = ipf(t1, t2.sum(1), t2.sum(0))
    ip1_common, ip2_common, ip_fitted = twogroup.karmel_maclachlan(
        np.stack([t1[0], t2[0], fitted[0]]), np.stack([t1[1], t2[1], fitted[1]])
    ).tolist()
    return KarmelMacLachlanChange(
        ip1=ip1,
        ip2=ip2,
        difference=ip2 - ip1,
        mix_effect=ip_fitted - ip1_common,
        composition_effect=ip2_common - ip_fitted,
        units_changed=(ip2 - ip1) - (ip2_common - ip1_common),
    )


def change_between_years(
    unit_shares: pd.DataFrame, year1: int, year2: int
) -> tuple[MutualInformationChange, KarmelMacLachlanChange]:
    """Both decompositions for one table (one dimension, classification, level, measure and
    region) of ``unit_shares`` between two years.

    Units are aligned by ``unit_code``; units not ``in_indices`` or with a suppressed count are
    left out of the year where that holds (they then count as added or removed). Raises
    ValueError when the rows hold more than one table or a year is missing.
    """
    table_cols = ["dimension", "classification", "level", "measure", "region_code"]
    rows = unit_shares[unit_shares["year"].isin([year1, year2])]
    rows = rows[rows["in_indices"].fillna(False).astype(bool)]
    rows = rows.dropna(subset=["women", "men"])
    if rows.groupby(table_cols, dropna=False).ngroups != 1:
        raise ValueError(f"select one table first: the rows hold {table_cols} combinations ≠ 1")
    wide = rows.pivot_table(
        index="unit_code", columns="year", values=["women", "men"], aggfunc="sum", fill_value=0
    )
    missing = [y for y in (year1, year2) if y not in set(rows["year"])]
    if missing:
        raise ValueError(f"no units with counts in year(s) {missing}")
    w1, m1 = wide[("women", year1)].to_numpy(float), wide[("men", year1)].to_numpy(float)
    w2, m2 = wide[("women", year2)].to_numpy(float), wide[("men", year2)].to_numpy(float)
    return (
        mutual_information_change(np.stack([w1, m1]), np.stack([w2, m2])),
        karmel_maclachlan_change(w1, m1, w2, m2),
    )


CHANGE_TABLE_KEY = ("dimension", "classification", "level", "measure", "region_code")
"""One table of units whose change is split: every column of a table's key except the year."""

CHANGE_COLUMNS = tuple(SEGREGATION_CHANGE.names)
"""Columns of the ``segregation_change`` dataset, in order: its metadata file's fields."""

NO_COMMON_UNITS = "no unit has persons in both years: the change cannot be split"


def segregation_change(unit_shares: pd.DataFrame) -> pd.DataFrame:
    """The ``segregation_change`` dataset: Karmel–MacLachlan's split of the change in IP for
    every table of units (``CHANGE_TABLE_KEY``) between each pair of its consecutive years.

    A table's years are those in which it has a unit counted in indices with persons and both
    counts present — the years an article can quote — and each year is paired with the table's
    previous such year (not necessarily the calendar year before: a table published for 2013
    and 2018 only has the pair 2013→2018). That is the pair the "what changed" article
    describes (its newest year against the one before); earlier pairs are published too, so
    that every year's change can be read without recomputing. A pair is published only when
    both years have two or more such units: IP of a single unit measures no segregation between
    units, and ``segregation_indices`` has no row for it either.

    The units are those of ``segregation_indices`` (``in_indices``, a unit with a suppressed
    count left out), aligned by ``unit_code``, so ``ip_start`` and ``ip_end`` are the published
    IP of the two years and the three parts add up to ``ip_change`` exactly. Each pair is split
    by ``karmel_maclachlan_change``; a pair it cannot split (no unit in both years, or the
    common units of the first year hold no persons of a sex the second year has) keeps its IP
    values, has empty parts, and says why in ``method_note``.
    """
    table_cols = list(CHANGE_TABLE_KEY)
    women, men = unit_shares["women"], unit_shares["men"]
    usable = (
        unit_shares["in_indices"].fillna(False).astype(bool)
        & women.notna()
        & men.notna()
        & (women.fillna(0) + men.fillna(0)).gt(0)
    )
    cols = [*table_cols, "region_name_fi", "year", "unit_code", "women", "men", "source_table"]
    rows = unit_shares.loc[usable, cols]
    out: list[dict] = []
    if len(rows):
        # numpy over the whole frame once: per-pair pandas alignment cost ~40 ms a pair
        table = rows.groupby(table_cols, sort=True, observed=True, dropna=False).ngroup()
        unit, _ = pd.factorize(rows["unit_code"].astype(str), sort=True)  # rank = code order
        year = rows["year"].to_numpy(np.int64)
        order = np.lexsort((unit, year, table.to_numpy()))
        rows = rows.iloc[order]
        table_id, year, unit = table.to_numpy()[order], year[order], unit[order]
        women_v = rows["women"].to_numpy(np.float64)
        men_v = rows["men"].to_numpy(np.float64)
        starts = np.flatnonzero(np.r_[True, table_id[1:] != table_id[:-1]])
        for lo, hi in zip(starts, [*starts[1:], len(rows)], strict=True):
            key = tuple(rows[c].iloc[lo] for c in table_cols)
            ys, first = np.unique(year[lo:hi], return_index=True)
            bounds = [*(lo + first), hi]
            for i in range(len(ys) - 1):
                a = slice(bounds[i], bounds[i + 1])
                b = slice(bounds[i + 1], bounds[i + 2])
                if a.stop - a.start < 2 or b.stop - b.start < 2:
                    continue
                codes = np.union1d(unit[a], unit[b])
                w1, m1, w2, m2 = (np.zeros(len(codes)) for _ in range(4))
                pa, pb = np.searchsorted(codes, unit[a]), np.searchsorted(codes, unit[b])
                np.add.at(w1, pa, women_v[a])
                np.add.at(m1, pa, men_v[a])
                np.add.at(w2, pb, women_v[b])
                np.add.at(m2, pb, men_v[b])
                out.append(
                    _pair_row(
                        key,
                        (int(ys[i]), int(ys[i + 1])),
                        (w1, m1, w2, m2),
                        (rows["source_table"].iloc[a.start], rows["source_table"].iloc[b.start]),
                        rows["region_name_fi"].iloc[b.start],
                    )
                )
    frame = pd.DataFrame(out, columns=list(CHANGE_COLUMNS))
    for col in ("level", "year_start", "year_end", *(c for c in CHANGE_COLUMNS if c[:2] == "n_")):
        frame[col] = frame[col].astype("Int64")
    for col in (c for c in CHANGE_COLUMNS if c.startswith("ip_")):
        frame[col] = frame[col].astype("float64")
    return frame


def _pair_row(
    key: tuple,
    years: tuple[int, int],
    counts: tuple[np.ndarray, ...],
    tables: tuple[str, str],
    region_name: str,
) -> dict:
    """One row of ``segregation_change``: the split between two years of one table, from the
    women and men of each year per unit (aligned, in unit-code order)."""
    w1, m1, w2, m2 = counts
    in1, in2 = (w1 + m1) > 0, (w2 + m2) > 0
    common = int((in1 & in2).sum())
    note = ""
    try:
        split = karmel_maclachlan_change(w1, m1, w2, m2) if common else None
    except ValueError as err:  # IPF cannot reach the second year's margins
        split, note = None, f"the change cannot be split: {err}"
    if split is None:
        note = note or NO_COMMON_UNITS
        ip1 = float(twogroup.karmel_maclachlan(w1, m1))
        ip2 = float(twogroup.karmel_maclachlan(w2, m2))
        parts = (math.nan, math.nan, math.nan)
    else:
        ip1, ip2 = split.ip1, split.ip2
        parts = (split.mix_effect, split.composition_effect, split.units_changed)
    return {
        **dict(zip(CHANGE_TABLE_KEY, key, strict=True)),
        "region_name_fi": region_name,
        "year_start": years[0],
        "year_end": years[1],
        "ip_start": ip1,
        "ip_end": ip2,
        "ip_change": ip2 - ip1,
        "ip_mix_effect": parts[0],
        "ip_composition_effect": parts[1],
        "ip_units_changed": parts[2],
        "n_units_common": common,
        "n_units_start_only": int((in1 & ~in2).sum()),
        "n_units_end_only": int((in2 & ~in1).sum()),
        "source_table_start": tables[0],
        "source_table_end": tables[1],
        "method_note": note,
    }

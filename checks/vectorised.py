"""Each rule's failing rows found with numpy/pandas, so Great Expectations judges a few rows.

GX evaluates expectations row by row through its metric machinery: about 80 µs per counts row,
which at national scale (6.5 million rows) is minutes. The verdict of every expectation we use
depends only on the rows that fail it (a column-map expectation fails iff some non-ignored row
is unexpected; a compound key fails iff some key repeats; a row-count minimum of 1 fails iff
there are no rows). So the same condition is computed here, vectorised, and GX receives only
the *reduced view*: for each rule of a view its first failing rows (enough for the sample an
outcome keeps), every other row of a repeated key among them, and the view's first row. GX
stays the engine of record — it judges the reduced view with the real expectation and its
arguments, and its partial results (the first failing rows in order) are those of the whole
view — while the exact counts (how many rows were checked, how many failed) come from here.

An expectation this module does not know is never guessed: its view is handed to GX whole.
Nothing here imports GX or Dagster.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from checks.suites import Rule

# Table-level expectations whose verdict the reduced view keeps as long as it keeps one row (and
# every column): the observed value (the row count) is then taken from the whole view.
ROW_COUNT = "ExpectTableRowCountToBeBetween"
COLUMN_SET = "ExpectTableColumnsToMatchSet"


@dataclass(frozen=True)
class Reduced:
    """The rows GX is given, and per rule (by name) the exact count of failing rows."""

    frame: pd.DataFrame
    failing: dict[str, int]
    rows: int


def per_value(series: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """``fn`` applied to each distinct non-missing value only, spread back to every row.

    Counts views repeat few values over millions of rows (a region code, the text of a count);
    a regular expression or a set look-up on the distinct values costs what the values cost,
    not what the rows cost. Missing rows get False.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        uniques = pd.Series(series.cat.categories, dtype=object)
    else:
        codes, uniques_arr = pd.factorize(series, use_na_sentinel=True)
        uniques = pd.Series(uniques_arr, dtype=object)
    if len(uniques) == 0:
        return np.zeros(len(series), dtype=bool)
    judged = np.append(np.asarray(fn(uniques), dtype=bool), False)  # code -1 → the appended False
    return judged[codes]


def _present(series: pd.Series) -> np.ndarray:
    return series.notna().to_numpy()


def _regex(kwargs: dict[str, Any]) -> re.Pattern[str]:
    return re.compile(kwargs["regex"])


def _contains(pattern: re.Pattern[str]) -> Callable[[pd.Series], pd.Series]:
    # GX (pandas): ``column.astype(str).str.contains(regex)`` — a search, not a full match.
    return lambda values: values.map(lambda v: pattern.search(str(v)) is not None)


def _between(values: pd.Series, kwargs: dict[str, Any]) -> np.ndarray:
    ok = np.ones(len(values), dtype=bool)
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    lo, hi = kwargs.get("min_value"), kwargs.get("max_value")
    with np.errstate(invalid="ignore"):
        if lo is not None:
            ok &= numbers > lo if kwargs.get("strict_min") else numbers >= lo
        if hi is not None:
            ok &= numbers < hi if kwargs.get("strict_max") else numbers <= hi
    return ok


def _pair_ignored(a: pd.Series, b: pd.Series, how: str) -> np.ndarray:
    ma, mb = a.isna().to_numpy(), b.isna().to_numpy()
    if how == "either_value_is_missing":
        return ma | mb
    if how == "neither":
        return np.zeros(len(a), dtype=bool)
    return ma & mb  # both_values_are_missing, GX's default


def _as_bool(values: Any) -> np.ndarray:
    series = pd.Series(values)
    return series.fillna(False).to_numpy(dtype=bool)


def failing_mask(frame: pd.DataFrame, rule: Rule) -> np.ndarray | None:
    """Rows of ``frame`` that fail ``rule`` as GX's pandas engine decides; None if unknown."""
    kw = rule.kwargs
    kind = rule.expectation
    column = kw.get("column")
    if column is not None and column not in frame.columns:
        return None  # GX reports the missing column itself
    if kind == "ExpectColumnValuesToNotBeNull":
        return frame[column].isna().to_numpy()
    if kind == "ExpectColumnValuesToMatchRegex":
        s = frame[column]
        return _present(s) & ~per_value(s, _contains(_regex(kw)))
    if kind == "ExpectColumnValuesToNotMatchRegex":
        s = frame[column]
        return _present(s) & per_value(s, _contains(_regex(kw)))
    if kind == "ExpectColumnValuesToBeInSet":
        s = frame[column]
        allowed = list(kw["value_set"])
        return _present(s) & ~per_value(s, lambda v: v.isin(allowed))
    if kind == "ExpectColumnValuesToBeBetween":
        s = frame[column]
        if not (pd.api.types.is_numeric_dtype(s.dtype) or s.isna().all()):
            return None
        return _present(s) & ~_between(s, kw)
    if kind == "ExpectColumnValueLengthsToBeBetween":
        s = frame[column]
        return _present(s) & ~per_value(s, lambda v: pd.Series(_between(v.map(len), kw)))
    if kind == "ExpectCompoundColumnsToBeUnique":
        cols = list(kw["column_list"])
        if not set(cols) <= set(frame.columns):
            return None
        how = kw.get("ignore_row_if", "all_values_are_missing")
        missing = frame[cols].isna().to_numpy()
        ignored = missing.all(axis=1) if how == "all_values_are_missing" else missing.any(axis=1)
        if how == "never":
            ignored = np.zeros(len(frame), dtype=bool)
        group = key_groups(frame, cols)
        counts = np.bincount(group[~ignored], minlength=group.max() + 1 if len(group) else 0)
        return ~ignored & (counts[group] > 1) if len(group) else ignored
    if kind in ("ExpectColumnPairValuesToBeEqual", "ExpectColumnPairValuesAToBeGreaterThanB"):
        a_name, b_name = kw["column_A"], kw["column_B"]
        if not {a_name, b_name} <= set(frame.columns):
            return None
        a, b = _comparable(frame[a_name]), _comparable(frame[b_name])
        ignored = _pair_ignored(a, b, kw.get("ignore_row_if", "both_values_are_missing"))
        if kind == "ExpectColumnPairValuesToBeEqual":
            ok = _as_bool(a == b)
        else:
            ok = _as_bool(a >= b) if kw.get("or_equal") else _as_bool(a > b)
        return ~ignored & ~ok
    return None


def _comparable(series: pd.Series) -> pd.Series:
    """Categorical columns as their values: pandas refuses to compare two categoricals whose
    categories differ, GX compares the values."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.astype(object)
    return series


def key_groups(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """A group number per row, equal exactly where the values of ``cols`` are (missing equal to
    missing, as ``DataFrame.duplicated``): each column factorised, the codes combined into one
    integer, which numpy groups far faster than pandas compares several object columns."""
    key = np.zeros(len(frame), dtype=np.int64)
    for col in cols:
        codes, uniques = pd.factorize(frame[col], use_na_sentinel=True)
        codes = np.where(codes < 0, len(uniques), codes).astype(np.int64)
        key = key * (len(uniques) + 1) + codes
    return np.unique(key, return_inverse=True)[1].reshape(-1)


def _first(mask: np.ndarray, cap: int) -> np.ndarray:
    return np.flatnonzero(mask)[:cap]


def _key_closure(frame: pd.DataFrame, cols: list[str], mask: np.ndarray, cap: int) -> np.ndarray:
    """The first ``cap`` failing rows of a compound key and every other row with their keys, so
    GX sees those rows as repeated too."""
    first = _first(mask, cap)
    if not len(first):
        return first
    group = key_groups(frame, cols)
    return np.flatnonzero(mask & np.isin(group, group[first]))


def reduce_view(frame: pd.DataFrame, rules: Iterable[Rule], cap: int) -> Reduced | None:
    """The reduced view of ``frame`` for ``rules``, or None when one rule cannot be judged here
    (the whole view then goes to GX)."""
    frame = frame.reset_index(drop=True)
    keep: list[np.ndarray] = [np.arange(min(1, len(frame)))]
    failing: dict[str, int] = {}
    for rule in rules:
        if rule.expectation == COLUMN_SET:
            continue
        if rule.expectation == ROW_COUNT:
            if rule.kwargs.get("max_value") is not None or (rule.kwargs.get("min_value") or 0) > 1:
                return None
            continue
        mask = failing_mask(frame, rule)
        if mask is None:
            return None
        failing[rule.name] = int(mask.sum())
        if rule.expectation == "ExpectCompoundColumnsToBeUnique":
            keep.append(_key_closure(frame, list(rule.kwargs["column_list"]), mask, cap))
        else:
            keep.append(_first(mask, cap))
    rows = np.unique(np.concatenate(keep)) if keep else np.arange(0)
    small = frame.iloc[rows]
    # GX gets plain object columns where the view holds categories (same values, same verdicts).
    for col in small.columns:
        if isinstance(small[col].dtype, pd.CategoricalDtype):
            small = small.assign(**{col: small[col].astype(object)})
    return Reduced(frame=small, failing=failing, rows=len(frame))

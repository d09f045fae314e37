"""Thresholds of a criterion, judged in exact rational arithmetic.

A threshold from the catalogue (``{op: between, low: 0.40, high: 0.60}``) becomes an
:class:`Interval` of :class:`~fractions.Fraction` bounds. Ratios of counts are tested as integers
(women·q against p·total for a bound p/q), so a unit of exactly 40 % or 60 % women lands where the
catalogue says, never where float rounding would put it. The same intervals let the catalogue
validator prove that class bounds neither overlap nor leave gaps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from typing import Any

import numpy as np

COMPARISON_OPS = ("gt", "ge", "lt", "le")
SYMBOL = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}


def fraction(x: Any) -> Fraction:
    """The decimal the YAML author wrote (0.9 → 9/10), not the nearest binary float."""
    return Fraction(str(x))


def threshold_form(thresholds: dict[str, Any]) -> str:
    """``interval`` for a constant bound or range, ``reference`` for a reference-region rule."""
    return "reference" if "reference_region" in thresholds else "interval"


@dataclass(frozen=True)
class Interval:
    """A set of metric values: bounds may be missing (unbounded) and open or closed."""

    low: Fraction | None
    low_closed: bool
    high: Fraction | None
    high_closed: bool

    @classmethod
    def of(cls, thresholds: dict[str, Any]) -> Interval:
        op = thresholds["op"]
        if op == "between":
            return cls(
                fraction(thresholds["low"]),
                thresholds.get("include_low", True),
                fraction(thresholds["high"]),
                thresholds.get("include_high", True),
            )
        bound = fraction(thresholds["value"])
        if op in ("gt", "ge"):
            return cls(bound, op == "ge", None, False)
        return cls(None, False, bound, op == "le")

    def as_floats(self) -> Interval:
        """Bounds rounded to the nearest float, for judging values that exist only as floats.

        Rounding is monotonic, so a float value compared with a float bound keeps the order of
        the exact numbers except within one ulp, far below any difference a mean of 1–5 scores
        can have; equality is kept exactly.
        """
        return Interval(
            None if self.low is None else Fraction(float(self.low)),
            self.low_closed,
            None if self.high is None else Fraction(float(self.high)),
            self.high_closed,
        )

    def is_empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        return self.low > self.high or (
            self.low == self.high and not (self.low_closed and self.high_closed)
        )

    def contains(self, x: Fraction) -> bool:
        above = self.low is None or x > self.low or (self.low_closed and x == self.low)
        below = self.high is None or x < self.high or (self.high_closed and x == self.high)
        return above and below

    def intersect(self, other: Interval) -> Interval:
        low, low_closed = _tighter(
            (self.low, self.low_closed), (other.low, other.low_closed), lower=True
        )
        high, high_closed = _tighter(
            (self.high, self.high_closed), (other.high, other.high_closed), lower=False
        )
        return Interval(low, low_closed, high, high_closed)

    def witness(self) -> Fraction:
        """A value inside a non-empty interval, for error messages ("both contain 0.9")."""
        if self.low is not None and self.low_closed:
            return self.low
        if self.high is not None and self.high_closed:
            return self.high
        if self.low is not None and self.high is not None:
            return (self.low + self.high) / 2
        if self.low is not None:
            return self.low + 1
        return (self.high - 1) if self.high is not None else Fraction(0)


def _tighter(
    a: tuple[Fraction | None, bool], b: tuple[Fraction | None, bool], *, lower: bool
) -> tuple[Fraction | None, bool]:
    if a[0] is None:
        return b
    if b[0] is None:
        return a
    if a[0] == b[0]:
        return a[0], a[1] and b[1]
    pick = max if lower else min
    return a if pick(a[0], b[0]) == a[0] else b


def first_overlap(intervals: dict[str, Interval]) -> tuple[str, str, Fraction] | None:
    """Two criteria whose intervals share a value, with that value; None if all are disjoint."""
    names = list(intervals)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            common = intervals[a].intersect(intervals[b])
            if not common.is_empty():
                return a, b, common.witness()
    return None


def first_gap(intervals: Iterable[Interval], low: Fraction, high: Fraction) -> Fraction | None:
    """A value in [low, high] that no interval contains; None when they cover it all.

    The candidates are the domain ends, every bound, and the midpoints between consecutive
    bounds: between two bounds membership cannot change, so checking those points is complete.
    """
    items = list(intervals)
    bounds = sorted(
        {low, high}
        | {b for i in items for b in (i.low, i.high) if b is not None and low <= b <= high}
    )
    candidates = list(bounds) + [(x + y) / 2 for x, y in pairwise(bounds)]
    for x in sorted(candidates):
        if not any(i.contains(x) for i in items):
            return x
    return None


def describe(metric: str, thresholds: dict[str, Any], reference_value: str = "") -> str:
    """The rule as one line, e.g. ``0.4 <= women_share <= 0.6``."""
    op = thresholds["op"]
    if op == "between":
        lo = "<=" if thresholds.get("include_low", True) else "<"
        hi = "<=" if thresholds.get("include_high", True) else "<"
        return f"{thresholds['low']} {lo} {metric} {hi} {thresholds['high']}"
    if "reference_region" in thresholds:
        ref = f"{metric}({thresholds['reference_region']})"
        return f"{metric} {SYMBOL[op]} {ref}" + (f" = {reference_value}" if reference_value else "")
    return f"{metric} {SYMBOL[op]} {thresholds['value']}"


def ratio_in(num: Sequence[int], den: Sequence[int], interval: Interval) -> np.ndarray:
    """Element-wise ``num/den ∈ interval`` in integers (den > 0 wherever the answer is used)."""
    # Python ints (not int64) so products of large counts and bounds can never overflow.
    n = np.array([int(x) for x in np.asarray(num)], dtype=object)
    d = np.array([int(x) for x in np.asarray(den)], dtype=object)
    ok = np.ones(len(n), dtype=bool)
    if interval.low is not None:
        left, right = n * interval.low.denominator, d * interval.low.numerator
        ok &= (left >= right if interval.low_closed else left > right).astype(bool)
    if interval.high is not None:
        left, right = n * interval.high.denominator, d * interval.high.numerator
        ok &= (left <= right if interval.high_closed else left < right).astype(bool)
    return ok


def compare(value: Fraction, op: str, other: Fraction) -> bool:
    """``value OP other`` for a reference-region rule."""
    return {
        "gt": value > other,
        "ge": value >= other,
        "lt": value < other,
        "le": value <= other,
    }[op]

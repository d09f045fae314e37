"""Framing rules: which units an article may rank, classify or lead with, and in which words.

These are rules a reader relies on without seeing them, so they are code with tests rather than
habits of a template:

- *Dominance* is by women's share: the most female-dominated units are those with the largest
  share above 60 %, the most male-dominated those with the smallest share below 40 % (Statistics
  Finland's bounds of the female- and male-dominated classes). A unit can therefore never be in
  both lists, a balanced unit is in neither, and a table whose units all lean one way has one.
  Size (head-count) is a different question and is named as size.
- A table with a single unit (all general upper secondary students of a region) says nothing
  about segregation between units: it is never ranked and never classified.
- A residual unit (a published grand total minus the listed fields, an "unknown" row, code ``X``
  or ``99``) is not a field of anything: it is shown in tables, labelled, but never ranked or
  classified.
- The story first: of the findings an article could open with, a criterion not met in the
  region comes before a region-against-country difference, which comes before the largest change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

RESIDUAL_CODES = frozenset({"X", "99", "XX", "999"})
_RESIDUAL_NAME = re.compile(r"\b(tuntematon|jäännös|muu tai tuntematon)\b", re.IGNORECASE)
_RESIDUAL_DERIVATION = re.compile(r"\bminus\b|jäännös|residual", re.IGNORECASE)
TOP = 3
FEMALE_ABOVE = 0.6
MALE_BELOW = 0.4


def residual_keys(counts: pd.DataFrame) -> frozenset[tuple[str, str]]:
    """(source_table, unit_code) of every unit whose counts are a remainder of a total.

    Read from ``counts.derivation``: "men = total − women" derives one sex of a real unit and is
    not a residual; "the published grand total minus fields 00–09" is.
    """
    if "derivation" not in counts:
        return frozenset()
    derived = counts[counts["derivation"].fillna("").str.contains(_RESIDUAL_DERIVATION)]
    return frozenset(zip(derived["source_table"], derived["unit_code"].astype(str), strict=True))


def is_residual(code: str, name_fi: str, derived_remainder: bool = False) -> bool:
    """A unit that is not a field or group of its own (unknown, residual, a remainder)."""
    return (
        derived_remainder
        or str(code) in RESIDUAL_CODES
        or "+" in str(code)
        or bool(_RESIDUAL_NAME.search(name_fi or ""))
    )


def rankable(records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The units a ranking or a classification may name: not residual, in a multi-unit table."""
    units = [r for r in records if not r.get("residual")]
    return units if len(units) >= 2 else []


def most_female(records: Iterable[Mapping[str, Any]], n: int = TOP) -> list[Mapping[str, Any]]:
    """Up to ``n`` units with the largest women's share above 60 %, largest first."""
    units = [r for r in rankable(records) if r["share"] > FEMALE_ABOVE]
    return sorted(units, key=lambda r: (-r["share"], r["name"]))[:n]


def most_male(records: Iterable[Mapping[str, Any]], n: int = TOP) -> list[Mapping[str, Any]]:
    """Up to ``n`` units with the smallest women's share below 40 %, smallest first."""
    units = [r for r in rankable(records) if r["share"] < MALE_BELOW]
    return sorted(units, key=lambda r: (r["share"], r["name"]))[:n]


def largest(records: Iterable[Mapping[str, Any]], n: int = TOP) -> list[Mapping[str, Any]]:
    """Up to ``n`` units with the most persons: size, to be named as size, never as dominance."""
    return sorted(rankable(records), key=lambda r: (-r["total"], r["name"]))[:n]


def classified(records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The units whose segregation class may be stated (see ``rankable``)."""
    return rankable(records)


@dataclass(frozen=True)
class Finding:
    """One true statement an article could open with.

    ``kind`` is ``criterion_not_met`` (a criterion judged and not met in the region),
    ``region_vs_country`` (the region's share differs from the country's) or ``change`` (a share
    moved between two years); ``size`` is the change or difference in percentage points, used to
    choose between findings of the same kind.
    """

    kind: str
    size: float
    facts: Mapping[str, Any]


PRIORITY = ("criterion_not_met", "region_vs_country", "change")


def story_first(findings: Iterable[Finding]) -> Finding | None:
    """The most newsworthy finding: by kind in ``PRIORITY`` order, then by size."""
    ranked = sorted(
        (f for f in findings if f.kind in PRIORITY),
        key=lambda f: (PRIORITY.index(f.kind), -abs(f.size)),
    )
    return ranked[0] if ranked else None

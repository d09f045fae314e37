"""Structural rules every ``counts`` table must satisfy before anything downstream runs.

Pure pandas; each rule returns the offending rows so that a failure can say where it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from assets.contracts import COUNTS

SEXES = {"women", "men"}


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    failing: int
    description: str
    sample: list[dict[str, object]]


def _result(rule: str, bad: pd.DataFrame, description: str) -> RuleResult:
    sample = bad.head(5).astype(str).to_dict("records")
    return RuleResult(rule, bad.empty, len(bad), description, sample)


def check_counts(df: pd.DataFrame) -> list[RuleResult]:
    key = list(COUNTS.primary_key)
    unit = [k for k in key if k != "sex"]
    results = [
        _result(
            "unique_keys",
            df[df.duplicated(key, keep=False)],
            "one row per source table, measure, level, region, year, unit and sex",
        ),
        _result("known_sex", df[~df["sex"].isin(SEXES)], "sex is 'women' or 'men'"),
        _result(
            "non_negative_counts",
            df[df["count"].notna() & (df["count"] < 0)],
            "counts are zero or more",
        ),
    ]
    sexes = df.groupby(unit, observed=True)["sex"].nunique()
    lonely = sexes[sexes < 2].reset_index()
    results.append(_result("both_sexes", lonely, "every unit has a row for women and for men"))
    return results

"""Apply a criteria set to ``unit_shares`` → ``criteria_results`` rows.

Rules compare rational numbers exactly (women · denominator against bound · total), so a unit of
exactly 40 % or 60 % women lands where the catalogue says, not where float rounding puts it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from assets.contracts import CRITERIA_RESULTS, conform

SUBJECT_KEY = [
    "dimension",
    "classification",
    "level",
    "measure",
    "region_code",
    "region_name_fi",
    "year",
    "unit_code",
]


def _fraction(x: Any) -> Fraction:
    return Fraction(str(x))


def _rule_text(metric: str, rule: dict[str, Any]) -> str:
    op = rule["op"]
    if op == "between":
        lo = "<=" if rule.get("include_low", True) else "<"
        hi = "<=" if rule.get("include_high", True) else "<"
        return f"{rule['low']} {lo} {metric} {hi} {rule['high']}"
    return f"{metric} {dict(gt='>', ge='>=', lt='<', le='<=')[op]} {rule['value']}"


def _exact_test(num: np.ndarray, den: np.ndarray, rule: dict[str, Any]) -> np.ndarray:
    """num/den OP bound, in integers: compare num·q with p·den for bound p/q."""

    def cmp(bound: Any, op: str) -> np.ndarray:
        f = _fraction(bound)
        left = num.astype(object) * f.denominator
        right = den.astype(object) * f.numerator
        return {
            "gt": left > right,
            "ge": left >= right,
            "lt": left < right,
            "le": left <= right,
        }[op].astype(bool)

    op = rule["op"]
    if op == "between":
        low = cmp(rule["low"], "ge" if rule.get("include_low", True) else "gt")
        high = cmp(rule["high"], "le" if rule.get("include_high", True) else "lt")
        return low & high
    return cmp(rule["value"], op)


def apply_unit_criteria(
    catalogue: dict[str, Any], unit_shares: pd.DataFrame, min_total: int = 1
) -> pd.DataFrame:
    """Judge every unit against every ``women_share`` criterion of the set.

    Units whose total is below ``min_total`` (or suppressed) are ``insufficient_data``.
    """
    units = unit_shares.reset_index(drop=True)
    women = units["women"].astype("Int64")
    total = units["total"].astype("Int64")
    enough = (total.notna() & women.notna() & (total.fillna(0) >= max(min_total, 1))).to_numpy()
    num = women.fillna(0).to_numpy(dtype=np.int64)
    den = total.fillna(0).to_numpy(dtype=np.int64)
    subject = (
        units["measure"]
        + "/"
        + units["classification"]
        + "/"
        + units["level"].astype(str)
        + "/"
        + units["region_code"]
        + "/"
        + units["year"].astype(str)
        + "/"
        + units["unit_code"]
    )
    parts = []
    for crit in catalogue["criteria"]:
        if crit["kind"] != "statistical" or "unit" not in crit["subjects"]:
            continue
        met = _exact_test(num, den, crit["rule"])
        status = np.where(~enough, "insufficient_data", np.where(met, "met", "not_met"))
        evidence = np.where(
            enough,
            "women " + women.astype(str) + " of " + total.astype(str),
            f"total below the minimum of {min_total} persons or suppressed",
        )
        part = units[SUBJECT_KEY].copy()
        part["criteria_set"] = catalogue["id"]
        part["criteria_version"] = str(catalogue["version"])
        part["criterion_id"] = crit["id"]
        part["subject_type"] = "unit"
        part["subject"] = subject
        part["value"] = units["women_share"].where(enough)
        part["threshold"] = _rule_text(crit["metric"], crit["rule"])
        part["status"] = status
        part["evidence"] = evidence
        parts.append(part)
    if not parts:
        return conform(pd.DataFrame(columns=CRITERIA_RESULTS.names), CRITERIA_RESULTS)
    return conform(pd.concat(parts, ignore_index=True), CRITERIA_RESULTS)

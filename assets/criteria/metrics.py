"""The metrics a statistical criterion may name, and what each one needs.

A catalogue entry naming a metric not listed here, or giving it the wrong kind of threshold or
parameters, fails validation with the file and the entry named, before anything is computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from assets.criteria.inputs import Inputs, Settings
from assets.criteria.mappings import MappingError, load_mapping
from assets.criteria.share_metrics import balanced_share, women_share
from assets.criteria.trend_metrics import index_metric, minority_share_change_pp, pipeline_gap_pp

Compute = Callable[[dict[str, Any], dict[str, Any], Inputs, Settings], pd.DataFrame]
ParamCheck = Callable[[dict[str, Any], dict[str, Any]], str | None]


def _no_params(params: dict[str, Any], cset: dict[str, Any]) -> str | None:
    return f"takes no params, got {sorted(params)}" if params else None


def _class_criterion(params: dict[str, Any], cset: dict[str, Any]) -> str | None:
    name = params.get("class_criterion")
    match = [c for c in cset["criteria"] if c["id"] == name]
    if not match:
        return f"params.class_criterion '{name}' is not a criterion of this set"
    if match[0].get("metric") != "women_share" or "reference_region" in match[0]["thresholds"]:
        return f"params.class_criterion '{name}' must be a women_share criterion with bounds"
    return None


def _years(params: dict[str, Any], cset: dict[str, Any]) -> str | None:
    years = params.get("years")
    if not isinstance(years, int) or isinstance(years, bool) or years < 1:
        return f"params.years must be a whole number of years >= 1, got {years!r}"
    return None


def _pipeline(params: dict[str, Any], cset: dict[str, Any]) -> str | None:
    for key in ("student_measures", "employed_measures"):
        value = params.get(key)
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            return f"params.{key} must be a non-empty list of measure names"
    try:
        load_mapping(str(params.get("mapping")))
    except MappingError as exc:
        return f"params.mapping: {exc}"
    return None


@dataclass(frozen=True)
class Metric:
    """``subject``: what one row judges; ``forms``: threshold forms the metric accepts;
    ``domain``: the metric's range when exclusive groups must cover it (shares: 0..1)."""

    subject: str
    forms: frozenset[str]
    compute: Compute
    check_params: ParamCheck
    domain: tuple[Fraction, Fraction] | None = None


_SHARE = (Fraction(0), Fraction(1))
_INDEX_FORMS = frozenset({"interval", "reference"})

METRICS: dict[str, Metric] = {
    "women_share": Metric("unit", frozenset({"interval"}), women_share, _no_params, _SHARE),
    "balanced_share": Metric(
        "region", frozenset({"interval"}), balanced_share, _class_criterion, _SHARE
    ),
    "minority_share_change_pp": Metric(
        "unit", frozenset({"interval"}), minority_share_change_pp, _years
    ),
    "pipeline_gap_pp": Metric("unit", frozenset({"interval"}), pipeline_gap_pp, _pipeline),
    **{
        name: Metric("region", _INDEX_FORMS, index_metric, _no_params)
        for name in ("dissimilarity", "karmel_maclachlan", "mutual_information_m", "theil_h")
    },
}

"""Apply criteria sets to the pipeline's datasets → ``criteria_results`` (a pure function).

Each statistical criterion is judged by its metric (``metrics.METRICS``); each self-assessment
criterion by the published aggregates of ``self_assessment_summary``. Every criterion of every
set appears in the result: where nothing can be judged, as ``insufficient_data`` with the reason.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from assets.contracts import CRITERIA_RESULTS, conform
from assets.criteria import self_assessment
from assets.criteria.inputs import Inputs, Settings
from assets.criteria.metrics import METRICS
from assets.criteria.results import nothing_to_judge
from assets.criteria.rules import describe


def apply_criterion(
    crit: dict[str, Any], cset: dict[str, Any], inputs: Inputs, settings: Settings
) -> pd.DataFrame:
    """Rows of one criterion, before the set id and version are added."""
    if crit["kind"] == "self_assessment":
        return self_assessment.criterion_results(crit, cset, inputs.self_assessment_summary)
    metric = METRICS[crit["metric"]]
    rows = metric.compute(crit, cset, inputs, settings)
    if rows.empty:
        return nothing_to_judge(
            metric.subject,
            "none",
            describe(crit["metric"], crit["thresholds"]),
            f"the data hold no subject this criterion applies to (metric {crit['metric']})",
        )
    return rows


def apply_set(
    cset: dict[str, Any], inputs: Inputs, settings: Settings | None = None
) -> pd.DataFrame:
    """``criteria_results`` of one criteria set, each row stamped with the set id and version."""
    settings = settings or Settings()
    parts = []
    for crit in cset["criteria"]:
        rows = apply_criterion(crit, cset, inputs, settings).copy()
        rows["criteria_set"] = cset["id"]
        rows["criteria_version"] = str(cset["version"])
        rows["criterion_id"] = crit["id"]
        parts.append(conform(rows, CRITERIA_RESULTS))
    return _concat(parts)


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate conformed parts; all-empty columns keep the contract's dtype."""
    out = pd.concat([p.astype(object) for p in parts], ignore_index=True)
    return conform(out, CRITERIA_RESULTS)


def apply_catalogue(
    catalogue: list[dict[str, Any]], inputs: Inputs, settings: Settings | None = None
) -> pd.DataFrame:
    """Every set of the catalogue, in catalogue order."""
    return _concat([apply_set(s, inputs, settings) for s in catalogue])

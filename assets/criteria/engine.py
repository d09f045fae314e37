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


def _set_rows(cset: dict[str, Any], inputs: Inputs, settings: Settings) -> list[pd.DataFrame]:
    parts = []
    for crit in cset["criteria"]:
        rows = apply_criterion(crit, cset, inputs, settings).copy()
        rows["criteria_set"] = cset["id"]
        rows["criteria_version"] = str(cset["version"])
        rows["criterion_id"] = crit["id"]
        parts.append(rows[CRITERIA_RESULTS.names].astype(object))
    return parts


def _results(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """One conformed table from parts cast to object, so that an all-empty column of one part
    (e.g. ``unit_code`` of region rows) cannot decide the dtype of the whole column."""
    return conform(pd.concat(parts, ignore_index=True), CRITERIA_RESULTS)


def apply_set(
    cset: dict[str, Any], inputs: Inputs, settings: Settings | None = None
) -> pd.DataFrame:
    """``criteria_results`` of one criteria set, each row stamped with the set id and version."""
    return _results(_set_rows(cset, inputs, settings or Settings()))


def apply_catalogue(
    catalogue: list[dict[str, Any]], inputs: Inputs, settings: Settings | None = None
) -> pd.DataFrame:
    """Every set of the catalogue, in catalogue order."""
    settings = settings or Settings()
    return _results([part for s in catalogue for part in _set_rows(s, inputs, settings)])

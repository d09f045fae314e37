"""Blocking Dagster asset checks built from the GX suites: one check result per expectation.

ERROR-severity failures block: nothing downstream of the dataset — above all the ``release`` —
runs on failed data. WARN failures (plausibility against the previous release, a code list or
index range that is not configured) show in the UI and reach the release's CHANGELOG, which
reads the run's WARN check evaluations. Great Expectations is imported only when a check runs.
"""

from collections.abc import Iterator
from typing import Any

import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    MetadataValue,
    multi_asset_check,
)

from assets.resources import ReleaseTarget
from checks.gate import check_dataset, rules
from checks.gx_runner import Outcome


def _specs(dataset: str) -> list[AssetCheckSpec]:
    return [
        AssetCheckSpec(
            name=rule.name,
            asset=dataset,
            blocking=True,
            description=f"[{rule.severity.upper()}] {rule.what} — fix: {rule.fix}",
            metadata={"severity": rule.severity, "expectation": rule.expectation},
        )
        for rule in rules()[dataset]
    ]


def results(outcomes: list[Outcome]) -> Iterator[AssetCheckResult]:
    """One check result per outcome, carrying everything ``outcome_of`` needs to rebuild it."""
    for o in outcomes:
        yield AssetCheckResult(
            asset_key=o.dataset,
            check_name=o.rule,
            passed=o.passed,
            severity=AssetCheckSeverity.ERROR if o.severity == "error" else AssetCheckSeverity.WARN,
            description=o.what if o.passed else f"{o.what} ({o.failing} of {o.checked}); {o.fix}",
            metadata={
                "failing": o.failing,
                "checked": o.checked,
                "severity": o.severity,
                "fix": o.fix,
                "sample": MetadataValue.json(o.sample),
                "failing_values": MetadataValue.json(o.values),
                **({"error": o.error} if o.error else {}),
                # What the quality report shows: it reads these results back instead of
                # validating the dataset a second time (checks/assets.py).
                **(
                    {"observed": MetadataValue.json({"value": o.observed})}
                    if o.observed is not None
                    else {}
                ),
            },
        )


def outcome_of(dataset: str, check: str, passed: bool, metadata: dict[str, Any]) -> Outcome | None:
    """The ``Outcome`` a check result of ``results`` was made from (None: not one of ours)."""
    rule = next((r for r in rules().get(dataset, []) if r.name == check), None)
    if rule is None or "checked" not in metadata:
        return None

    def value(key: str, default: Any) -> Any:
        item = metadata.get(key)
        return default if item is None else getattr(item, "value", item)

    observed = value("observed", None)
    return Outcome(
        dataset=dataset,
        rule=check,
        severity=str(value("severity", rule.severity)),
        passed=passed,
        what=rule.what,
        fix=str(value("fix", rule.fix)),
        checked=int(value("checked", 0)),
        failing=int(value("failing", 0)),
        sample=list(value("sample", [])),
        values=list(value("failing_values", [])),
        error=str(value("error", "")),
        observed=None if observed is None else observed.get("value"),
    )


def previous_counts(counts: pd.DataFrame, release_target: ReleaseTarget) -> pd.DataFrame | None:
    """The counts of the release this run will be compared with in its changelog, if any (the
    release store reads that release once per run; the articles and the release reuse it)."""
    return release_target.previous(counts).counts


@multi_asset_check(
    specs=_specs("counts"),
    description="GX suite of the counts contract: schema and types, whole non-negative counts, "
    "code sets, unique keys, both sexes, suppressed share, coverage, plausibility.",
)
def counts_quality(
    context: AssetCheckExecutionContext, counts: pd.DataFrame, release_target: ReleaseTarget
) -> Iterator[AssetCheckResult]:
    previous = previous_counts(counts, release_target)
    context.log.info(
        "plausibility: "
        + ("no previous release" if previous is None else f"{len(previous)} previous rows")
    )
    yield from results(check_dataset("counts", counts, previous=previous))


@multi_asset_check(
    specs=_specs("api_counts"),
    description="The counts rules on the API tables (StatFin, Vipunen; live or replayed from "
    "recorded responses) before they join the transcribed tables.",
)
def api_counts_quality(api_counts: pd.DataFrame) -> Iterator[AssetCheckResult]:
    yield from results(check_dataset("api_counts", api_counts))


@multi_asset_check(
    specs=_specs("unit_shares"),
    description="GX suite of unit_shares: schema, unique keys, total = women + men, shares "
    "in 0–1, known classes.",
)
def unit_shares_quality(unit_shares: pd.DataFrame) -> Iterator[AssetCheckResult]:
    yield from results(check_dataset("unit_shares", unit_shares))


@multi_asset_check(
    specs=_specs("segregation_indices"),
    description="GX suite of segregation_indices: schema, unique keys, every index inside its "
    "range (checks/quality.yaml), undefined values explained.",
)
def segregation_indices_quality(segregation_indices: pd.DataFrame) -> Iterator[AssetCheckResult]:
    yield from results(check_dataset("segregation_indices", segregation_indices))


@multi_asset_check(
    specs=_specs("criteria_results"),
    description="GX suite of criteria_results: schema, unique keys, known status, evidence.",
)
def criteria_results_quality(criteria_results: pd.DataFrame) -> Iterator[AssetCheckResult]:
    yield from results(check_dataset("criteria_results", criteria_results))


@multi_asset_check(
    specs=_specs("segregation_change"),
    description="GX suite of segregation_change: schema, unique keys, IP of both years present, "
    "the parts add up to the change, an unsplit change explained.",
)
def segregation_change_quality(segregation_change: pd.DataFrame) -> Iterator[AssetCheckResult]:
    yield from results(check_dataset("segregation_change", segregation_change))


QUALITY_CHECKS: list[AssetChecksDefinition] = [
    api_counts_quality,
    counts_quality,
    unit_shares_quality,
    segregation_indices_quality,
    criteria_results_quality,
    segregation_change_quality,
]

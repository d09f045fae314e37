"""Dagster asset of the quality report: the release's quality pages and its WARN list.

The blocking checks validated each dataset already; their results (with samples and observed
values in the metadata) are read back from the run's events, so no dataset is validated twice
in a run. A re-executed run looks in the run it was re-executed from, and a dataset whose
checks left no record at all is validated here.
"""

from typing import Any

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetOut,
    DagsterEventType,
    MetadataValue,
    Output,
    multi_asset,
)

from assets.resources import ReleaseTarget
from checks.asset_checks import outcome_of, previous_counts
from checks.gate import DATASETS, rules
from checks.gx_runner import Outcome

GROUP = "publish"


@multi_asset(
    group_name=GROUP,
    outs={
        "quality_report": AssetOut(
            description="Quality pages of every suite (each expectation, its outcome and "
            "failing rows), as release files under quality/ (open quality/index.html).",
        ),
        "quality_warnings": AssetOut(
            description="WARN-severity check failures (dataset, check, what, how many, fix, a "
            "sample): published anyway, and listed in the release's changelog.",
        ),
    },
)
def quality_report(
    context: AssetExecutionContext,
    counts: pd.DataFrame,
    unit_shares: pd.DataFrame,
    segregation_indices: pd.DataFrame,
    criteria_results: pd.DataFrame,
    segregation_change: pd.DataFrame,
    release_target: ReleaseTarget,
):
    from checks.quality_docs import build_quality_files, warnings_table

    found = checked_outcomes(context)
    missing = [d for d in DATASETS if d not in found]
    if missing:
        context.log.info(f"no check results in this run for {', '.join(missing)}: validating")
    files, outcomes = build_quality_files(
        {
            "counts": counts,
            "unit_shares": unit_shares,
            "segregation_indices": segregation_indices,
            "criteria_results": criteria_results,
            "segregation_change": segregation_change,
        },
        run_date=release_target.date(),
        previous=previous_counts(counts, release_target) if "counts" in missing else None,
        outcomes=found,
    )
    warnings = warnings_table(outcomes)
    docs = release_target.path() / "latest" / "quality" / "index.html"
    yield Output(
        files,
        output_name="quality_report",
        metadata={
            "files": len(files),
            "bytes": sum(len(b) for b in files.values()),
            "data_docs": MetadataValue.path(str(docs)),
            "checks": len(outcomes),
            "failed": sum(not o.passed for o in outcomes),
        },
    )
    yield Output(
        warnings,
        output_name="quality_warnings",
        metadata={
            "warnings": len(warnings),
            "preview": MetadataValue.md(
                warnings.drop(columns="sample").to_markdown(index=False) if len(warnings) else ""
            ),
        },
    )
    context.log.info(f"quality report: {len(files)} files, {len(warnings)} warning(s)")


def _run_chain(context: AssetExecutionContext) -> list[str]:
    """This run, then the run it was re-executed from, and so on."""
    chain = [context.run_id]
    run = context.instance.get_run_by_id(context.run_id)
    while run is not None and run.parent_run_id and run.parent_run_id not in chain:
        chain.append(run.parent_run_id)
        run = context.instance.get_run_by_id(run.parent_run_id)
    return chain


def checked_outcomes(context: AssetExecutionContext) -> dict[str, list[Outcome]]:
    """Per dataset, the outcomes of every one of its rules as this run's checks recorded them
    (the nearest run of the re-execution chain that has them all)."""
    found: dict[str, list[Outcome]] = {}
    for run_id in _run_chain(context):
        records = context.instance.get_records_for_run(
            run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION, limit=None
        ).records
        by_dataset: dict[str, dict[str, Outcome]] = {}
        for record in records:
            event = record.event_log_entry.dagster_event
            data = event.asset_check_evaluation_data if event else None
            if data is None:
                continue
            dataset = data.asset_key.to_user_string()
            metadata: dict[str, Any] = dict(data.metadata or {})
            outcome = outcome_of(dataset, data.check_name, data.passed, metadata)
            if outcome is not None:
                by_dataset.setdefault(dataset, {})[outcome.rule] = outcome
        for dataset in DATASETS:
            have = by_dataset.get(dataset, {})
            names = [r.name for r in rules()[dataset]]
            if dataset not in found and all(n in have for n in names):
                found[dataset] = [have[n] for n in names]
    return found

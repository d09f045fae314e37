"""Dagster asset of the quality report: Data Docs for the release and its WARN list."""

import pandas as pd
from dagster import AssetExecutionContext, AssetOut, MetadataValue, Output, multi_asset

from checks.asset_checks import previous_counts
from pipelines.resources import ReleaseTarget

GROUP = "publish"


@multi_asset(
    group_name=GROUP,
    outs={
        "quality_report": AssetOut(
            description="GX Data Docs of every quality suite, as release files under quality/ "
            "(open quality/index.html in the release).",
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
    release_target: ReleaseTarget,
):
    from checks.quality_docs import build_quality_files, warnings_table

    files, outcomes = build_quality_files(
        {
            "counts": counts,
            "unit_shares": unit_shares,
            "segregation_indices": segregation_indices,
            "criteria_results": criteria_results,
        },
        run_date=release_target.date(),
        previous=previous_counts(counts, release_target),
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

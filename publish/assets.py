"""Dagster assets of the publish stage: articles, then the release that contains them."""

import pandas as pd
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from pipelines.resources import ReleaseTarget, code_version
from publish import bundle
from publish.articles import regional_overview
from publish.release import write_release

GROUP = "publish"
FOCUS_REGION = "MK17"


@asset(
    group_name=GROUP,
    description="Blog-ready articles (Markdown + SVG charts with alt text), "
    "rendered from the published datasets.",
)
def articles(
    context: AssetExecutionContext,
    unit_shares: pd.DataFrame,
    segregation_indices: pd.DataFrame,
    source_catalog: pd.DataFrame,
    release_target: ReleaseTarget,
) -> dict[str, bytes]:
    article = regional_overview(
        unit_shares,
        segregation_indices,
        source_catalog,
        region=FOCUS_REGION,
        lang="fi",
        release_date=release_target.date().isoformat(),
    )
    files = article.files()
    context.add_output_metadata(
        {
            "files": MetadataValue.json(sorted(files)),
            "alt_texts": MetadataValue.json({k: c.alt_text for k, c in article.charts.items()}),
        }
    )
    return files


@asset(
    group_name=GROUP,
    description="The open-data release: CSV, Parquet, datapackage.json, "
    "SHA256SUMS and articles, swapped in atomically under dist/releases/ with dist/latest.",
)
def release(
    context: AssetExecutionContext,
    counts: pd.DataFrame,
    unit_shares: pd.DataFrame,
    segregation_indices: pd.DataFrame,
    criteria_results: pd.DataFrame,
    source_catalog: pd.DataFrame,
    articles: dict[str, bytes],
    release_target: ReleaseTarget,
) -> MaterializeResult:
    run_date = release_target.date()
    files = bundle.build(
        {
            "counts": counts,
            "unit_shares": unit_shares,
            "segregation_indices": segregation_indices,
            "criteria_results": criteria_results,
        },
        source_catalog,
        articles,
        run_date=run_date,
        code_version=code_version(),
    )
    rid = bundle.release_id(counts, run_date)
    path = write_release(release_target.path(), rid, files)
    context.log.info(f"release {rid} written to {path}")
    return MaterializeResult(
        metadata={
            "release_id": rid,
            "path": MetadataValue.path(str(path)),
            "files": len(files) + 1,
            "bytes": sum(len(b) for b in files.values()),
        }
    )

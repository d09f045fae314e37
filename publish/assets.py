"""Dagster assets of the publish stage: articles, then the release that contains them."""

import pandas as pd
from dagster import (
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetIn,
    AssetsDefinition,
    Config,
    DagsterEventType,
    MaterializeResult,
    MetadataValue,
    asset,
)

from assets.reference.version import code_version
from assets.resources import ReleaseTarget
from publish import bundle
from publish.changelog import CheckWarning, merge_warnings, warnings_from_table
from publish.release import write_release
from publish.sinks import FileInfo, Sink

GROUP = "publish"
FOCUS_REGION = "MK17"


class ArticlesConfig(Config):
    """``region``: the region the articles are about, against the whole country (``MK01``…
    ``MK21``, or ``SSS`` for the whole country alone); Pohjois-Pohjanmaa by default."""

    region: str = FOCUS_REGION


@asset(
    group_name=GROUP,
    description="Blog-ready articles in Finnish, Swedish and English (Markdown with front "
    "matter, standalone HTML, SVG/PNG charts with alt text and their Vega-Lite specs), written "
    "from the published datasets for the focus region against the whole country.",
)
def articles(
    context: AssetExecutionContext,
    config: ArticlesConfig,
    counts: pd.DataFrame,
    unit_shares: pd.DataFrame,
    segregation_indices: pd.DataFrame,
    criteria_results: pd.DataFrame,
    segregation_change: pd.DataFrame,
    source_catalog: pd.DataFrame,
    release_target: ReleaseTarget,
) -> dict[str, bytes]:
    run_date = release_target.date()
    previous = release_target.previous(counts)
    # Articles import Jinja2, markdown-it and the article modules; load them when articles are
    # written, not when the code location loads.
    from publish.articles import PublishedData, build_articles, files_of
    from publish.chart_cache import ChartCache
    from publish.chart_drawing import ChartDrawer, workers_for

    published = PublishedData(
        unit_shares=unit_shares,
        indices=segregation_indices,
        criteria=criteria_results,
        changes=segregation_change,
        sources=source_catalog,
        counts=counts,
        previous_counts=previous.counts,
    )
    # The drawing processes start first and load vl-convert while the first texts are written,
    # then draw each article's charts while the next is written; charts drawn in an earlier
    # run come from the cache.
    with ChartDrawer(workers_for(), cache=ChartCache.default()) as drawer:
        written = build_articles(
            published,
            region=config.region,
            date=run_date.isoformat(),
            base_url=release_target.public_url or None,
            drawer=drawer,
        )
        files = files_of(written, drawer)
    context.add_output_metadata(
        {
            "articles": len(written),
            "files": MetadataValue.json(sorted(files)),
            "alt_texts": MetadataValue.json(
                {f"{a.root}/{k}": c.alt_text for a in written for k, c in a.charts.items()}
            ),
        }
    )
    return files


def _warn_checks(context: AssetExecutionContext) -> list[CheckWarning]:
    """Checks of this run that failed at WARN severity: published, and named in the changelog."""
    records = context.instance.get_records_for_run(
        context.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    out = []
    for record in records:
        event = record.event_log_entry.dagster_event
        data = event.asset_check_evaluation_data if event else None
        if data is None or data.passed or data.severity != AssetCheckSeverity.WARN:
            continue
        out.append(
            CheckWarning(
                asset=data.asset_key.to_user_string(),
                check=data.check_name,
                description=(data.description or "").replace("\n", " "),
            )
        )
    return out


def release_asset(datasets: tuple[str, ...] | None = None) -> AssetsDefinition:
    """The release over ``datasets``: the registry's release datasets that an asset produces
    (default: all of them, in published order; ``build_definitions`` passes those whose asset
    exists, so an optional dataset without its stage is left out)."""
    names = tuple(datasets if datasets is not None else bundle.table_datasets())

    @asset(
        name="release",
        group_name=GROUP,
        description="The open-data release: CSV, Excel CSV, Parquet, datapackage.json, "
        "CHANGELOG, SHA256SUMS, data page and articles, swapped in atomically under "
        "dist/releases/ with dist/latest.",
        ins={name: AssetIn(name) for name in names},
    )
    def release(
        context: AssetExecutionContext,
        source_catalog: pd.DataFrame,
        articles: dict[str, bytes],
        release_target: ReleaseTarget,
        quality_report: dict[str, bytes],
        quality_warnings: pd.DataFrame,
        **frames: pd.DataFrame,
    ) -> MaterializeResult:
        return _release(
            context,
            frames,
            source_catalog,
            articles,
            release_target,
            quality_report,
            quality_warnings,
        )

    return release


def _release(
    context: AssetExecutionContext,
    datasets: dict[str, pd.DataFrame],
    source_catalog: pd.DataFrame,
    articles: dict[str, bytes],
    release_target: ReleaseTarget,
    quality_report: dict[str, bytes],
    quality_warnings: pd.DataFrame,
) -> MaterializeResult:
    counts = datasets["counts"]
    run_date = release_target.date()
    root = release_target.path()
    rid = release_target.release_id(counts)
    # The quality report's table is an input, so it is complete before the release; WARN
    # results of other checks are read from this run's events (those that already ran).
    warnings = merge_warnings(warnings_from_table(quality_warnings), _warn_checks(context))
    previous = release_target.previous(counts)
    written: dict[str, FileInfo] = {}

    def fill(sink: Sink) -> None:
        """Stream the bundle into the release's staging folder (datasets never held as bytes)."""
        bundle.write(
            sink,
            datasets,
            source_catalog,
            articles,
            run_date=run_date,
            code_version=code_version(),
            previous=previous,
            warnings=warnings,
            extra_files=quality_report,  # checks/: GX Data Docs of this run's suites, quality/…
        )
        written.update(sink.files)

    path = write_release(root, rid, fill, run_id=context.run_id)
    context.log.info(f"release {rid} written to {path}")
    return MaterializeResult(
        metadata={
            "release_id": rid,
            "path": MetadataValue.path(str(path)),
            "data_page": MetadataValue.path(str(path / "index.html")),
            "quality_docs": MetadataValue.path(str(path / "quality" / "index.html")),
            "files": len(written) + 1,
            "bytes": sum(info.size for info in written.values()),
            "warn_checks": len(warnings),
        }
    )

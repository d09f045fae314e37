"""Dagster assets of the collect stage: one asset per configured source table, then ``counts``.

Each StatFin table and Vipunen resource of data/sources/*.yaml is its own asset in group
``collect`` (key ``source_tables/<source>__<folder>_<table>__<measure>``), so a table that fails
is visible on its own in the UI, with a failed ``collected`` check (WARN) naming the error and
the fix, and can be re-materialised on its own. ``api_counts`` settles the outcomes: a failed
table is carried over from the previous release (stale) or left out (missing), unless the run is
strict (``tasapaino run --strict``), which fails as soon as one table fails.
"""

import re
from collections.abc import Iterator

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetOut,
    AssetsDefinition,
    MetadataValue,
    Output,
    asset,
    multi_asset,
)

from assets.collect.outcomes import (
    FAILED,
    MISSING,
    STALE,
    Entry,
    TableOutcome,
    api_frame,
    collect_one,
    entry_source,
    prefer_sources,
    set_aside,
    settle,
    status_frame,
    table_order,
)
from assets.collect.tables import StatFinTable, load_statfin_tables, load_vipunen_resources
from assets.collect.transcribed import TranscribedTable, provenance, read_tables, to_counts
from assets.resources import (
    CollectionPolicy,
    HandedTables,
    LocalCountsFiles,
    ReleaseTarget,
    SnapshotSource,
    StatFinApi,
    VipunenApi,
)

GROUP = "collect"
PREFIX = "source_tables"


@asset(
    group_name=GROUP,
    description="Published Statistics Finland tables transcribed into the "
    "bundled snapshot, with their provenance (data/snapshot/transcribed).",
)
def transcribed_tables(
    context: AssetExecutionContext, snapshot: SnapshotSource
) -> list[TranscribedTable]:
    tables = read_tables(snapshot.path() / "transcribed")
    frames = pd.concat([t.frame for t in tables], ignore_index=True)
    context.add_output_metadata(
        {
            "files": len(tables),
            "rows": len(frames),
            "years": MetadataValue.json(sorted({int(y) for y in frames["year"]})),
            "regions": MetadataValue.json(sorted(set(frames["region_code"]))),
            "source_updated_max": max(
                str(s["published"]) for t in tables for s in t.spec["tables"]
            ),
            "sha256": MetadataValue.json({t.file: t.sha256 for t in tables}),
            "preview": MetadataValue.md(frames.head(10).to_markdown(index=False)),
        }
    )
    return tables


def table_asset_name(entry: Entry) -> str:
    """``statfin__tyokay_115s__employed``: a valid Dagster name that says which table."""
    table = entry.id.removeprefix("vipunen/").replace("/", "_")
    return re.sub(r"\W", "_", f"{entry_source(entry)}__{table}__{entry.measure}")


def configured_entries() -> list[Entry]:
    """Every configured table in the order of preference: StatFin, then Vipunen, as listed."""
    return [*load_statfin_tables(), *load_vipunen_resources()]


def build_table_asset(entry: Entry) -> AssetsDefinition:
    """The asset of one configured table and measure, with its ``collected`` check."""
    name = table_asset_name(entry)
    key = AssetKey([PREFIX, name])
    title = entry.title or entry.id

    @asset(
        name=name,
        key_prefix=[PREFIX],
        group_name=GROUP,
        description=f"{title} ({entry.id}, measure `{entry.measure}`): read live, from the "
        "recorded snapshot or from a hand-given file (`tasapaino run --table FILE`).",
        check_specs=[
            AssetCheckSpec(
                "collected",
                asset=key,
                description="The table was read in this run (live, recorded or from a file); "
                "a failure names the error and the fix.",
            )
        ],
        kinds={"python"},
    )
    def _table(
        context: AssetExecutionContext,
        snapshot: SnapshotSource,
        statfin: StatFinApi,
        vipunen: VipunenApi,
        handed_tables: HandedTables,
        collection: CollectionPolicy,
    ) -> Iterator[Output | AssetCheckResult]:
        live = statfin.live if isinstance(entry, StatFinTable) else vipunen.live
        handed = handed_tables.find(entry.id, entry.measure, snapshot.path() / "recorded")
        outcome = collect_one(
            entry,
            live=live,
            recorded_root=snapshot.path() / "recorded",
            statfin_client=statfin.shared_client,
            vipunen_client=vipunen.shared_client,
            store=statfin.archive_path() / "counts",
            full_refresh=statfin.full_refresh,
            handed=None if handed is None else handed.counts,
            handed_file=getattr(handed, "file", ""),
            handed_sha256=getattr(handed, "sha256", ""),
        )
        if outcome.exchanges:
            statfin.record_run_exchanges(outcome)
        if outcome.status == FAILED and collection.strict:
            from assets.collect.http import SourceError

            raise SourceError(outcome.error)
        yield Output(outcome, metadata=outcome_metadata(outcome))
        yield AssetCheckResult(
            check_name="collected",
            asset_key=key,
            passed=outcome.status != FAILED,
            severity=AssetCheckSeverity.WARN,
            description=outcome.error or f"read: {outcome.status}",
            metadata={"status": outcome.status, "fix": outcome.fix, "rows": outcome.rows},
        )

    return _table


def outcome_metadata(outcome: TableOutcome) -> dict[str, object]:
    meta: dict[str, object] = {
        "status": outcome.status,
        "rows": outcome.rows,
        "source_table": outcome.source_table,
        "measure": outcome.measure,
    }
    if outcome.error:
        meta["error"] = outcome.error
        meta["fix"] = outcome.fix
    if outcome.fetched_years:
        meta["fetched_years"] = MetadataValue.json(outcome.fetched_years)
    if outcome.counts is not None and len(outcome.counts):
        meta["years"] = MetadataValue.json(sorted(int(y) for y in outcome.counts["year"].unique()))
        meta["regions"] = MetadataValue.json(sorted(outcome.counts["region_code"].unique()))
    if outcome.file:
        meta["file"] = outcome.file
        meta["file_sha256"] = outcome.file_sha256
    return meta


def build_api_counts(entries: list[Entry]) -> AssetsDefinition:
    """``api_counts`` and ``collection_status`` from the assets of ``entries``, in that order
    (the order of preference where two tables give the same statistic)."""
    names = [table_asset_name(e) for e in entries]

    @multi_asset(
        name="api_counts",
        group_name=GROUP,
        ins={n: AssetIn(key=AssetKey([PREFIX, n])) for n in names},
        outs={
            "api_counts": AssetOut(
                description="Women and men by unit, region and year from every configured StatFin "
                "and Vipunen table. A table that could not be read this run is carried over from "
                "the previous release (stale) or left out (missing)."
            ),
            "collection_status": AssetOut(
                description="One row per configured table: read live, recorded, from a file, "
                "stale, missing or not recorded; the error and the fix where it failed."
            ),
        },
    )
    def api_counts(
        context: AssetExecutionContext, release_target: ReleaseTarget, **tables: TableOutcome
    ) -> Iterator[Output]:
        ordered = [tables[n] for n in names]
        previous = (
            release_target.latest_counts() if any(o.status == FAILED for o in ordered) else None
        )
        settled = settle(ordered, previous)
        df = api_frame(settled)
        status = status_frame(settled)
        degraded = status[status["status"].isin([STALE, MISSING])]
        yield Output(df, "api_counts", metadata=counts_metadata(df))
        yield Output(
            status,
            "collection_status",
            metadata={
                "tables": MetadataValue.json(
                    {f"{r.source_table} {r.measure}": r.status for r in status.itertuples()}
                ),
                "stale": int(status["status"].eq(STALE).sum()),
                "missing": int(status["status"].eq(MISSING).sum()),
                "degraded": MetadataValue.json(
                    degraded[["source_table", "measure", "status", "error", "fix"]].to_dict(
                        "records"
                    )
                ),
                "preview": MetadataValue.md(
                    status[["source_table", "measure", "status", "rows"]].to_markdown(index=False)
                ),
            },
        )

    return api_counts


def collect_assets(entries: list[Entry]) -> list[AssetsDefinition]:
    """One asset per configured table, and ``api_counts`` over them."""
    return [*(build_table_asset(e) for e in entries), build_api_counts(entries)]


ENTRIES = configured_entries()
TABLE_ASSETS = [build_table_asset(e) for e in ENTRIES]
api_counts = build_api_counts(ENTRIES)


@asset(
    group_name=GROUP,
    description="Women and men by unit, region and year: the `counts` contract "
    "(docs/data-contracts.md). API tables first, then the transcribed tables for the statistics "
    "no API table covers; a table given as a local file (`tasapaino run --counts FILE`) "
    "replaces the same table.",
)
def counts(
    context: AssetExecutionContext,
    transcribed_tables: list[TranscribedTable],
    api_counts: pd.DataFrame,
    local_counts: LocalCountsFiles,
) -> pd.DataFrame:
    from assets.collect.local_counts import read_local_counts, replace_tables

    local = [read_local_counts(path) for path in local_counts.paths()]
    transcribed = to_counts(transcribed_tables)
    # API tables in configuration order (the first listed wins), then the transcribed ones.
    order = [(e.id, e.measure) for e in configured_entries()] + table_order([transcribed])
    every = replace_tables(pd.concat([api_counts, transcribed], ignore_index=True), local)
    df = prefer_sources(every, order)
    aside = set_aside([every], df)
    metadata = counts_metadata(df)
    if local:
        metadata["local_files"] = MetadataValue.json(
            {str(item.path): item.sha256 for item in local}
        )
    if len(aside):
        metadata["set_aside"] = MetadataValue.json(aside.to_dict("records"))
    context.add_output_metadata(metadata)
    return df


@asset(
    group_name=GROUP,
    description="Every source table: title, URL, publication and retrieval dates, and whether "
    "it was read in this run, carried over (stale), missing or set aside. Published as the "
    "`sources` dataset.",
)
def source_catalog(
    context: AssetExecutionContext,
    transcribed_tables: list[TranscribedTable],
    api_counts: pd.DataFrame,
    collection_status: pd.DataFrame,
    counts: pd.DataFrame,
    local_counts: LocalCountsFiles,
) -> pd.DataFrame:
    from assets.collect.catalog import catalog
    from assets.collect.local_counts import read_local_counts, replace_tables

    local = [read_local_counts(path) for path in local_counts.paths()]
    every = pd.concat([api_counts, to_counts(transcribed_tables)], ignore_index=True)
    aside = set_aside([replace_tables(every, local)], counts)
    df = catalog(provenance(transcribed_tables), api_counts, collection_status, aside)
    degraded = df[df["status"].isin([STALE, MISSING])]
    context.add_output_metadata(
        {
            "tables": len(df),
            "rows": len(df),
            "stale": int(df["status"].eq(STALE).sum()),
            "missing": int(df["status"].eq(MISSING).sum()),
            "degraded": MetadataValue.json(
                degraded[["source_table", "measure", "status", "note"]].to_dict("records")
            ),
            "source_updated_max": str(df["published"].max()),
            "preview": MetadataValue.md(
                df[["source_table", "measure", "status", "published", "url"]].to_markdown(
                    index=False
                )
            ),
        }
    )
    return df


def counts_metadata(df: pd.DataFrame) -> dict[str, object]:
    """Rows, years, regions, measures, newest source update and a preview."""
    updated = df["source_updated"].max() if len(df) else None
    return {
        "dagster/row_count": len(df),
        "rows": len(df),
        "years": MetadataValue.json(sorted(int(y) for y in df["year"].unique())),
        "regions": MetadataValue.json(sorted(df["region_code"].unique().tolist())),
        "measures": MetadataValue.json(sorted(df["measure"].unique().tolist())),
        "source_tables": MetadataValue.json(sorted(df["source_table"].unique().tolist())),
        "source_updated_max": "" if updated is None or pd.isna(updated) else str(updated.date()),
        "source_updated": MetadataValue.json(
            {
                str(t): str(u.date()) if pd.notna(u) else ""
                for t, u in df.groupby("source_table", observed=True)["source_updated"]
                .max()
                .items()
            }
        ),
        "preview": MetadataValue.md(df.head(10).to_markdown(index=False)),
    }

"""Dagster assets of the collect stage: transcribed tables and API tables into one ``counts``."""

import datetime as dt

import pandas as pd
from dagster import AssetExecutionContext, MetadataValue, asset

from assets.collect.transcribed import TranscribedTable, provenance, read_tables, to_counts
from pipelines.resources import LocalCountsFiles, SnapshotSource, StatFinApi, VipunenApi

GROUP = "collect"


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


@asset(
    group_name=GROUP,
    description="Women and men by unit, region and year from the StatFin and Vipunen APIs: "
    "fetched live (`--source live`, only new statistical years) or replayed from the responses "
    "recorded in data/snapshot/recorded, through the same parser either way.",
)
def api_counts(
    context: AssetExecutionContext,
    snapshot: SnapshotSource,
    statfin: StatFinApi,
    vipunen: VipunenApi,
) -> pd.DataFrame:
    from assets.collect.collect import collect_statfin, collect_vipunen, combine, record, replay
    from assets.collect.tables import load_statfin_tables, load_vipunen_resources

    tables, resources = load_statfin_tables(), load_vipunen_resources()
    if statfin.live or vipunen.live:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        raw_root = statfin.archive_path() / "raw" / stamp
        collected = []
        if statfin.live:
            client = statfin.client()
            store = statfin.archive_path() / "counts"
            collected += [collect_statfin(client, t, store, statfin.full_refresh) for t in tables]
        if vipunen.live:
            vclient = vipunen.client()
            collected += [collect_vipunen(vclient, r) for r in resources]
        record(raw_root, collected)
        mode = f"live (raw responses archived in {raw_root})"
        fetched = {f"{c.source_table} {c.measure}": c.fetched_years for c in collected}
    else:
        collected = replay(snapshot.path() / "recorded", tables, resources)
        mode = f"replayed from {snapshot.path() / 'recorded'} ({len(collected)} recordings)"
        fetched = {}
    df = combine(collected)
    context.add_output_metadata(
        {**counts_metadata(df), "mode": mode, "fetched_years": MetadataValue.json(fetched)}
    )
    return df


@asset(
    group_name=GROUP,
    description="Every source table: title, URL, publication and retrieval "
    "dates. Published as the `sources` dataset.",
)
def source_catalog(
    context: AssetExecutionContext,
    transcribed_tables: list[TranscribedTable],
    api_counts: pd.DataFrame,
) -> pd.DataFrame:
    from assets.collect.catalog import api_provenance

    df = pd.concat([provenance(transcribed_tables), api_provenance(api_counts)], ignore_index=True)
    context.add_output_metadata(
        {
            "tables": len(df),
            "rows": len(df),
            "source_updated_max": str(df["published"].max()),
            "preview": MetadataValue.md(
                df[["source_table", "measure", "published", "url"]].to_markdown(index=False)
            ),
        }
    )
    return df


@asset(
    group_name=GROUP,
    description="Women and men by unit, region and year: the `counts` "
    "contract (docs/data-contracts.md). Transcribed tables and API tables together; a table "
    "given as a local file (`tasapaino run --counts FILE`) replaces the same table.",
)
def counts(
    context: AssetExecutionContext,
    transcribed_tables: list[TranscribedTable],
    api_counts: pd.DataFrame,
    local_counts: LocalCountsFiles,
) -> pd.DataFrame:
    from assets.collect.local_counts import read_local_counts, replace_tables
    from assets.contracts import COUNTS

    parts = [to_counts(transcribed_tables), api_counts]
    df = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    local = [read_local_counts(path) for path in local_counts.paths()]
    df = replace_tables(df, local)
    df = df.sort_values(list(COUNTS.primary_key), ignore_index=True)
    metadata = counts_metadata(df)
    if local:
        metadata["local_files"] = MetadataValue.json(
            {str(item.path): item.sha256 for item in local}
        )
    context.add_output_metadata(metadata)
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

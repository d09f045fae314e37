"""Dagster assets of the collect stage."""

import pandas as pd
from dagster import AssetExecutionContext, MetadataValue, asset

from assets.collect.transcribed import TranscribedTable, provenance, read_tables, to_counts
from pipelines.resources import SnapshotSource

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
    context.add_output_metadata(
        {
            "files": len(tables),
            "rows": sum(len(t.frame) for t in tables),
            "sha256": MetadataValue.json({t.file: t.sha256 for t in tables}),
        }
    )
    return tables


@asset(
    group_name=GROUP,
    description="Every source table: title, URL, publication and retrieval "
    "dates. Published as the `sources` dataset.",
)
def source_catalog(
    context: AssetExecutionContext, transcribed_tables: list[TranscribedTable]
) -> pd.DataFrame:
    df = provenance(transcribed_tables)
    context.add_output_metadata(
        {
            "tables": len(df),
            "preview": MetadataValue.md(
                df[["source_table", "measure", "published", "url"]].to_markdown(index=False)
            ),
        }
    )
    return df


@asset(
    group_name=GROUP,
    description="Women and men by unit, region and year: the `counts` "
    "contract (docs/data-contracts.md).",
)
def counts(
    context: AssetExecutionContext, transcribed_tables: list[TranscribedTable]
) -> pd.DataFrame:
    df = to_counts(transcribed_tables)
    context.add_output_metadata(_counts_metadata(df))
    return df


def _counts_metadata(df: pd.DataFrame) -> dict[str, object]:
    return {
        "dagster/row_count": len(df),
        "years": MetadataValue.json(sorted(int(y) for y in df["year"].unique())),
        "regions": MetadataValue.json(sorted(df["region_code"].unique().tolist())),
        "measures": MetadataValue.json(sorted(df["measure"].unique().tolist())),
        "source_updated_max": str(df["source_updated"].max().date()),
        "preview": MetadataValue.md(df.head(10).to_markdown(index=False)),
    }

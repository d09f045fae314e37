"""Dagster assets of the segregation index stage: the indices, and how IP changed between years."""

import pandas as pd
from dagster import AssetExecutionContext, MetadataValue, asset

from assets.contracts import SEGREGATION_CHANGE, conform
from assets.indices.batch import BOOTSTRAP_REPS, DATASET_INDEX_IDS
from assets.indices.batch import segregation_indices as compute_indices
from assets.indices.change import segregation_change as compute_change


@asset(
    group_name="compute",
    description="Segregation indices for every table of units × region × year, with seeded "
    "bootstrap intervals and values expected under no segregation (docs/methods.md).",
)
def segregation_indices(context: AssetExecutionContext, unit_shares: pd.DataFrame) -> pd.DataFrame:
    df = compute_indices(unit_shares)
    context.add_output_metadata(
        {
            "dagster/row_count": len(df),
            "tables": int(df.groupby(["measure", "region_code", "year"]).ngroups) if len(df) else 0,
            "indices": MetadataValue.json(list(DATASET_INDEX_IDS)),
            "bootstrap_replicates": BOOTSTRAP_REPS,
            "preview": MetadataValue.md(df.head(15).to_markdown(index=False)),
        }
    )
    return df


@asset(
    group_name="compute",
    description="Karmel–MacLachlan's split of the change in IP between each table's consecutive "
    "years into the mix of unit sizes, the sex composition of units and units of one year only "
    "(docs/methods.md); the 'what changed' articles state which part dominates from it.",
)
def segregation_change(context: AssetExecutionContext, unit_shares: pd.DataFrame) -> pd.DataFrame:
    df = conform(compute_change(unit_shares), SEGREGATION_CHANGE)
    split = df["ip_mix_effect"].notna()
    context.add_output_metadata(
        {
            "dagster/row_count": len(df),
            "tables": int(df.groupby(["measure", "region_code"]).ngroups) if len(df) else 0,
            "not_split": int((~split).sum()),
            "preview": MetadataValue.md(df.head(15).to_markdown(index=False)),
        }
    )
    return df

"""Dagster asset of the segregation index stage."""

import pandas as pd
from dagster import AssetExecutionContext, MetadataValue, asset

from assets.indices.batch import BOOTSTRAP_REPS, DATASET_INDEX_IDS
from assets.indices.batch import segregation_indices as compute_indices


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

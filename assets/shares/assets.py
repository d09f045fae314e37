"""Dagster asset of the unit shares stage."""

import pandas as pd
from dagster import AssetExecutionContext, MetadataValue, asset

from assets.shares.compute import unit_shares as compute_unit_shares


@asset(
    group_name="compute",
    description="Women's share, Statistics Finland segregation class "
    "and D/M contributions of every occupation or field.",
)
def unit_shares(context: AssetExecutionContext, counts: pd.DataFrame) -> pd.DataFrame:
    df = compute_unit_shares(counts)
    context.add_output_metadata(
        {
            "dagster/row_count": len(df),
            "classes": MetadataValue.json(
                df["segregation_class"].value_counts(dropna=False).rename(str).to_dict()
            ),
            "preview": MetadataValue.md(df.head(10).to_markdown(index=False)),
        }
    )
    return df

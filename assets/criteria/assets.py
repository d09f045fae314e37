"""Dagster asset of the equality criteria stage."""

import pandas as pd
from dagster import AssetExecutionContext, MetadataValue, asset

from assets.criteria.catalogue import load_catalogue
from assets.criteria.engine import apply_unit_criteria


@asset(
    group_name="criteria",
    description="Every criterion of every shipped criteria set applied "
    "to every subject, with its set, version and evidence.",
)
def criteria_results(context: AssetExecutionContext, unit_shares: pd.DataFrame) -> pd.DataFrame:
    catalogue = load_catalogue()
    df = pd.concat([apply_unit_criteria(s, unit_shares) for s in catalogue], ignore_index=True)
    context.add_output_metadata(
        {
            "dagster/row_count": len(df),
            "criteria_sets": MetadataValue.json({s["id"]: str(s["version"]) for s in catalogue}),
            "status": MetadataValue.json(df["status"].value_counts().to_dict()),
        }
    )
    return df

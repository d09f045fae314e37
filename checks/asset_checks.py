"""Blocking Dagster asset checks: a failure stops everything downstream, above all the release."""

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    MetadataValue,
    multi_asset_check,
)

from checks.counts_rules import check_counts

_RULES = ("unique_keys", "known_sex", "non_negative_counts", "both_sexes")


@multi_asset_check(
    specs=[AssetCheckSpec(name=r, asset="counts", blocking=True) for r in _RULES],
    description="Structural rules of the counts contract.",
)
def counts_rules(counts: pd.DataFrame):
    for result in check_counts(counts):
        yield AssetCheckResult(
            check_name=result.rule,
            asset_key="counts",
            passed=result.passed,
            severity=AssetCheckSeverity.ERROR,
            description=result.description,
            metadata={"failing_rows": result.failing, "sample": MetadataValue.json(result.sample)},
        )

"""The one Dagster ``Definitions`` object of the Tasapaino code location."""

from __future__ import annotations

from dagster import (
    AssetSelection,
    Definitions,
    define_asset_job,
    in_process_executor,
    load_assets_from_modules,
)

import assets.collect.assets as collect_assets
import assets.criteria.assets as criteria_assets
import assets.indices.assets as indices_assets
import assets.shares.assets as shares_assets
import publish.assets as publish_assets
from checks.asset_checks import counts_rules
from pipelines.resources import ReleaseTarget, SnapshotSource

ALL_ASSETS = load_assets_from_modules(
    [collect_assets, shares_assets, indices_assets, criteria_assets, publish_assets]
)

release_job = define_asset_job(
    "release_job",
    selection=AssetSelection.all(),
    description="Collect, check, compute, apply criteria and publish a release.",
)

defs = Definitions(
    assets=ALL_ASSETS,
    asset_checks=[counts_rules],
    jobs=[release_job],
    resources={"snapshot": SnapshotSource(), "release_target": ReleaseTarget()},
    executor=in_process_executor,
)

"""The one Dagster ``Definitions`` object of the Tasapaino code location."""

from __future__ import annotations

from dagster import (
    AssetSelection,
    Definitions,
    define_asset_job,
    load_assets_from_modules,
    map_asset_specs,
)

import assets.collect.assets as collect_assets
import assets.criteria.assets as criteria_assets
import assets.indices.assets as indices_assets
import assets.shares.assets as shares_assets
import checks.assets as quality_assets
import publish.assets as publish_assets
from assets.resources import (
    CollectionPolicy,
    HandedTables,
    LocalCountsFiles,
    ReleaseTarget,
    SnapshotSource,
    StatFinApi,
    VipunenApi,
)
from checks.asset_checks import QUALITY_CHECKS
from pipelines.executors import executor_from_env
from pipelines.freshness import with_published_freshness
from pipelines.io_managers import io_manager_from_env
from pipelines.partitions import statfin_slices_job
from pipelines.schedules import monthly_full_refresh
from pipelines.sensors import (
    degraded_run_alert_sensor,
    run_failure_alert_sensor,
    source_update_sensor,
)
from pipelines.source_updates import SourceUpdatesResource

ALL_ASSETS = load_assets_from_modules(
    [collect_assets, shares_assets, indices_assets, criteria_assets, quality_assets, publish_assets]
)

release_job = define_asset_job(
    "release_job",
    selection=AssetSelection.all(),
    description="Collect, check, compute, apply criteria and publish a release.",
)

defs = Definitions(
    assets=map_asset_specs(with_published_freshness, ALL_ASSETS),
    asset_checks=QUALITY_CHECKS,
    jobs=[release_job, statfin_slices_job],
    schedules=[monthly_full_refresh],
    sensors=[source_update_sensor, run_failure_alert_sensor, degraded_run_alert_sensor],
    resources={
        "snapshot": SnapshotSource(),
        "local_counts": LocalCountsFiles(),
        "handed_tables": HandedTables(),
        "collection": CollectionPolicy(),
        "statfin": StatFinApi(),
        "vipunen": VipunenApi(),
        "release_target": ReleaseTarget(),
        "source_updates": SourceUpdatesResource(),
        **io_manager_from_env(),  # object storage for step outputs when TASAPAINO_IO_BASE is set
    },
    executor=executor_from_env(),
)

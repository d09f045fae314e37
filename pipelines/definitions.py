"""The one Dagster ``Definitions`` object of the Tasapaino code location.

``build_definitions`` assembles it: the assets of the stage modules plus any extra assets, then
the parts that follow from the dataset registry (every ``<dataset>.meta.yml``): the blocking
checks of each checked dataset, the quality report and the release over the datasets that an
asset produces, freshness and column schemas. A new dataset therefore needs its asset, its
metadata file and its rules, and nothing here.
"""

from __future__ import annotations

from collections.abc import Sequence

from dagster import (
    AssetsDefinition,
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
from checks.asset_checks import quality_checks
from checks.gate import datasets as checked_datasets
from pipelines.executors import executor_from_env
from pipelines.freshness import with_column_schema, with_published_freshness
from pipelines.io_managers import io_manager_from_env
from pipelines.partitions import statfin_slices_job
from pipelines.schedules import monthly_full_refresh
from pipelines.sensors import (
    degraded_run_alert_sensor,
    run_failure_alert_sensor,
    source_update_sensor,
)
from pipelines.source_updates import SourceUpdatesResource
from publish import bundle

STAGE_MODULES = [
    collect_assets,
    shares_assets,
    indices_assets,
    criteria_assets,
    quality_assets,
    publish_assets,
]

release_job = define_asset_job(
    "release_job",
    selection=AssetSelection.all(),
    description="Collect, check, compute, apply criteria and publish a release.",
)


def stage_assets(extra_assets: Sequence[AssetsDefinition] = ()) -> list[AssetsDefinition]:
    """Every asset: the stage modules', ``extra_assets``, the quality report and the release
    over the registered datasets those assets produce."""
    base = [*load_assets_from_modules(STAGE_MODULES), *extra_assets]
    produced = {key.to_user_string() for a in base for key in a.keys}
    checked = tuple(n for n in checked_datasets() if n in produced)
    published = tuple(n for n in bundle.table_datasets() if n in produced)
    return [
        *base,
        quality_assets.quality_report_asset(checked),
        publish_assets.release_asset(published),
    ]


def build_definitions(extra_assets: Sequence[AssetsDefinition] = ()) -> Definitions:
    """The code location, with ``extra_assets`` (e.g. the producer of a dataset whose metadata
    file lives outside the project: see ``assets.dataset_registry.extra_root``)."""
    assets = stage_assets(extra_assets)
    produced = {key.to_user_string() for a in assets for key in a.keys}
    checks = [
        c
        for c in quality_checks()
        if all(k.asset_key.to_user_string() in produced for k in c.check_keys)
    ]
    return Definitions(
        assets=map_asset_specs(
            lambda spec: with_column_schema(with_published_freshness(spec)), assets
        ),
        asset_checks=checks,
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
            **io_manager_from_env(),  # object storage for step outputs (TASAPAINO_IO_BASE)
        },
        executor=executor_from_env(),
    )


ALL_ASSETS = stage_assets()
defs = build_definitions()

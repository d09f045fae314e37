"""Freshness windows of the published assets, applied once in ``pipelines/definitions.py``.

The statistics are annual: StatFin revises each table once or a few times a year, so the data
vintage alone says little about whether the pipeline is healthy. What must stay fresh is the
*materialisation*: the monthly schedule rebuilds every published asset on the 2nd of each month,
and the source sensor rebuilds them within hours of a source update. The UI therefore warns when a
published asset is older than one missed monthly run (35 days) and fails when two runs in a row
were missed (63 days), which is when a maintainer must look (docs/operations.md).
"""

from __future__ import annotations

import datetime as dt

from dagster import AssetKey, AssetSpec, FreshnessPolicy

WARN_AFTER = dt.timedelta(days=35)
FAIL_AFTER = dt.timedelta(days=63)
PUBLISHED_POLICY = FreshnessPolicy.time_window(fail_window=FAIL_AFTER, warn_window=WARN_AFTER)
# Everything that lands in a release: the five datasets, the articles and the release itself.
PUBLISHED = frozenset(
    AssetKey(name)
    for name in (
        "counts",
        "unit_shares",
        "segregation_indices",
        "criteria_results",
        "segregation_change",
        "articles",
        "release",
    )
)


def with_published_freshness(spec: AssetSpec) -> AssetSpec:
    """For ``map_asset_specs``: published assets get the policy, the others stay as they are."""
    if spec.key not in PUBLISHED:
        return spec
    return spec.replace_attributes(freshness_policy=PUBLISHED_POLICY)

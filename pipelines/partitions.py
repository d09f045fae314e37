"""Year × region partitions of the StatFin fetch, for backfills that run in parallel.

``statfin_slices_job`` is partitioned by statistical year and region (``SSS`` and the
maakunnat). A backfill launches one run per slice; the run queue (``max_concurrent_runs`` in the
instance profile) or Kubernetes decides how many run at once, and the op pool ``statfin_api``
bounds how many talk to StatFin at the same time (its limit is per client, 40 calls a minute:
set the pool limit to 1 against the public service, higher against a mirror). After the
backfill, a normal ``release_job`` run builds ``counts`` and everything downstream from the
merged store, fetching nothing that is already there (docs/operations.md, "Scale out").
"""

import datetime as dt

from dagster import (
    Config,
    MultiPartitionsDefinition,
    OpExecutionContext,
    StaticPartitionsDefinition,
    job,
    op,
)
from pydantic import Field

from assets.resources import SnapshotSource, StatFinApi
from pipelines.slices import fetch_slice, merge_slice

FIRST_YEAR = 2010
REGION_PATTERN = r"SSS|MK\d\d"


def slice_years(today: dt.date | None = None) -> list[str]:
    """Statistical years StatFin may hold: 2010 up to last year."""
    last = (today or dt.date.today()).year - 1
    return [str(y) for y in range(FIRST_YEAR, last + 1)]


def slice_regions() -> list[str]:
    """The whole country and every maakunta in the shipped region list."""
    import re

    from assets.reference.classifications import load_regions

    codes = load_regions()["code"].astype(str)
    return sorted(c for c in codes if re.fullmatch(REGION_PATTERN, c))


STATFIN_SLICES = MultiPartitionsDefinition(
    {
        "region": StaticPartitionsDefinition(slice_regions()),
        "year": StaticPartitionsDefinition(slice_years()),
    }
)


class SliceConfig(Config):
    """Which configured tables to fetch (``folder/table`` ids; empty = every table)."""

    tables: list[str] = Field(default_factory=list)


@op(
    pool="statfin_api",
    description="Fetch one year × region slice of every configured StatFin table and merge it "
    "into the incremental counts store.",
)
def fetch_statfin_slice(
    context: OpExecutionContext, config: SliceConfig, statfin: StatFinApi, snapshot: SnapshotSource
) -> None:
    from assets.collect.tables import load_statfin_tables

    keys = context.partition_key.keys_by_dimension
    year, region = keys["year"], keys["region"]
    tables = [t for t in load_statfin_tables() if not config.tables or t.id in config.tables]
    store = statfin.archive_path() / "counts"
    rows = {}
    for key, frame in fetch_slice(
        statfin.client(), tables, year, region, snapshot.path() / "recorded"
    ).items():
        rows[key] = len(frame)
        merge_slice(store, key, year, region, frame)
    context.add_output_metadata({"year": year, "region": region, "rows": rows, "store": str(store)})


@job(
    partitions_def=STATFIN_SLICES,
    description="StatFin fetch by year × region, for parallel backfills (pipelines/partitions.py).",
    tags={"tasapaino/path": "scale-out"},
)
def statfin_slices_job() -> None:
    fetch_statfin_slice()

"""Fetch one statistical year of one region from StatFin, with the collect stage's own code.

The scale-out path for the national table at its finest grain: instead of one long run that
fetches every year and region in turn, a backfill of ``statfin_slices_job`` (pipelines/
partitions.py) fetches year × region slices in parallel runs, on one machine or as Kubernetes
jobs. Each slice goes through exactly the live code path (``StatFinClient`` →
``statfin_counts``) with the configured table narrowed to one region, and is merged into the
same incremental store that ``api_counts`` reads (``<archive>/counts/<table key>.parquet``), so
the asset graph and every downstream computation stay single and unpartitioned. Pure of Dagster.
"""

from __future__ import annotations

import contextlib
import fcntl
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from assets.contracts import COUNTS

if TYPE_CHECKING:
    from assets.collect.statfin import StatFinClient
    from assets.collect.tables import StatFinTable

NATIONAL = "SSS"


def slice_spec(spec: StatFinTable, region: str) -> StatFinTable | None:
    """``spec`` narrowed to one region; national tables belong to the ``SSS`` slice only."""
    if spec.region is None:
        return spec if region == NATIONAL else None
    if not re.fullmatch(spec.regions, region):
        return None
    return replace(spec, regions=f"^{re.escape(region)}$")


def fetch_slice(
    client: StatFinClient,
    tables: Iterable[StatFinTable],
    year: str,
    region: str,
    names_root: Path | None = None,
) -> dict[str, pd.DataFrame]:
    """``{table key: counts rows}`` of every configured table that has this year and region
    (``names_root``: the recorded snapshot whose service names complete the shipped lists)."""
    from assets.collect.harmonise import statfin_counts
    from assets.collect.statfin import find_variable, parse_metadata

    out = {}
    for spec in tables:
        sliced = slice_spec(spec, region)
        if sliced is None:
            continue
        metas = client.fetch_metadata(sliced)
        variables = parse_metadata(metas[0].json(), table=spec.id)
        if year not in find_variable(variables, spec.time, table=spec.id).values:
            continue
        if (
            spec.region is not None
            and region not in find_variable(variables, spec.region, table=spec.id).values
        ):
            continue  # e.g. MK03, a region of the old division, in a table of the new one
        data = client.fetch_data(sliced, metas[0], [year])
        out[spec.key] = statfin_counts(sliced, [*metas, *data], names_root)
    return out


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock: parallel slices of one table merge one after another."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def merge_slice(store: Path, key: str, year: str, region: str, rows: pd.DataFrame) -> int:
    """Replace the (year, region) rows of ``store/<key>.parquet`` by ``rows``; return its size.

    The file is the collect stage's incremental store: written to a temporary name and renamed,
    so a reader sees the old or the new table, never half of one.
    """
    target = store / f"{key}.parquet"
    with _locked(store / f".{key}.lock"):
        previous = pd.read_parquet(target) if target.is_file() else None
        parts = [rows]
        if previous is not None:
            same = (previous["year"].astype(int) == int(year)) & (
                previous["region_code"].astype(str) == region
            )
            parts.insert(0, previous[~same])
        merged = pd.concat([p for p in parts if not p.empty], ignore_index=True)
        merged = merged.sort_values(list(COUNTS.primary_key), ignore_index=True)
        tmp = target.with_suffix(".parquet.tmp")
        merged.to_parquet(tmp, index=False)
        tmp.replace(target)
    return len(merged)

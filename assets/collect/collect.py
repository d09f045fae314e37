"""Collect every configured API table, live or from the recorded snapshot, into ``counts`` rows.

Live: each table's metadata is read on every run (cheap: one call per language); data are
fetched only for statistical years not yet in the local store, and merged into it. A new year
therefore costs only that year's cells. ``full=True`` refetches every year (the monthly safety
net, and ``snapshot refresh``), which also picks up revisions of earlier years.

Replay: the recorded exchanges of each table go through the very same ``statfin_counts`` /
``vipunen_counts`` as live ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from assets.collect.harmonise import statfin_counts, vipunen_counts
from assets.collect.http import Exchange
from assets.collect.recorded import exchange_dir, read_exchanges, write_exchanges
from assets.collect.statfin import StatFinClient, find_variable, metadata_texts, parse_metadata
from assets.collect.tables import StatFinTable, VipunenResource
from assets.collect.vipunen import VipunenClient
from assets.contracts import COUNTS, conform


@dataclass
class Collected:
    """Counts of one table and measure, with the exchanges made for them in this run."""

    source_table: str
    measure: str
    counts: pd.DataFrame
    exchanges: list[Exchange] = field(default_factory=list)
    fetched_years: list[int] = field(default_factory=list)


def _store_path(store: Path, key: str) -> Path:
    return store / f"{key}.parquet"


def _read_store(store: Path | None, key: str) -> pd.DataFrame | None:
    if store is None or not _store_path(store, key).is_file():
        return None
    return pd.read_parquet(_store_path(store, key))


def _write_store(store: Path | None, key: str, df: pd.DataFrame) -> None:
    if store is None:
        return
    store.mkdir(parents=True, exist_ok=True)
    tmp = _store_path(store, key).with_suffix(".parquet.tmp")
    df.to_parquet(tmp, index=False)
    tmp.replace(_store_path(store, key))


def merge_years(previous: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """``previous`` with the years in ``new`` replaced by ``new``'s rows."""
    if previous is None or previous.empty:
        return new.reset_index(drop=True)
    kept = previous[~previous["year"].isin(set(new["year"]))]
    merged = pd.concat([kept, new], ignore_index=True)
    return merged.sort_values(list(COUNTS.primary_key), ignore_index=True)


def collect_statfin(
    client: StatFinClient,
    spec: StatFinTable,
    store: Path | None = None,
    full: bool = False,
    names_root: Path | None = None,
) -> Collected:
    """Live counts of one table: metadata always, data only for years missing from ``store``,
    all within one table deadline (``names_root``: see ``harmonise.unit_names``)."""
    with client.session.table_budget(spec.id):
        metas = client.fetch_metadata(spec)
        texts = metadata_texts(metas)
        variables = parse_metadata(metas[0].json(), table=spec.id)
        years = find_variable(variables, spec.time, table=spec.id, texts=texts).values
        previous = None if full else _read_store(store, spec.key)
        have = set() if previous is None else {str(y) for y in previous["year"].unique()}
        needed = [y for y in years if y not in have]
        if not needed:
            return Collected(spec.id, spec.measure, previous, list(metas))
        data = client.fetch_data(spec, metas[0], needed, texts=texts)
    exchanges = [*metas, *data]
    merged = merge_years(previous, statfin_counts(spec, exchanges, names_root))
    _write_store(store, spec.key, merged)
    return Collected(spec.id, spec.measure, merged, exchanges, [int(y) for y in needed])


def collect_vipunen(
    client: VipunenClient, spec: VipunenResource, names_root: Path | None = None
) -> Collected:
    exchanges = client.fetch_resource(spec)
    return Collected(spec.id, spec.measure, vipunen_counts(spec, exchanges, names_root), exchanges)


def record(root: Path, collected: Sequence[Collected], service: Sequence[Exchange] = ()) -> None:
    """Write this run's exchanges in the recorded-snapshot layout (recorded.py)."""
    for item in collected:
        if item.exchanges:
            source = item.exchanges[0].source
            table = item.source_table.removeprefix("vipunen/")
            write_exchanges(exchange_dir(root, source, table, item.measure), item.exchanges)
    if service:
        write_exchanges(root / "statfin" / "_service", service)


def replay(
    root: Path, statfin: Sequence[StatFinTable], vipunen: Sequence[VipunenResource]
) -> list[Collected]:
    """Counts from recorded exchanges, for every configured table that has a recording."""
    out = []
    for spec in statfin:
        directory = exchange_dir(root, "statfin", spec.id, spec.measure)
        if directory.is_dir():
            exchanges = read_exchanges(directory)
            out.append(Collected(spec.id, spec.measure, statfin_counts(spec, exchanges, root)))
    for res in vipunen:
        directory = exchange_dir(root, "vipunen", res.resource, res.measure)
        if directory.is_dir():
            out.append(
                Collected(res.id, res.measure, vipunen_counts(res, read_exchanges(directory), root))
            )
    return out


def combine(collected: Sequence[Collected]) -> pd.DataFrame:
    """All API counts in one frame (empty with the contract's columns when nothing was read)."""
    frames = [c.counts for c in collected if c.counts is not None and not c.counts.empty]
    if not frames:
        return conform(pd.DataFrame({c: [] for c in COUNTS.names}), COUNTS)
    return pd.concat(frames, ignore_index=True).sort_values(
        list(COUNTS.primary_key), ignore_index=True
    )

"""One source table at a time: what a run got for it, and how the tables combine into ``counts``.

A monthly run reads a dozen outside tables; one of them will always be renamed, late or down.
Each configured table is therefore collected on its own (``collect_one``) into a
``TableOutcome``: read now (live, from the recorded snapshot or from a hand-given file), or
failed with its one-line reason. A failed table does not stop the others: ``settle`` carries its
rows over from the previous release byte for byte (``stale``, with their original retrieval
time) or, when no release had it, lists it as ``missing``. Missing data is not bad data; the
quality gate still judges every row that is published.

Tables of different origins can cover the same statistic. ``prefer_sources`` keeps one per key
(measure × classification × level × region × year): an API table (live, recorded or a hand-given
file) before a transcribed one, and among API tables the one configured first; the rows set
aside are reported, so ``sources.csv`` says which table gave way to which. No index key can then
occur twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from assets.collect.tables import StatFinTable, VipunenResource
from assets.contracts import COUNTS, conform

if TYPE_CHECKING:  # the clients import httpx (about a second); definitions load without it
    from assets.collect.http import Exchange
    from assets.collect.statfin import StatFinClient
    from assets.collect.vipunen import VipunenClient

Entry = StatFinTable | VipunenResource

# How a table's rows reached this run.
LIVE, RECORDED, FILE = "live", "recorded", "file"
# What a table that could not be read becomes.
FAILED, STALE, MISSING = "failed", "stale", "missing"
NOT_RECORDED = "not_recorded"  # a bundled run without a recording of it: not asked, not missing

KEY = ["measure", "classification", "level", "region_code", "year"]


@dataclass
class TableOutcome:
    """What one run got for one configured table and measure."""

    source: str
    source_table: str
    measure: str
    status: str
    counts: pd.DataFrame | None = None
    error: str = ""
    fix: str = ""
    exchanges: list[Exchange] = field(default_factory=list)
    fetched_years: list[int] = field(default_factory=list)
    file: str = ""
    file_sha256: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.source_table, self.measure)

    @property
    def rows(self) -> int:
        return 0 if self.counts is None else len(self.counts)

    @property
    def degraded(self) -> bool:
        """Stale or missing: published, but not as fresh as configured."""
        return self.status in (STALE, MISSING, FAILED)


def entry_source(entry: Entry) -> str:
    return "vipunen" if isinstance(entry, VipunenResource) else "statfin"


def fix_for(entry: Entry, error: str) -> str:
    """What a maintainer should do about a table that could not be read."""
    if isinstance(entry, StatFinTable):
        if "not in the folder listing" in error or not entry.confirmed:
            return (
                f"confirm the id of {entry.id} with `tasapaino sources check` and correct it in "
                "data/sources/statfin.yaml"
            )
        if "variable" in error or "value" in error:
            return (
                "compare the table with `tasapaino sources check` and fix data/sources/statfin.yaml"
            )
        return "run `tasapaino sources check`; if the service is down, the next run retries"
    if "field" in error or not entry.confirmed:
        return (
            f"check the resource {entry.resource} and its field names with `tasapaino sources "
            "check` and fix data/sources/vipunen.yaml"
        )
    return "run `tasapaino sources check`; if the service is down, the next run retries"


def collect_one(
    entry: Entry,
    *,
    live: bool,
    recorded_root: Path,
    statfin_client: Callable[[], StatFinClient] | None = None,
    vipunen_client: Callable[[], VipunenClient] | None = None,
    store: Path | None = None,
    full_refresh: bool = False,
    handed: pd.DataFrame | None = None,
    handed_file: str = "",
    handed_sha256: str = "",
) -> TableOutcome:
    """Read one table: from a hand-given file if there is one, else live or from the recording.

    A live failure is returned, not raised: the caller decides between degraded and strict."""
    from assets.collect.collect import collect_statfin, collect_vipunen
    from assets.collect.harmonise import statfin_counts, vipunen_counts
    from assets.collect.http import SourceError
    from assets.collect.recorded import exchange_dir, read_exchanges

    source = entry_source(entry)
    if handed is not None:
        return TableOutcome(
            source,
            entry.id,
            entry.measure,
            FILE,
            handed,
            file=handed_file,
            file_sha256=handed_sha256,
        )
    if live:
        try:
            if isinstance(entry, StatFinTable):
                got = collect_statfin(
                    _need(statfin_client)(), entry, store, full_refresh, recorded_root
                )
            else:
                got = collect_vipunen(_need(vipunen_client)(), entry, recorded_root)
        except SourceError as exc:
            error = str(exc)
            return TableOutcome(
                source, entry.id, entry.measure, FAILED, error=error, fix=fix_for(entry, error)
            )
        return TableOutcome(
            source,
            entry.id,
            entry.measure,
            LIVE,
            got.counts,
            exchanges=list(got.exchanges),
            fetched_years=list(got.fetched_years),
        )
    table = entry.resource if isinstance(entry, VipunenResource) else entry.id
    directory = exchange_dir(recorded_root, source, table, entry.measure)
    if not directory.is_dir():
        return TableOutcome(source, entry.id, entry.measure, NOT_RECORDED)
    exchanges = read_exchanges(directory)
    if isinstance(entry, StatFinTable):
        rows = statfin_counts(entry, exchanges, recorded_root)
    else:
        rows = vipunen_counts(entry, exchanges, recorded_root)
    return TableOutcome(source, entry.id, entry.measure, RECORDED, rows)


def _need(factory: Callable[[], object] | None) -> Callable[[], object]:
    if factory is None:
        raise ValueError("a live collection needs a client factory for its source")
    return factory


def settle(outcomes: Sequence[TableOutcome], previous: pd.DataFrame | None) -> list[TableOutcome]:
    """Every failed table carried over from the previous release's counts (``stale``, its rows
    as published then) or, with no earlier copy, ``missing``; the others unchanged."""
    out = []
    for item in outcomes:
        if item.status != FAILED:
            out.append(item)
            continue
        rows = None
        if previous is not None and not previous.empty:
            mask = previous["source_table"].eq(item.source_table) & previous["measure"].eq(
                item.measure
            )
            rows = previous[mask.fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)
        status = STALE if rows is not None and len(rows) else MISSING
        out.append(
            TableOutcome(
                item.source,
                item.source_table,
                item.measure,
                status,
                rows if status == STALE else None,
                error=item.error,
                fix=item.fix,
            )
        )
    return out


def api_frame(outcomes: Sequence[TableOutcome]) -> pd.DataFrame:
    """The rows of every table that has some, in one frame with the counts contract."""
    frames = [o.counts for o in outcomes if o.counts is not None and not o.counts.empty]
    if not frames:
        return conform(pd.DataFrame({c: [] for c in COUNTS.names}), COUNTS)
    df = pd.concat([conform(f, COUNTS) for f in frames], ignore_index=True)
    return df.sort_values(list(COUNTS.primary_key), ignore_index=True)


def table_order(frames: Sequence[pd.DataFrame]) -> list[tuple[str, str]]:
    """(source_table, measure) in order of preference: ``frames`` in turn, each table where it
    first appears."""
    order: dict[tuple[str, str], None] = {}
    for f in frames:
        if f is not None and not f.empty:
            pairs = f[["source_table", "measure"]].drop_duplicates().itertuples(index=False)
            order.update({(str(t), str(m)): None for t, m in pairs})
    return list(order)


def prefer_sources(df: pd.DataFrame, order: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """One table per key (``KEY``): where two tables give the same statistic, the one earlier in
    ``order`` keeps it (tables not in ``order`` come last, in their own order)."""
    if df.empty:
        return df.reset_index(drop=True)
    pairs = list(zip(df["source_table"].astype(str), df["measure"].astype(str), strict=True))
    place = {pair: i for i, pair in enumerate(order)}
    extra = {
        p: len(place) + i for i, p in enumerate(dict.fromkeys(p for p in pairs if p not in place))
    }
    rank = pd.Series([place.get(p, extra.get(p)) for p in pairs], index=df.index)
    best = rank.groupby([df[c] for c in KEY], observed=True, dropna=False).transform("min")
    kept = df[(rank == best).to_numpy()]
    return kept.sort_values(list(COUNTS.primary_key), ignore_index=True)


def set_aside(frames: Sequence[pd.DataFrame], kept: pd.DataFrame) -> pd.DataFrame:
    """Per table and measure, the rows ``prefer_sources`` left out and the tables that gave the
    same statistics instead: columns source_table, measure, rows (left out), of (the table's
    rows in all), years, regions, by."""
    columns = ["source_table", "measure", "rows", "of", "years", "regions", "by"]
    parts = [f for f in frames if f is not None and not f.empty]
    if not parts or kept is None:
        return pd.DataFrame(columns=columns)
    df = pd.concat([p[["source_table", "measure", *KEY[1:]]] for p in parts], ignore_index=True)
    owner = kept[[*KEY, "source_table"]].drop_duplicates(KEY).rename(columns={"source_table": "by"})
    merged = df.merge(owner, on=KEY, how="left")
    lost = merged[merged["by"].notna() & merged["by"].ne(merged["source_table"])]
    if lost.empty:
        return pd.DataFrame(columns=columns)
    sizes = df.groupby(["source_table", "measure"], observed=True).size()
    rows = []
    for (table, measure), g in lost.groupby(["source_table", "measure"], observed=True):
        rows.append(
            {
                "source_table": str(table),
                "measure": str(measure),
                "rows": len(g),
                "of": int(sizes[(table, measure)]),
                "years": ", ".join(str(int(y)) for y in sorted(g["year"].unique())),
                "regions": ", ".join(sorted(str(r) for r in g["region_code"].unique())),
                "by": ", ".join(sorted(str(b) for b in g["by"].unique())),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def status_frame(outcomes: Sequence[TableOutcome]) -> pd.DataFrame:
    """One row per configured table: what this run got for it (the ``collection_status``)."""
    columns = [
        "source",
        "source_table",
        "measure",
        "status",
        "rows",
        "error",
        "fix",
        "file",
        "file_sha256",
    ]
    return pd.DataFrame(
        [
            {
                "source": o.source,
                "source_table": o.source_table,
                "measure": o.measure,
                "status": o.status,
                "rows": o.rows,
                "error": o.error,
                "fix": o.fix,
                "file": o.file,
                "file_sha256": o.file_sha256,
            }
            for o in outcomes
        ],
        columns=columns,
    )

"""What a live run would get from each configured table, asked of the services without data.

``tasapaino sources check`` is what a maintainer with network runs first: for every configured
StatFin table it reads the folder listing and the table's metadata (no data query), and says
whether the table is there (or, if not, which titles in the folder come nearest), which variable
code and value each configured name matched, how many cells the query has and how many POSTs the
run will need under the service's cell limit. For a Vipunen resource it reads the record count
and one record, and checks the configured field names. Pure of Dagster.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from assets.collect.http import SourceError
from assets.collect.statfin import (
    StatFinClient,
    build_selection,
    cell_count,
    listing_has_table,
    metadata_texts,
    parse_metadata,
    plan_queries,
)
from assets.collect.tables import StatFinTable, VipunenResource
from assets.collect.vipunen import VipunenClient


@dataclass(frozen=True)
class TableCheck:
    """One configured table: whether a live run would get it, and what was matched."""

    source_table: str
    measure: str
    found: bool
    summary: str

    def line(self) -> str:
        return (
            f"{'found  ' if self.found else 'MISSING'} {self.source_table} ({self.measure}): "
            + (self.summary)
        )


def nearest_titles(listing: object, wanted: str, n: int = 3) -> list[str]:
    """The folder's table titles most like ``wanted`` (the configured title or id)."""
    entries = [e for e in listing if isinstance(e, dict)] if isinstance(listing, list) else []
    titled = {
        f"{str(e.get('id', '')).removesuffix('.px')}: {e.get('text', '')}": e for e in entries
    }
    return difflib.get_close_matches(wanted, list(titled), n=n, cutoff=0.0)[:n]


def check_statfin(client: StatFinClient, spec: StatFinTable) -> TableCheck:
    """Listing and metadata of one table; any service error becomes the table's summary."""
    try:
        listing = client.listing(spec.folder)
        if listing_has_table(listing, spec.table) is None:
            near = nearest_titles(listing, spec.title or spec.id)
            return TableCheck(
                spec.id,
                spec.measure,
                False,
                f"'{spec.table}' is not in the folder listing {client.url('fi', spec.folder)}; "
                f"nearest titles there: {' | '.join(near) or 'none'}",
            )
        metas = [client.metadata(spec, lang) for lang in client.languages]
        variables = parse_metadata(metas[0].json(), table=spec.id)
        selection, codes = build_selection(spec, variables, texts=metadata_texts(metas))
        parts = plan_queries(selection, client.limits().max_cells, split_first=codes["time"])
    except SourceError as exc:
        return TableCheck(spec.id, spec.measure, False, str(exc))
    chosen = dict(selection)
    matched = []
    for role in ("unit", "sex", "region", "time"):
        name = getattr(spec, role)
        if name and role in codes:
            values = chosen[codes[role]]
            span = f"{values[0]}–{values[-1]}" if role == "time" else f"{len(values)} values"
            matched.append(f"{role} '{name}' → {codes[role]} ({span})")
    matched.append(f"contents → {chosen[codes['contents']][0]}")
    matched += [f"fixed '{k}' → {v}" for k, v in spec.fixed.items()]
    others = [c for c, _ in selection if c not in codes.values()]
    if others:
        matched.append("totals: " + ", ".join(f"{c}={chosen[c][0]}" for c in others))
    cells = cell_count(selection)
    return TableCheck(
        spec.id,
        spec.measure,
        True,
        f"{'; '.join(matched)}; {cells} cells in {len(parts)} POST(s)",
    )


def check_vipunen(client: VipunenClient, spec: VipunenResource) -> TableCheck:
    """The record count and one record of a resource, with the configured fields checked."""
    try:
        total, _ = client.count(spec)
        sample = client.session.request(
            "GET",
            f"{client.root}/resources/{spec.resource}/data",
            table=spec.resource,
            kind="data",
            params={
                "limit": "1",
                "offset": "0",
                **({"filter": spec.filter} if spec.filter else {}),
            },
            headers={"Caller-Id": client.caller_id, "Accept": "application/json"},
        ).json()
    except SourceError as exc:
        return TableCheck(spec.id, spec.measure, False, str(exc))
    if not isinstance(sample, list) or not sample or not isinstance(sample[0], dict):
        return TableCheck(spec.id, spec.measure, False, f"no record to check ({total} counted)")
    have = set(sample[0])
    absent = [f"{role}={name}" for role, name in spec.fields.items() if name not in have]
    if absent:
        return TableCheck(
            spec.id,
            spec.measure,
            False,
            f"records have no field(s) {', '.join(absent)} (they have: "
            f"{', '.join(sorted(have)[:20])}); fix 'fields' in data/sources/vipunen.yaml",
        )
    fields = ", ".join(f"{role} → {name}" for role, name in spec.fields.items())
    return TableCheck(spec.id, spec.measure, True, f"{total} records; {fields}")


def check_all(
    statfin: StatFinClient,
    vipunen: VipunenClient,
    tables: Sequence[StatFinTable],
    resources: Sequence[VipunenResource],
) -> list[TableCheck]:
    return [
        *(check_statfin(statfin, t) for t in tables),
        *(check_vipunen(vipunen, r) for r in resources),
    ]

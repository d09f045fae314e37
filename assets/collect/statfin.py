"""Statistics Finland's StatFin database through the PxWeb API v1.

``{root}/{lang}/StatFin/{folder}/{table}.px``: GET gives a table's metadata (its variables with
their codes and value texts), POST a query answered in json-stat2. Since 8 June 2026 tables have
short ids (``115s.px``) and queries address variables by code; the codes carry a version stamp
that differs between tables (``alue_28_20250101``), so every run finds each variable by the
prefix in the configuration instead of a hard-coded code.

The service limits a query to ``maxValues`` cells and a client to ``maxCalls`` per ``timeWindow``
seconds (read from ``GET {root}/{lang}/?config``). A large query is split along one variable
(years first) into requests under the cell limit, and the parts are checked to reassemble into
exactly the cells asked for.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from assets.collect.classifications import code_level, is_total_code
from assets.collect.http import (
    ApiSession,
    Clock,
    Exchange,
    RateLimiter,
    RetryPolicy,
    Sleep,
    SourceError,
    utc_now,
)
from assets.collect.jsonstat import decode_json, load_payload, parse_jsonstat2
from assets.collect.tables import StatFinTable

DEFAULT_URL = "https://pxdata.stat.fi/PxWeb/api/v1"
URL_ENV = "TASAPAINO_STATFIN_URL"
DATABASE = "StatFin"
LANGUAGES = ("fi", "sv", "en")
CONFIG_FILE = "data/sources/statfin.yaml"

Selection = list[tuple[str, list[str]]]


def statfin_root() -> str:
    """API root: ``TASAPAINO_STATFIN_URL`` (a mirror, proxy or test server) or the service."""
    return (os.environ.get(URL_ENV) or DEFAULT_URL).rstrip("/")


@dataclass(frozen=True)
class Limits:
    max_cells: int
    max_calls: int
    window_s: float


# Used until ?config answers, and for any field it leaves out: the documented service limits.
DEFAULT_LIMITS = Limits(max_cells=120_000, max_calls=40, window_s=60.0)


def parse_limits(doc: dict[str, Any]) -> Limits:
    """``maxValues`` (or ``maxCells``), ``maxCalls`` and ``timeWindow`` of a PxWeb config."""
    cells = doc.get("maxValues") or doc.get("maxCells") or DEFAULT_LIMITS.max_cells
    calls = doc.get("maxCalls") or DEFAULT_LIMITS.max_calls
    window = doc.get("timeWindow") or DEFAULT_LIMITS.window_s
    return Limits(int(cells), int(calls), float(window))


@dataclass(frozen=True)
class Variable:
    """One variable of a table's metadata."""

    code: str
    text: str
    values: tuple[str, ...]
    value_texts: tuple[str, ...]
    elimination: bool
    time: bool

    def labels(self) -> dict[str, str]:
        return dict(zip(self.values, self.value_texts, strict=True))


def parse_metadata(doc: Any, *, table: str) -> list[Variable]:
    if not isinstance(doc, dict) or not isinstance(doc.get("variables"), list):
        raise SourceError(
            f"statfin {table}: the metadata has no 'variables' list; is this a PxWeb v1 table?"
        )
    out = []
    for v in doc["variables"]:
        values = tuple(str(x) for x in v.get("values", []))
        texts = tuple(str(x) for x in v.get("valueTexts", values))
        if len(values) != len(texts):
            raise SourceError(f"statfin {table}: variable {v.get('code')} has unmatched texts")
        out.append(
            Variable(
                code=str(v["code"]),
                text=str(v.get("text", v["code"])),
                values=values,
                value_texts=texts,
                elimination=bool(v.get("elimination", False)),
                time=bool(v.get("time", False)),
            )
        )
    return out


def find_variable(variables: Sequence[Variable], prefix: str, *, table: str) -> Variable:
    """The one variable whose code starts with ``prefix`` (codes change; prefixes do not)."""
    found = [v for v in variables if v.code.lower().startswith(prefix.lower())]
    if len(found) == 1:
        return found[0]
    codes = ", ".join(v.code for v in variables)
    if not found:
        raise SourceError(
            f"statfin {table}: no variable code starts with '{prefix}' (the table has: {codes}); "
            f"the table was changed — update the prefix in {CONFIG_FILE}"
        )
    raise SourceError(
        f"statfin {table}: {len(found)} variables start with '{prefix}' ({codes}); "
        f"make the prefix in {CONFIG_FILE} longer"
    )


def _one_value(var: Variable, prefix: str, spec: StatFinTable, what: str) -> str:
    found = [v for v in var.values if v.startswith(prefix)]
    if len(found) != 1:
        raise SourceError(
            f"statfin {spec.id}: {what} '{prefix}' matches {len(found)} values of "
            f"{var.code} ({', '.join(var.values[:12])}); fix it in {CONFIG_FILE}"
        )
    return found[0]


def build_selection(
    spec: StatFinTable, variables: Sequence[Variable], years: Sequence[str] | None = None
) -> tuple[Selection, dict[str, str]]:
    """The query for ``spec`` as (variable code, values) pairs, and role → variable code.

    Units: every code at the configured levels. Sex: women, men and the total (for the
    women + men = total check). Regions: codes matching ``spec.regions``. Years: all, or only
    ``years`` (an incremental run). Every other variable: its total, or eliminated.
    """
    table = spec.id
    roles = {"unit": spec.unit, "sex": spec.sex, "time": spec.time}
    if spec.region:
        roles["region"] = spec.region
    found = {role: find_variable(variables, prefix, table=table) for role, prefix in roles.items()}
    contents = find_variable(variables, "contentscode", table=table)
    fixed = {find_variable(variables, p, table=table).code: v for p, v in spec.fixed.items()}

    selection: Selection = []
    for var in variables:
        if var.code == found["unit"].code:
            values = [
                c
                for c in var.values
                if not is_total_code(c) and code_level(spec.classification, c) in spec.levels
            ]
        elif var.code == found["sex"].code:
            values = [c for c in var.values if c in ("1", "2") or is_total_code(c)]
        elif "region" in found and var.code == found["region"].code:
            values = [c for c in var.values if re.fullmatch(spec.regions, c)]
        elif var.code == found["time"].code:
            values = list(var.values) if years is None else [y for y in var.values if y in years]
        elif var.code == contents.code:
            values = [_one_value(var, spec.contents, spec, "contents")]
        elif var.code in fixed:
            if fixed[var.code] not in var.values:
                raise SourceError(
                    f"statfin {table}: {var.code} has no value '{fixed[var.code]}' "
                    f"({', '.join(var.values[:12])}); fix 'fixed' in {CONFIG_FILE}"
                )
            values = [fixed[var.code]]
        else:
            totals = [c for c in var.values if is_total_code(c)]
            if totals:
                values = totals[:1]
            elif var.elimination:
                continue
            else:
                raise SourceError(
                    f"statfin {table}: variable {var.code} ({var.text}) has no total and cannot "
                    f"be eliminated; pin it with 'fixed' in {CONFIG_FILE}"
                )
        if not values:
            raise SourceError(
                f"statfin {table}: nothing to ask of {var.code} ({var.text}); check levels, "
                f"regions and years in {CONFIG_FILE}"
            )
        selection.append((var.code, values))
    codes = {role: v.code for role, v in found.items()} | {"contents": contents.code}
    return selection, codes


def cell_count(selection: Selection) -> int:
    return math.prod(len(values) for _, values in selection)


def plan_queries(
    selection: Selection, max_cells: int, split_first: str | None = None
) -> list[Selection]:
    """Split ``selection`` into parts of at most ``max_cells`` cells that cover it exactly once.

    Splits along ``split_first`` (the years) when possible, else the longest variable, into
    consecutive chunks as large as the limit allows; recurses when one value is still too big.
    """
    if cell_count(selection) <= max_cells:
        return [selection]
    splittable = [i for i, (_, values) in enumerate(selection) if len(values) > 1]
    if not splittable:
        raise SourceError(f"a single cell exceeds the limit of {max_cells} cells")
    codes = [code for code, _ in selection]
    if split_first in codes and codes.index(split_first) in splittable:
        axis = codes.index(split_first)
    else:
        axis = max(splittable, key=lambda i: len(selection[i][1]))
    code, values = selection[axis]
    per_value = cell_count(selection) // len(values)
    chunk = max(1, max_cells // per_value)
    parts = []
    for start in range(0, len(values), chunk):
        part = list(selection)
        part[axis] = (code, values[start : start + chunk])
        parts.extend(plan_queries(part, max_cells, split_first) if chunk == 1 else [part])
    return parts


def query_body(selection: Selection) -> dict[str, Any]:
    return {
        "query": [
            {"code": code, "selection": {"filter": "item", "values": list(values)}}
            for code, values in selection
        ],
        "response": {"format": "json-stat2"},
    }


def listing_has_table(listing: Any, table: str) -> dict[str, Any] | None:
    """The folder listing's entry for ``table`` (``115s.px``, ``115s`` or the old long id)."""
    for entry in listing if isinstance(listing, list) else []:
        stem = str(entry.get("id", "")).removesuffix(".px")
        if stem == table or stem.rsplit("_", 1)[-1] == table:
            return entry
    return None


class StatFinClient:
    """A PxWeb v1 client for one API root, respecting its limits; pure of Dagster."""

    def __init__(
        self,
        root: str | None = None,
        *,
        http: httpx.Client | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        now: Callable[[], str] = utc_now,
        policy: RetryPolicy | None = None,
        archive: Callable[[Exchange], None] | None = None,
        timeout_s: float = 60.0,
        languages: Sequence[str] = LANGUAGES,
    ) -> None:
        self.root = (root or statfin_root()).rstrip("/")
        self.languages = tuple(languages)
        self.limiter = RateLimiter(DEFAULT_LIMITS.max_calls, DEFAULT_LIMITS.window_s, clock, sleep)
        self.session = ApiSession(
            source="statfin",
            client=http or httpx.Client(timeout=timeout_s, follow_redirects=True),
            limiter=self.limiter,
            policy=policy,
            sleep=sleep,
            now=now,
            archive=archive,
        )
        self._limits: Limits | None = None
        self._listings: dict[str, Any] = {}

    def url(self, lang: str, *parts: str) -> str:
        return "/".join([self.root, lang, DATABASE, *parts])

    def limits(self) -> Limits:
        """The service's limits, read once per client; the rate limiter follows them."""
        if self._limits is None:
            url = f"{self.root}/{self.languages[0]}/?config"  # exactly as documented
            exchange = self.session.request(
                "GET",
                url,
                table="config",
                kind="config",
                validate=_json_object,
            )
            self._limits = parse_limits(exchange.json())
            self.limiter.reconfigure(self._limits.max_calls, self._limits.window_s)
        return self._limits

    def listing(self, folder: str) -> Any:
        if folder not in self._listings:
            url = self.url(self.languages[0], folder)
            self._listings[folder] = self.session.request(
                "GET",
                url,
                table=folder,
                kind="listing",
                validate=_json_any,
                refusal_hint=f"check the folder name '{folder}' in {CONFIG_FILE}",
            ).json()
        return self._listings[folder]

    def check_listed(self, spec: StatFinTable) -> dict[str, Any]:
        """Fail, naming the folder listing, when a configured table is not in it."""
        entry = listing_has_table(self.listing(spec.folder), spec.table)
        if entry is None:
            listing_url = self.url(self.languages[0], spec.folder)
            raise SourceError(
                f"statfin {spec.id}: table '{spec.table}' is not in the folder listing "
                f"GET {listing_url}; find the table ({spec.title or spec.measure}) in that "
                f"listing and update its id in {CONFIG_FILE}"
            )
        return entry

    def metadata(self, spec: StatFinTable, lang: str) -> Exchange:
        return self.session.request(
            "GET",
            self.url(lang, spec.folder, f"{spec.table}.px"),
            table=spec.id,
            kind=f"metadata-{lang}",
            validate=_json_object,
            refusal_hint=f"check the table id against GET {self.url(lang, spec.folder)}",
        )

    def fetch_metadata(self, spec: StatFinTable) -> list[Exchange]:
        """The table's metadata in every language, after checking the folder listing."""
        self.limits()
        self.check_listed(spec)
        return [self.metadata(spec, lang) for lang in self.languages]

    def fetch_data(
        self, spec: StatFinTable, metadata: Exchange, years: Sequence[str] | None = None
    ) -> list[Exchange]:
        """The json-stat2 parts of ``spec``'s query, each under the cell limit."""
        variables = parse_metadata(metadata.json(), table=spec.id)
        selection, codes = build_selection(spec, variables, years)
        parts = plan_queries(selection, self.limits().max_cells, split_first=codes["time"])
        table_url = self.url(self.languages[0], spec.folder, f"{spec.table}.px")
        return [
            self.session.request(
                "POST",
                table_url,
                table=spec.id,
                kind="data",
                json_body=query_body(part),
                validate=lambda body: _check_jsonstat(body, spec.id),
                refusal_hint="a variable or value code may have changed — compare the query "
                f"with GET {table_url}",
            )
            for part in parts
        ]

    def fetch_table(self, spec: StatFinTable, years: Sequence[str] | None = None) -> list[Exchange]:
        """Every exchange needed to build ``spec``'s counts: metadata (each language) and data."""
        metas = self.fetch_metadata(spec)
        return [*metas, *self.fetch_data(spec, metas[0], years)]


def _json_object(body: bytes) -> None:
    load_payload(body, table="response")


def _json_any(body: bytes) -> None:
    decode_json(body, table="response")


def _check_jsonstat(body: bytes, table: str) -> None:
    parse_jsonstat2(body, table=f"statfin {table}")

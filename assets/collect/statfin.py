"""Statistics Finland's StatFin database through the PxWeb API v1.

``{root}/{lang}/StatFin/{folder}/{table}.px``: GET gives a table's metadata (its variables with
their codes and value texts), POST a query answered in json-stat2. Since 8 June 2026 tables have
short ids (``115s.px``) and queries address variables by code; the codes carry a version stamp
that differs between tables (``alue_28_20250101``), so every run finds each variable by its
code's *name segment* (``alue``) instead of a hard-coded code. The segment is matched exactly,
never as a prefix: the real table 115q has both ``ammatti_104_20161021`` and
``ammattiasema_7_20121201``, and a prefix ``ammatti`` would match both.

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

from assets.collect.http import (
    ApiSession,
    Clock,
    Exchange,
    HttpLimits,
    RateLimiter,
    RetryPolicy,
    Sleep,
    SourceError,
    new_client,
    utc_now,
)
from assets.collect.jsonstat import decode_json, load_payload, parse_jsonstat2
from assets.collect.tables import StatFinTable
from assets.reference.classifications import code_level, is_total_code

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


# What a PxWeb ?config may sensibly say; outside these a service is misconfigured or hostile,
# and obeying it would mean thousands of queries or none at all.
_LIMIT_RANGES = {
    "maxValues": (1_000, 10_000_000),
    "maxCalls": (1, 10_000),
    "timeWindow": (1, 3_600),
}


def parse_limits(doc: Any) -> Limits:
    """``maxValues`` (or ``maxCells``), ``maxCalls`` and ``timeWindow`` of a PxWeb config.

    A missing field takes the documented default; a value that is not a number, or outside
    ``_LIMIT_RANGES``, is refused with the value named."""
    if not isinstance(doc, dict):
        raise SourceError(f"statfin ?config: expected a JSON object, got {type(doc).__name__}")
    raw = {
        "maxValues": doc.get("maxValues") or doc.get("maxCells"),
        "maxCalls": doc.get("maxCalls"),
        "timeWindow": doc.get("timeWindow"),
    }
    defaults = {
        "maxValues": DEFAULT_LIMITS.max_cells,
        "maxCalls": DEFAULT_LIMITS.max_calls,
        "timeWindow": DEFAULT_LIMITS.window_s,
    }
    values: dict[str, float] = {}
    for name, value in raw.items():
        if value is None:
            values[name] = defaults[name]
            continue
        low, high = _LIMIT_RANGES[name]
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if number is None or not low <= number <= high:
            raise SourceError(
                f"statfin ?config: {name}={value!r} is not a plausible limit (expected a number "
                f"from {low} to {high}); the service's configuration looks wrong — try again "
                "later, or run with --source snapshot"
            )
        values[name] = number
    return Limits(int(values["maxValues"]), int(values["maxCalls"]), float(values["timeWindow"]))


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


_STAMP = re.compile(r"_\d")
_TIME_CODE = re.compile(r"timeperiod_[ymqw]", re.IGNORECASE)


def variable_name(code: str) -> str:
    """A variable code's name segment: the part before the first ``_<digits>`` version stamp
    (``ammatti_104_20161021`` → ``ammatti``); PxWeb's time codes ``timeperiod_y`` (years),
    ``_q``, ``_m`` → ``timeperiod``; older codes without a stamp (``Sukupuoli``) are their own
    name. Lower case, since older tables capitalise."""
    name = _STAMP.split(code, maxsplit=1)[0]
    if _TIME_CODE.fullmatch(name):
        name = "timeperiod"
    return name.casefold()


def find_variable(
    variables: Sequence[Variable],
    name: str,
    *,
    table: str,
    texts: dict[str, Sequence[str]] | None = None,
) -> Variable:
    """The one variable whose code's name segment is ``name`` (or whose full code is ``name``).

    Only when no code matches: the one variable whose text, in any language given in ``texts``
    (code → texts, e.g. ``Sukupuoli``, ``Kön``, ``Sex``), is ``name``. Never a prefix match."""
    wanted = name.casefold()
    by_code = [v for v in variables if wanted in (v.code.casefold(), variable_name(v.code))]
    if len(by_code) == 1:
        return by_code[0]
    seen = ", ".join(v.code for v in variables)
    if len(by_code) > 1:
        raise SourceError(
            f"statfin {table}: {len(by_code)} variables are named '{name}' "
            f"({', '.join(v.code for v in by_code)}); name the variable by its full code in "
            f"{CONFIG_FILE} (the table has: {seen})"
        )
    all_texts = texts or {}
    by_text = [
        v
        for v in variables
        if wanted in {t.casefold() for t in (v.text, *all_texts.get(v.code, ()))}
    ]
    if len(by_text) == 1:
        return by_text[0]
    why = (
        f"{len(by_text)} variables have the text '{name}'"
        if by_text
        else f"no variable is named '{name}' by code or text"
    )
    raise SourceError(
        f"statfin {table}: {why} (the table has: {seen}); the table was changed — set the "
        f"variable's name segment or full code in {CONFIG_FILE}"
    )


def match_value(var: Variable, wanted: str, spec: StatFinTable, what: str) -> str:
    """The value code ``wanted`` of ``var``: exactly, or else the one code that is ``wanted``
    with a version digit appended (StatFin renamed ``tyolliset`` to ``tyokay-tyolliset2``)."""
    if wanted in var.values:
        return wanted
    versioned = [v for v in var.values if re.fullmatch(re.escape(wanted) + r"\d+", v)]
    if len(versioned) == 1:
        return versioned[0]
    raise SourceError(
        f"statfin {spec.id}: {what} '{wanted}' matches {len(versioned)} values of "
        f"{var.code} (it has: {', '.join(var.values[:12])}"
        f"{' …' if len(var.values) > 12 else ''}); fix it in {CONFIG_FILE}"
    )


def _contents_value(var: Variable, spec: StatFinTable) -> str:
    """The configured content (``contents``), or the table's only one when none is named."""
    if spec.contents:
        return match_value(var, spec.contents, spec, "contents")
    if len(var.values) == 1:
        return var.values[0]
    raise SourceError(
        f"statfin {spec.id}: the table has {len(var.values)} contents "
        f"({', '.join(var.values)}) and none is configured; set 'contents' in {CONFIG_FILE}"
    )


def build_selection(
    spec: StatFinTable,
    variables: Sequence[Variable],
    years: Sequence[str] | None = None,
    *,
    texts: dict[str, Sequence[str]] | None = None,
) -> tuple[Selection, dict[str, str]]:
    """The query for ``spec`` as (variable code, values) pairs, and role → variable code.

    Units: every code at the configured levels. Sex: women, men and the total (for the
    women + men = total check). Regions: codes matching ``spec.regions``. Years: all, or only
    ``years`` (an incremental run). Every other variable: its total, or eliminated.
    ``texts`` (code → the variable's texts in other languages) lets a name match by text.
    """
    table = spec.id
    roles = {"unit": spec.unit, "sex": spec.sex, "time": spec.time}
    if spec.region:
        roles["region"] = spec.region
    found = {
        role: find_variable(variables, name, table=table, texts=texts)
        for role, name in roles.items()
    }
    contents = find_variable(variables, "contentscode", table=table, texts=texts)
    fixed = {
        find_variable(variables, name, table=table, texts=texts).code: value
        for name, value in spec.fixed.items()
    }
    codes_used = [v.code for v in (*found.values(), contents)]
    clash = [c for c in fixed if c in codes_used]
    if clash:
        raise SourceError(
            f"statfin {table}: 'fixed' pins {clash[0]}, which is also the unit, sex, region, "
            f"time or contents variable; fix 'fixed' in {CONFIG_FILE}"
        )

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
            values = [_contents_value(var, spec)]
        elif var.code in fixed:
            if fixed[var.code] not in var.values:  # exactly: SS is not SSS, 1 is not 12
                raise SourceError(
                    f"statfin {table}: {var.code} has no value '{fixed[var.code]}' "
                    f"(it has: {', '.join(var.values[:12])}); fix 'fixed' in {CONFIG_FILE}"
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


def variable_texts(metadata: dict[str, Sequence[Variable]]) -> dict[str, list[str]]:
    """Each variable code's texts in every language read (``Sukupuoli``, ``Kön``, ``Sex``)."""
    out: dict[str, list[str]] = {}
    for variables in metadata.values():
        for v in variables:
            out.setdefault(v.code, []).append(v.text)
    return out


def metadata_texts(metas: Sequence[Exchange]) -> dict[str, list[str]]:
    """``variable_texts`` of a table's metadata exchanges (one per language)."""
    return variable_texts(
        {m.kind.removeprefix("metadata-"): parse_metadata(m.json(), table=m.table) for m in metas}
    )


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
        limits: HttpLimits | None = None,
        languages: Sequence[str] = LANGUAGES,
    ) -> None:
        self.root = (root or statfin_root()).rstrip("/")
        self.languages = tuple(languages)
        self.limiter = RateLimiter(DEFAULT_LIMITS.max_calls, DEFAULT_LIMITS.window_s, clock, sleep)
        limits = limits or HttpLimits.from_env()
        self.session = ApiSession(
            source="statfin",
            client=http or new_client(limits),
            limiter=self.limiter,
            policy=policy,
            sleep=sleep,
            now=now,
            archive=archive,
            limits=limits,
            clock=clock,
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
        self,
        spec: StatFinTable,
        metadata: Exchange,
        years: Sequence[str] | None = None,
        *,
        texts: dict[str, Sequence[str]] | None = None,
    ) -> list[Exchange]:
        """The json-stat2 parts of ``spec``'s query, each under the cell limit."""
        variables = parse_metadata(metadata.json(), table=spec.id)
        selection, codes = build_selection(spec, variables, years, texts=texts)
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
        """Every exchange needed to build ``spec``'s counts: metadata (each language) and data,
        within one table deadline."""
        with self.session.table_budget(spec.id):
            metas = self.fetch_metadata(spec)
            return [*metas, *self.fetch_data(spec, metas[0], years, texts=metadata_texts(metas))]


def _json_object(body: bytes) -> None:
    load_payload(body, table="response")


def _json_any(body: bytes) -> None:
    decode_json(body, table="response")


def _check_jsonstat(body: bytes, table: str) -> None:
    parse_jsonstat2(body, table=f"statfin {table}")

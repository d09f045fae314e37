"""An in-memory PxWeb v1 service for tests (SYNTHETIC data), served through httpx.MockTransport.

It answers ``?config``, folder listings, table metadata and json-stat2 queries the way StatFin
does, computes every cell's value from its coordinates (so a reassembled answer can be checked
cell by cell), and can be told to misbehave for the next calls: HTTP errors, timeouts, a cut-off
body or an HTML error page. Calls are logged with the fake clock's time.
"""

from __future__ import annotations

import json
import math
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.collect import statfin_layouts as layouts

ROOT = "https://pxweb.test/PxWeb/api/v1"


class FakeClock:
    """Monotonic time that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)


def cell_value(coords: tuple[str, ...]) -> int:
    """A deterministic synthetic count for one cell."""
    return zlib.crc32("|".join(coords).encode()) % 5000


def consistent_value(sex_axis: int) -> Callable[[tuple[str, ...]], int]:
    """``cell_value``, with the sex total the sum of men and women, as in the real tables."""

    def value(coords: tuple[str, ...]) -> int:
        if coords[sex_axis] == "SSS":
            men, women = list(coords), list(coords)
            men[sex_axis], women[sex_axis] = "1", "2"
            return cell_value(tuple(men)) + cell_value(tuple(women))
        return cell_value(coords)

    return value


@dataclass
class Table:
    folder: str
    table: str
    variables: list[dict[str, Any]]
    updated: str = "2025-06-03T05:00:00Z"
    value: Callable[[tuple[str, ...]], int | None] = cell_value
    status: Callable[[tuple[str, ...]], str] = lambda coords: ""
    titles: dict[str, str] = field(default_factory=dict)  # lang → title, as in the listing

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("fi") or self.table

    def metadata(self, lang: str) -> dict[str, Any]:
        """``GET …/{lang}/StatFin/{folder}/{table}.px``: texts in that language."""
        out = []
        for v in self.variables:
            texts = v.get("texts", {})
            value_texts = v.get("valueTextsByLang", {})
            item = {k: x for k, x in v.items() if k not in ("texts", "valueTextsByLang")}
            item["text"] = texts.get(lang, v["text"])
            item["valueTexts"] = value_texts.get(lang, v["valueTexts"])
            out.append(item)
        return {"title": self.title(lang), "variables": out}


@dataclass
class PxWebMock:
    clock: FakeClock = field(default_factory=FakeClock)
    tables: dict[str, Table] = field(default_factory=dict)
    config: dict[str, Any] = field(
        default_factory=lambda: {"maxValues": 120000, "maxCalls": 40, "timeWindow": 60}
    )
    log: list[tuple[float, str, str, int]] = field(default_factory=list)
    script: deque = field(default_factory=deque)

    def add(self, table: Table) -> Table:
        self.tables[f"{table.folder}/{table.table}"] = table
        return table

    def fail_next(self, *actions: Any) -> None:
        """Queue misbehaviour: an int status, (status, headers), 'timeout', 'truncated', 'html'."""
        self.script.extend(actions)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=self.transport())

    def data_requests(self) -> list[dict[str, Any]]:
        return [
            json.loads(body)
            for _, method, body, status in self.log
            if method == "POST" and status == 200
        ]

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = request.content.decode() if request.content else ""
        action = self.script.popleft() if self.script else None
        if action == "timeout":
            self.log.append((self.clock(), request.method, body, 0))
            raise httpx.ReadTimeout("timed out", request=request)
        response = self._answer(request, body)
        if isinstance(action, int):
            response = httpx.Response(action, text=f"error {action}")
        elif isinstance(action, tuple):
            response = httpx.Response(action[0], headers=action[1], text="slow down")
        elif action == "truncated":
            response = httpx.Response(200, content=response.content[: len(response.content) // 2])
        elif action == "html":
            response = httpx.Response(
                200,
                text="<!DOCTYPE html><html><head><title>Service Unavailable</title></head></html>",
            )
        self.log.append((self.clock(), request.method, body, response.status_code))
        return response

    def _answer(self, request: httpx.Request, body: str) -> httpx.Response:
        path = request.url.path.removeprefix(httpx.URL(ROOT).path).strip("/")
        parts = path.split("/")
        if "config" in request.url.params:
            return httpx.Response(200, json=self.config)
        if len(parts) == 3:  # lang/StatFin/folder
            listing = [
                {
                    "id": f"{t.table}.px",
                    "type": "t",
                    "text": t.title(parts[0]),
                    "updated": t.updated,
                }
                for t in self.tables.values()
                if t.folder == parts[2]
            ]
            return httpx.Response(200, json=listing)
        key = f"{parts[2]}/{parts[3].removesuffix('.px')}"
        if key not in self.tables:
            return httpx.Response(404, text="Not Found")
        table = self.tables[key]
        if request.method == "GET":
            return httpx.Response(200, json=table.metadata(parts[0]))
        return self._query(table, json.loads(body))

    def _query(self, table: Table, query: dict[str, Any]) -> httpx.Response:
        by_code = {v["code"]: v for v in table.variables}
        selection = {q["code"]: q["selection"]["values"] for q in query["query"]}
        unknown = [c for c in selection if c not in by_code]
        if unknown:
            return httpx.Response(400, text="Bad Request")
        ids = list(selection)
        sizes = [len(selection[c]) for c in ids]
        if math.prod(sizes) > self.config["maxValues"]:
            return httpx.Response(403, text="Too many values")
        coords = [()]
        for c in ids:
            coords = [(*prefix, v) for prefix in coords for v in selection[c]]
        status = {str(i): s for i, xy in enumerate(coords) if (s := table.status(xy))}
        doc = {
            "version": "2.0",
            "class": "dataset",
            "label": f"{table.table} (SYNTHETIC)",
            "source": "synthetic",
            "updated": table.updated,
            "id": ids,
            "size": sizes,
            "dimension": {
                c: {
                    "label": by_code[c].get("text", c),
                    "category": {
                        "index": {v: i for i, v in enumerate(selection[c])},
                        "label": dict(
                            zip(by_code[c]["values"], by_code[c]["valueTexts"], strict=True)
                        ),
                    },
                }
                for c in ids
            },
            "value": [
                None if status.get(str(i)) else table.value(xy) for i, xy in enumerate(coords)
            ],
            "status": status,
        }
        return httpx.Response(200, json=doc)


def _table(layout: dict[str, Any]) -> Table:
    sex_axis = next(i for i, v in enumerate(layout["variables"]) if v["code"].startswith("suku"))
    return Table(**layout, value=consistent_value(sex_axis))


def table_115s(years: int = 14, area_code: str = "alue_28_20250101") -> Table:
    return _table(layouts.layout_115s(years=years, area_code=area_code))


def table_115q(years: int = 14) -> Table:
    return _table(layouts.layout_115q(years=years))


def table_12br(years: int = 4) -> Table:
    return _table(layouts.layout_12br(years=years))


def table_standin_12bd(years: int = 2) -> Table:
    return _table(layouts.layout_standin_12bd(years=years))

"""Vipunen, the education administration's statistics API: ``{root}/resources/{resource}/data``.

A resource is a flat list of records. ``/data/count`` says how many match a filter (RSQL, e.g.
``tilastovuosi=ge=2019``); the records are then read in pages with ``limit`` and ``offset``.
Every call carries a ``Caller-Id`` header, as Vipunen asks of API users, and goes through the
same call limit, retries and archive as StatFin (``assets.collect.http``). The pages are checked
to add up to the announced count, so a resource that changed while being read is refetched
rather than published half old, half new.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

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
from assets.collect.jsonstat import decode_json
from assets.collect.tables import VipunenResource

DEFAULT_URL = "https://api.vipunen.fi/api"
URL_ENV = "TASAPAINO_VIPUNEN_URL"
CALLER_ID = "tasapaino.opendata"
PAGE_SIZE = 5000
# Vipunen publishes no call limit; stay well below what a browser session would make.
CALLS_PER_WINDOW, WINDOW_S = 30, 60.0


def vipunen_root() -> str:
    return (os.environ.get(URL_ENV) or DEFAULT_URL).rstrip("/")


def _records(body: bytes) -> None:
    doc = decode_json(body, table="response")
    if not isinstance(doc, list):
        raise ValueError(f"expected a JSON list of records, got {type(doc).__name__}")


def _number(body: bytes) -> None:
    doc = decode_json(body, table="response")
    if not isinstance(doc, int) and not (isinstance(doc, dict) and "count" in doc):
        raise ValueError(f"expected a record count, got {str(doc)[:80]}")


class VipunenClient:
    """Count, page and archive one Vipunen resource at a time; pure of Dagster."""

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
        page_size: int = PAGE_SIZE,
        caller_id: str = CALLER_ID,
        limits: HttpLimits | None = None,
    ) -> None:
        self.root = (root or vipunen_root()).rstrip("/")
        self.page_size, self.caller_id = page_size, caller_id
        limits = limits or HttpLimits.from_env()
        self.session = ApiSession(
            source="vipunen",
            client=http or new_client(limits),
            limits=limits,
            clock=clock,
            limiter=RateLimiter(CALLS_PER_WINDOW, WINDOW_S, clock, sleep),
            policy=policy,
            sleep=sleep,
            now=now,
            archive=archive,
        )

    def _get(
        self,
        spec: VipunenResource,
        path: str,
        kind: str,
        params: dict[str, str],
        validate: Callable[[bytes], None],
    ) -> Exchange:
        return self.session.request(
            "GET",
            f"{self.root}/resources/{spec.resource}/{path}",
            table=spec.resource,
            kind=kind,
            params=params,
            headers={"Caller-Id": self.caller_id, "Accept": "application/json"},
            validate=validate,
            refusal_hint=f"check the resource name and filter of '{spec.resource}' in "
            f"data/sources/vipunen.yaml against GET {self.root}/resources",
        )

    def count(self, spec: VipunenResource) -> tuple[int, Exchange]:
        params = {"filter": spec.filter} if spec.filter else {}
        exchange = self._get(spec, "data/count", "count", params, _number)
        doc = exchange.json()
        return int(doc["count"] if isinstance(doc, dict) else doc), exchange

    def fetch_resource(self, spec: VipunenResource) -> list[Exchange]:
        """The count and every page of records matching the resource's filter, within one
        table deadline."""
        with self.session.table_budget(spec.id):
            return self._fetch_resource(spec)

    def _fetch_resource(self, spec: VipunenResource) -> list[Exchange]:
        total, counted = self.count(spec)
        pages = []
        for offset in range(0, max(total, 1), self.page_size):
            params = {"limit": str(self.page_size), "offset": str(offset)}
            if spec.filter:
                params["filter"] = spec.filter
            pages.append(self._get(spec, "data", "data", params, _records))
        received = sum(len(p.json()) for p in pages)
        if received != total:
            raise SourceError(
                f"vipunen {spec.resource}: /data/count said {total} records but the pages held "
                f"{received}; the resource changed while being read — run again"
            )
        return [counted, *pages]

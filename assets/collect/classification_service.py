"""Statistics Finland's classification service: the full AML 2010 and Koulutusala 2016 trees.

``{root}/classifications/{id}/classificationItems?content=data&meta=max&lang={fi|sv|en}`` lists
every item of a classification with its ``code``, ``level``, ``parentCode`` and
``classificationItemNames`` in one language per request. ``snapshot refresh`` records the three
languages so that names of the finer levels (3–5), which are not shipped as files, come from
the source itself; ``recorded_names`` reads them back.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pandas as pd

from assets.collect.http import (
    ApiSession,
    Exchange,
    HttpLimits,
    RateLimiter,
    RetryPolicy,
    new_client,
    utc_now,
)
from assets.collect.jsonstat import decode_json
from assets.collect.recorded import read_exchanges

DEFAULT_URL = "https://data.stat.fi/api/classifications/v2"
URL_ENV = "TASAPAINO_CLASSIFICATIONS_URL"
# Local classification id → the service's id.
SERVICE_IDS = {"ammatti_2010": "ammatti_1_20100101", "koulutusala_2016": "koulutusala_1_20160101"}
LANGUAGES = ("fi", "sv", "en")


def classifications_root() -> str:
    return (os.environ.get(URL_ENV) or DEFAULT_URL).rstrip("/")


def _items(body: bytes) -> None:
    doc = decode_json(body, table="classification items")
    if not isinstance(doc, list):
        raise ValueError(f"expected a list of classification items, got {type(doc).__name__}")


def fetch_items(
    name: str,
    *,
    root: str | None = None,
    http: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    policy: RetryPolicy | None = None,
    now: Callable[[], str] = utc_now,
) -> list[Exchange]:
    """The items of classification ``name`` in fi, sv and en."""
    service_id = SERVICE_IDS[name]
    limits = HttpLimits.from_env()
    session = ApiSession(
        source="classifications",
        client=http or new_client(limits),
        limits=limits,
        limiter=RateLimiter(10, 10.0, time.monotonic, sleep),
        policy=policy,
        sleep=sleep,
        now=now,
    )
    base = (root or classifications_root()).rstrip("/")
    return [
        session.request(
            "GET",
            f"{base}/classifications/{service_id}/classificationItems",
            table=service_id,
            kind=f"items-{lang}",
            params={"content": "data", "meta": "max", "lang": lang},
            validate=_items,
        )
        for lang in LANGUAGES
    ]


def items_frame(exchanges: list[Exchange]) -> pd.DataFrame:
    """code, level, parent, name_fi, name_sv, name_en from recorded item lists."""
    frames = []
    for exchange in exchanges:
        lang = exchange.kind.removeprefix("items-")
        rows = []
        for item in exchange.json():
            names = {
                n.get("lang"): n.get("name", "") for n in item.get("classificationItemNames", [])
            }
            rows.append(
                {
                    "code": str(item["code"]),
                    "level": int(float(item.get("level", 0))),
                    "parent": str(item.get("parentCode") or ""),
                    f"name_{lang}": names.get(lang, next(iter(names.values()), "")),
                }
            )
        frames.append(pd.DataFrame(rows).set_index(["code", "level", "parent"]))
    return pd.concat(frames, axis=1).reset_index().fillna("")


def recorded_names(recorded_root: Path, name: str) -> pd.DataFrame | None:
    """Items of ``name`` recorded by ``snapshot refresh``, or None when none were recorded."""
    directory = recorded_root / "classifications" / SERVICE_IDS.get(name, name) / "items"
    if not directory.is_dir():
        return None
    return items_frame(read_exchanges(directory))

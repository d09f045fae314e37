"""Recorded-format StatFin fixtures (SYNTHETIC numbers) as ``Exchange`` lists and ``counts``.

``regional_counts()`` gives ``counts`` rows in the live format for MK17 Pohjois-Pohjanmaa and SSS,
AML 2010 levels 1–3, 2021–2023, built by the same parser and harmonisation code as a live run.
The numbers are made up (tests/fixtures/statfin/README.md): use them in tests only, never publish.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from assets.collect.harmonise import statfin_counts
from assets.collect.http import Exchange
from assets.collect.statfin import DEFAULT_URL
from assets.collect.tables import StatFinTable, load_statfin_tables

STATFIN_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "statfin"
VIPUNEN_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vipunen"
RETRIEVED_AT = "2026-11-28T06:00:00Z"


def spec_115s() -> StatFinTable:
    return next(t for t in load_statfin_tables() if t.id == "tyokay/115s")


def fixture_bytes(name: str) -> bytes:
    return (STATFIN_FIXTURES / name).read_bytes()


def query_of(jsonstat: dict) -> dict:
    """The PxWeb query that asks for exactly the cells of a json-stat2 dataset."""
    return {
        "query": [
            {
                "code": dim,
                "selection": {
                    "filter": "item",
                    "values": list(jsonstat["dimension"][dim]["category"]["index"]),
                },
            }
            for dim in jsonstat["id"]
        ],
        "response": {"format": "json-stat2"},
    }


def regional_exchanges(root: str = DEFAULT_URL) -> list[Exchange]:
    """Metadata (fi) and one data response of the synthetic 115s-style regional fixture."""
    table_url = f"{root}/fi/StatFin/tyokay/115s.px"
    data = fixture_bytes("115s_regional.json")
    return [
        Exchange(
            "statfin",
            "tyokay/115s",
            "metadata-fi",
            "GET",
            table_url,
            None,
            200,
            fixture_bytes("115s_metadata.json"),
            RETRIEVED_AT,
        ),
        Exchange(
            "statfin",
            "tyokay/115s",
            "data",
            "POST",
            table_url,
            json.dumps(query_of(json.loads(data)), ensure_ascii=False),
            200,
            data,
            RETRIEVED_AT,
        ),
    ]


def regional_counts() -> pd.DataFrame:
    """``counts`` rows of the SYNTHETIC regional fixture (MK17 and SSS, levels 1–3, 2021–2023)."""
    return statfin_counts(spec_115s(), regional_exchanges())

"""When did each configured source last change? Cheap polls for ``source_update_sensor``.

StatFin (PxWeb API v1) lists a folder's tables with their ``updated`` time in one GET of the
folder (``.../StatFin/tyokay``), so a poll costs one call per folder, not per table. Vipunen
repeats the dataset's ``tietojoukkoPaivitettyPvm`` on every row, so one row (``limit=1``) is
enough. The API roots follow ``TASAPAINO_STATFIN_URL`` and ``TASAPAINO_VIPUNEN_URL``, as the
collect clients do, so a mirror or a local test server stands in for the real services.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

import httpx
from dagster import ConfigurableResource
from pydantic import Field

STATFIN_URL = "https://pxdata.stat.fi/PxWeb/api/v1"
VIPUNEN_URL = "https://api.vipunen.fi/api"
VIPUNEN_UPDATED = "tietojoukkoPaivitettyPvm"
CALLER_ID = "tasapaino"
DEFAULT_STATFIN_TABLES = ("tyokay/115s", "tyokay/115q", "vkour/12br")
_TIMEOUT_S = 30.0


class SourceUpdateError(RuntimeError):
    """A source did not say when it was updated (names the table and what to check)."""


def statfin_table_updates(folder: str, listing: list[Mapping[str, Any]]) -> dict[str, str]:
    """``{"folder/table": updated}`` from a PxWeb v1 folder listing.

    Table entries have ``type`` ``t`` and an id such as ``115s.px`` (short ids since June 2026)
    or ``statfin_tyokay_pxt_115s.px`` (the older long form); both map to ``folder/115s``.
    """
    out = {}
    for entry in listing:
        if entry.get("type") != "t" or "updated" not in entry:
            continue
        stem = str(entry["id"]).removesuffix(".px").rsplit("_", 1)[-1]
        out[f"{folder}/{stem}"] = str(entry["updated"])
    return out


def vipunen_updated(resource: str, rows: list[Mapping[str, Any]]) -> str:
    if not rows or VIPUNEN_UPDATED not in rows[0]:
        raise SourceUpdateError(
            f"vipunen/{resource}: the first data row has no {VIPUNEN_UPDATED}; check the "
            "resource name in the source configuration"
        )
    return str(rows[0][VIPUNEN_UPDATED])


def poll(
    client: httpx.Client,
    statfin_tables: Iterable[str],
    vipunen_resources: Iterable[str],
    statfin_url: str = STATFIN_URL,
    vipunen_url: str = VIPUNEN_URL,
) -> dict[str, str]:
    """Last-update time of every configured table: ``statfin:tyokay/115s``, ``vipunen:<res>``."""
    wanted: dict[str, list[str]] = {}
    for table in statfin_tables:
        folder, _, _ = table.rpartition("/")
        wanted.setdefault(folder, []).append(table)
    out: dict[str, str] = {}
    for folder, tables in sorted(wanted.items()):
        url = f"{statfin_url.rstrip('/')}/fi/StatFin/{folder}"
        listing = _get_json(client, url, f"StatFin folder {folder}")
        found = statfin_table_updates(folder, listing)
        for table in tables:
            if table not in found:
                raise SourceUpdateError(
                    f"statfin:{table}: not in the folder listing {url}; the table was renamed "
                    "or moved, update the table id in the source configuration"
                )
            out[f"statfin:{table}"] = found[table]
    for resource in vipunen_resources:
        url = f"{vipunen_url.rstrip('/')}/resources/{resource}/data"
        rows = _get_json(client, url, f"Vipunen {resource}", params={"limit": 1, "offset": 0})
        out[f"vipunen:{resource}"] = vipunen_updated(resource, rows)
    return out


def _get_json(
    client: httpx.Client, url: str, what: str, params: Mapping[str, Any] | None = None
) -> Any:
    try:
        response = client.get(url, params=params)
        response.raise_for_status()
        return response.json()
    except httpx.HTTPStatusError as exc:
        raise SourceUpdateError(
            f"{what}: HTTP {exc.response.status_code} from {url}; the sensor retries at its next "
            "poll"
        ) from None
    except (httpx.HTTPError, ValueError) as exc:
        raise SourceUpdateError(
            f"{what}: {type(exc).__name__} from {url}; the sensor retries at its next poll"
        ) from None


class SourceUpdatesResource(ConfigurableResource):
    """The configured sources, polled for their last-update times (see module docstring)."""

    statfin_tables: list[str] = Field(
        default_factory=lambda: list(DEFAULT_STATFIN_TABLES),
        description="StatFin tables as folder/table id, e.g. tyokay/115s",
    )
    vipunen_resources: list[str] = Field(
        default_factory=list, description="Vipunen resource names to poll"
    )

    def updated_times(self) -> dict[str, str]:
        with httpx.Client(
            timeout=_TIMEOUT_S, headers={"Caller-Id": CALLER_ID}, follow_redirects=True
        ) as client:
            return poll(
                client,
                self.statfin_tables,
                self.vipunen_resources,
                statfin_url=os.environ.get("TASAPAINO_STATFIN_URL", STATFIN_URL),
                vipunen_url=os.environ.get("TASAPAINO_VIPUNEN_URL", VIPUNEN_URL),
            )

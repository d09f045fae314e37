"""When did each configured source last change? Cheap polls for ``source_update_sensor``.

The tables come from the collect stage's configuration (``data/sources/statfin.yaml`` and
``vipunen.yaml``) and the calls go through its clients (``assets/collect``), so the sensor
honours the same API roots (``TASAPAINO_STATFIN_URL``, ``TASAPAINO_VIPUNEN_URL``), rate limits,
retries and error messages as a live run. StatFin (PxWeb v1) lists a folder's tables with their
``updated`` time in one GET of the folder, so a poll costs one call per folder, not per table.
Vipunen repeats the data set's ``tietojoukkoPaivitettyPvm`` on every record, so one record
(``limit=1``) is enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dagster import ConfigurableResource

if TYPE_CHECKING:  # the clients import httpx; keep it out of definition loading
    from assets.collect.statfin import StatFinClient
    from assets.collect.tables import StatFinTable, VipunenResource
    from assets.collect.vipunen import VipunenClient

VIPUNEN_UPDATED = "tietojoukkoPaivitettyPvm"
# A poll must finish well inside the daemon's sensor timeout (60 s): few, short retries.
POLL_TIMEOUT_S = 15.0


class SourceUpdateError(RuntimeError):
    """A source did not say when it was updated (names the table and what to check)."""


def statfin_updates(client: StatFinClient, tables: Iterable[StatFinTable]) -> dict[str, str]:
    """``{"statfin:<folder>/<table>": updated}`` from each folder's listing (read once)."""
    out: dict[str, str] = {}
    for spec in tables:
        entry = client.check_listed(spec)  # fails naming the listing when the id is gone
        if "updated" not in entry:
            raise SourceUpdateError(
                f"statfin {spec.id}: the folder listing gives no 'updated' time for this "
                f"table; check {client.url(client.languages[0], spec.folder)}"
            )
        out[f"statfin:{spec.id}"] = str(entry["updated"])
    return out


def vipunen_updated(spec: VipunenResource, records: Any) -> str:
    field = spec.fields.get("updated", VIPUNEN_UPDATED)
    if not isinstance(records, list) or not records or field not in records[0]:
        raise SourceUpdateError(
            f"vipunen {spec.resource}: the first record has no '{field}'; compare "
            "data/sources/vipunen.yaml with one record of the resource"
        )
    return str(records[0][field])


def vipunen_updates(client: VipunenClient, resources: Iterable[VipunenResource]) -> dict[str, str]:
    """``{"vipunen:<resource>": tietojoukkoPaivitettyPvm}`` from one record of each resource."""
    out = {}
    for spec in resources:
        exchange = client.session.request(
            "GET",
            f"{client.root}/resources/{spec.resource}/data",
            table=spec.resource,
            kind="updated",
            params={"limit": "1", "offset": "0"},
            headers={"Caller-Id": client.caller_id, "Accept": "application/json"},
            refusal_hint=f"check the resource name '{spec.resource}' in data/sources/vipunen.yaml",
        )
        out[f"vipunen:{spec.resource}"] = vipunen_updated(spec, exchange.json())
    return out


def unique_tables(tables: Iterable[StatFinTable]) -> list[StatFinTable]:
    """One entry per table id (the configuration lists a table once per measure)."""
    seen: dict[str, StatFinTable] = {}
    for spec in tables:
        seen.setdefault(spec.id, spec)
    return list(seen.values())


class SourceUpdatesResource(ConfigurableResource):
    """The configured sources, polled for their last-update times (see module docstring).

    ``statfin_config`` / ``vipunen_config`` point at other configuration files (default: the
    shipped ``data/sources``); ``statfin_url`` / ``vipunen_url`` override the API roots.
    """

    statfin_config: str = ""
    vipunen_config: str = ""
    statfin_url: str = ""
    vipunen_url: str = ""

    def updated_times(self) -> Mapping[str, str]:
        import httpx

        from assets.collect.http import RetryPolicy
        from assets.collect.statfin import StatFinClient
        from assets.collect.tables import load_statfin_tables, load_vipunen_resources
        from assets.collect.vipunen import VipunenClient

        policy = RetryPolicy(attempts=3, backoff_s=1.0, max_backoff_s=4.0, max_retry_after_s=10)
        tables = load_statfin_tables(Path(self.statfin_config) if self.statfin_config else None)
        resources = load_vipunen_resources(
            Path(self.vipunen_config) if self.vipunen_config else None
        )
        with (
            httpx.Client(timeout=POLL_TIMEOUT_S, follow_redirects=True) as statfin_http,
            httpx.Client(timeout=POLL_TIMEOUT_S, follow_redirects=True) as vipunen_http,
        ):
            statfin = StatFinClient(self.statfin_url or None, http=statfin_http, policy=policy)
            vipunen = VipunenClient(self.vipunen_url or None, http=vipunen_http, policy=policy)
            return {
                **statfin_updates(statfin, unique_tables(tables)),
                **vipunen_updates(vipunen, resources),
            }

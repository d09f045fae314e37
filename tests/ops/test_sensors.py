"""The source sensor starts a refresh when, and only when, a source's update time changes."""

from __future__ import annotations

import json

import httpx
import pytest
import respx
from dagster import DagsterInstance, RunRequest, SkipReason, build_sensor_context

from assets.collect.http import SourceError
from assets.collect.tables import load_statfin_tables, load_vipunen_resources
from pipelines.sensors import changed_sources, refresh_run_config, source_update_sensor
from pipelines.source_updates import SourceUpdatesResource

STATFIN = "http://statfin.test/PxWeb/api/v1"
VIPUNEN = "http://vipunen.test/api"


class FakeSources:
    """A mocked client: update times the test sets by hand."""

    def __init__(self, times: dict[str, str]) -> None:
        self.times = dict(times)
        self.calls = 0

    def updated_times(self) -> dict[str, str]:
        self.calls += 1
        return dict(self.times)


def tick(sources, cursor: str | None):
    context = build_sensor_context(cursor=cursor, resources={"source_updates": sources})
    result = source_update_sensor(context)
    return result, context.cursor


def test_first_poll_records_times_without_a_run():
    sources = FakeSources({"statfin:tyokay/115s": "2025-10-24T08:00:00"})
    result, cursor = tick(sources, None)
    assert isinstance(result, SkipReason)
    assert json.loads(cursor) == {"statfin:tyokay/115s": "2025-10-24T08:00:00"}


def test_unchanged_sources_start_no_run():
    sources = FakeSources({"statfin:tyokay/115s": "2025-10-24T08:00:00", "vipunen:x": "2025-01"})
    _, cursor = tick(sources, None)
    result, cursor_after = tick(sources, cursor)
    assert isinstance(result, SkipReason) and "none of 2 sources changed" in result.skip_message
    assert cursor_after == cursor


def test_changed_update_time_starts_one_run_and_moves_the_cursor():
    sources = FakeSources({"statfin:tyokay/115s": "2025-10-24T08:00:00", "vipunen:x": "2025-01"})
    _, cursor = tick(sources, None)
    sources.times["statfin:tyokay/115s"] = "2026-10-23T08:00:00"
    result, cursor_after = tick(sources, cursor)
    assert isinstance(result, RunRequest)
    assert result.tags["tasapaino/changed"] == "statfin:tyokay/115s"
    assert json.loads(cursor_after)["statfin:tyokay/115s"] == "2026-10-23T08:00:00"
    # The next poll sees the new time as known: no second run for the same release.
    again, _ = tick(sources, cursor_after)
    assert isinstance(again, SkipReason)


def test_same_change_gives_the_same_run_key():
    """Dagster drops a RunRequest whose run_key it has seen, so a lost cursor cannot double-run."""
    before = json.dumps({"statfin:a/1": "t0"})
    first, _ = tick(FakeSources({"statfin:a/1": "t1"}), before)
    second, _ = tick(FakeSources({"statfin:a/1": "t1"}), before)
    assert first.run_key == second.run_key


def test_a_new_source_counts_as_changed():
    assert changed_sources({"a": "1"}, {"a": "1", "b": "1"}) == ["b"]
    assert changed_sources({"a": "1", "b": "1"}, {"a": "1"}) == []


def test_cursor_survives_in_instance_storage():
    """The daemon stores the cursor in the instance; a fresh context restarts from it."""
    sources = FakeSources({"statfin:tyokay/115s": "t1"})
    with DagsterInstance.ephemeral() as instance:
        context = build_sensor_context(
            instance=instance, cursor=None, resources={"source_updates": sources}
        )
        source_update_sensor(context)
        stored = context.cursor
    sources.times["statfin:tyokay/115s"] = "t2"
    result, _ = tick(sources, stored)
    assert isinstance(result, RunRequest)


def listings(updated: str) -> dict[str, list[dict[str, str]]]:
    """PxWeb v1 folder listings holding every configured table, all with ``updated``."""
    out: dict[str, list[dict[str, str]]] = {}
    for spec in load_statfin_tables():
        entries = out.setdefault(spec.folder, [{"id": "sub", "type": "l", "text": "a folder"}])
        if all(e["id"] != f"{spec.table}.px" for e in entries):
            entries.append({"id": f"{spec.table}.px", "type": "t", "text": "t", "updated": updated})
    return out


def mock_sources(router: respx.Router, statfin_updated: str, vipunen_updated: str) -> None:
    for folder, listing in listings(statfin_updated).items():
        router.get(f"{STATFIN}/fi/StatFin/{folder}").mock(
            return_value=httpx.Response(200, json=listing)
        )
    for spec in load_vipunen_resources():
        router.get(f"{VIPUNEN}/resources/{spec.resource}/data").mock(
            return_value=httpx.Response(
                200, json=[{"tilastovuosi": 2024, "tietojoukkoPaivitettyPvm": vipunen_updated}]
            )
        )


@pytest.fixture
def api_roots(monkeypatch):
    monkeypatch.setenv("TASAPAINO_STATFIN_URL", STATFIN)
    monkeypatch.setenv("TASAPAINO_VIPUNEN_URL", VIPUNEN)


def test_real_clients_over_mocked_http_start_a_run_only_on_change(api_roots):
    resource = SourceUpdatesResource()
    folders = {spec.folder for spec in load_statfin_tables()}
    resources = {spec.resource for spec in load_vipunen_resources()}
    with respx.mock(assert_all_called=True) as router:
        mock_sources(router, "2025-10-24T08:00:00", "2025-12-01")
        first, cursor = tick(resource, None)
        same, cursor = tick(resource, cursor)
        # One call per folder and per Vipunen resource, per poll; no data is downloaded.
        assert router.calls.call_count == 2 * (len(folders) + len(resources))
    assert isinstance(first, SkipReason) and isinstance(same, SkipReason)
    seen = json.loads(cursor)
    assert seen["statfin:tyokay/115s"] == "2025-10-24T08:00:00"
    assert {f"statfin:{spec.id}" for spec in load_statfin_tables()} <= set(seen)
    assert {seen[f"vipunen:{r}"] for r in resources} == {"2025-12-01"}

    with respx.mock() as router:
        mock_sources(router, "2025-10-24T08:00:00", "2026-02-01")  # Vipunen refreshed its data
        changed, _ = tick(resource, cursor)
    assert isinstance(changed, RunRequest)
    assert changed.tags["tasapaino/changed"] == ",".join(sorted(f"vipunen:{r}" for r in resources))
    # The refresh reads the live APIs, fetching only new years.
    assert changed.run_config["resources"]["statfin"]["config"] == {
        "live": True,
        "full_refresh": False,
    }


def test_missing_table_names_the_listing_and_the_fix(api_roots):
    with respx.mock(assert_all_called=False) as router:
        mock_sources(router, "2025-10-24T08:00:00", "2025-12-01")
        router.get(f"{STATFIN}/fi/StatFin/tyokay").mock(
            return_value=httpx.Response(200, json=[{"id": "999x.px", "type": "t", "updated": "x"}])
        )
        with pytest.raises(SourceError, match=r"not in the folder listing"):
            SourceUpdatesResource().updated_times()


def test_server_error_fails_the_tick_without_a_run(api_roots):
    with respx.mock(assert_all_called=False) as router:
        mock_sources(router, "2025-10-24T08:00:00", "2025-12-01")
        router.get(f"{STATFIN}/fi/StatFin/tyokay").mock(return_value=httpx.Response(503))
        with pytest.raises(SourceError, match="HTTP 503"):
            tick(SourceUpdatesResource(), json.dumps({"statfin:tyokay/115s": "t0"}))


def test_unattended_runs_publish_where_the_deployment_says(monkeypatch):
    monkeypatch.setenv("TASAPAINO_RELEASE_ROOT", "s3://open-data/tasapaino")
    config = refresh_run_config(full_refresh=True)["resources"]
    assert config["release_target"]["config"]["out_dir"] == "s3://open-data/tasapaino"
    assert config["statfin"]["config"]["full_refresh"] is True
    monkeypatch.delenv("TASAPAINO_RELEASE_ROOT")
    assert "release_target" not in refresh_run_config(full_refresh=False)["resources"]

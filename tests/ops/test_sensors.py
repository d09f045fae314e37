"""The source sensor starts a refresh when, and only when, a source's update time changes."""

from __future__ import annotations

import json

import httpx
import pytest
import respx
from dagster import DagsterInstance, RunRequest, SkipReason, build_sensor_context

from pipelines.sensors import changed_sources, source_update_sensor
from pipelines.source_updates import SourceUpdateError, SourceUpdatesResource

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


LISTING_2025 = [
    {
        "id": "115s.px",
        "type": "t",
        "text": "Työlliset ammatin mukaan",
        "updated": "2025-10-24T08:00:00",
    },
    {"id": "115q.px", "type": "t", "text": "Työlliset (5-num.)", "updated": "2025-10-24T08:00:00"},
    {"id": "sub", "type": "l", "text": "a folder"},
]
VKOUR = [{"id": "statfin_vkour_pxt_12br.px", "type": "t", "text": "x", "updated": "2025-11-05"}]


def mock_sources(router: respx.Router, listing: list[dict], vipunen_updated: str) -> None:
    router.get(f"{STATFIN}/fi/StatFin/tyokay").mock(return_value=httpx.Response(200, json=listing))
    router.get(f"{STATFIN}/fi/StatFin/vkour").mock(return_value=httpx.Response(200, json=VKOUR))
    router.get(f"{VIPUNEN}/resources/amm_opiskelijat/data").mock(
        return_value=httpx.Response(200, json=[{"tietojoukkoPaivitettyPvm": vipunen_updated}])
    )


@pytest.fixture
def api_roots(monkeypatch):
    monkeypatch.setenv("TASAPAINO_STATFIN_URL", STATFIN)
    monkeypatch.setenv("TASAPAINO_VIPUNEN_URL", VIPUNEN)


def test_real_client_over_mocked_http_starts_a_run_only_on_change(api_roots):
    resource = SourceUpdatesResource(vipunen_resources=["amm_opiskelijat"])
    with respx.mock(assert_all_called=True) as router:
        mock_sources(router, LISTING_2025, "2025-12-01")
        first, cursor = tick(resource, None)
        same, cursor = tick(resource, cursor)
        assert router.calls.call_count == 6  # one call per folder and resource, per poll
    assert isinstance(first, SkipReason) and isinstance(same, SkipReason)
    assert json.loads(cursor) == {
        "statfin:tyokay/115q": "2025-10-24T08:00:00",
        "statfin:tyokay/115s": "2025-10-24T08:00:00",
        "statfin:vkour/12br": "2025-11-05",
        "vipunen:amm_opiskelijat": "2025-12-01",
    }
    with respx.mock() as router:
        mock_sources(router, LISTING_2025, "2026-02-01")  # Vipunen refreshed its data set
        changed, _ = tick(resource, cursor)
    assert isinstance(changed, RunRequest)
    assert changed.tags["tasapaino/changed"] == "vipunen:amm_opiskelijat"


def test_missing_table_names_the_listing_and_the_fix(api_roots):
    resource = SourceUpdatesResource(statfin_tables=["tyokay/115z"])
    with respx.mock(assert_all_called=False) as router:
        mock_sources(router, LISTING_2025, "2025-12-01")
        with pytest.raises(SourceUpdateError, match=r"tyokay/115z: not in the folder listing"):
            resource.updated_times()


def test_server_error_is_reported_without_a_run(api_roots):
    resource = SourceUpdatesResource(statfin_tables=["tyokay/115s"])
    with respx.mock() as router:
        router.get(f"{STATFIN}/fi/StatFin/tyokay").mock(return_value=httpx.Response(503))
        with pytest.raises(SourceUpdateError, match="HTTP 503"):
            tick(resource, json.dumps({"statfin:tyokay/115s": "t0"}))

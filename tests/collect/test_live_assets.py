"""The collect assets in live mode against a local HTTP server that speaks PxWeb v1 and Vipunen
(SYNTHETIC data, the real tables' layouts): the clients find it through TASAPAINO_STATFIN_URL /
TASAPAINO_VIPUNEN_URL exactly as they would find the real services. Nothing leaves the machine."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from dagster import materialize

from assets.collect.assets import collect_assets, counts, source_catalog, transcribed_tables
from assets.collect.tables import load_statfin_tables, load_vipunen_resources
from assets.reference.paths import data_dir
from assets.resources import CollectionPolicy
from tests.collect import live_services
from tests.collect.fixtures import VIPUNEN_FIXTURES


@pytest.fixture
def services(tmp_path, monkeypatch):
    yield from live_services.start(tmp_path, monkeypatch, years=2)


def only_115s_and_vipunen():
    return [
        *(t for t in load_statfin_tables() if t.id == "tyokay/115s"),
        *load_vipunen_resources(),
    ]


resources = live_services.collect_resources


def api_of(result) -> pd.DataFrame:
    return result.output_for_node("api_counts", "api_counts")


def test_live_assets_read_the_apis_at_the_configured_roots(services, tmp_path):
    result = materialize(
        [*collect_assets(only_115s_and_vipunen()), transcribed_tables, counts, source_catalog],
        resources=resources(tmp_path),
    )
    assert result.success
    api = api_of(result)
    assert set(api["source_table"]) == {"tyokay/115s", "vipunen/amk_opiskelijat_ja_tutkinnot"}
    assert len(api[api["source"].eq("statfin")]) == 183 * 20 * 2 * 2  # units, regions, years, sexes
    all_counts = result.output_for_node("counts")
    assert {"transcribed", "statfin", "vipunen"} <= set(all_counts["source"])
    assert any(r.headers["Caller-Id"] for r in services.vipunen.requests)
    assert len(services.pxweb.data_requests()) == 1
    raw = list((tmp_path / "archive" / "raw").glob("*/statfin/tyokay/115s/employed/*-data.json"))
    assert len(raw) == 1
    status = result.output_for_node("api_counts", "collection_status")
    assert set(status["status"]) == {"live"}
    node = "source_tables__statfin__tyokay_115s__employed"
    checks = result.get_asset_check_evaluations()
    assert all(c.passed for c in checks if c.check_name == "collected")
    meta = result.asset_materializations_for_node(node)[0].metadata
    assert meta["status"].value == "live" and meta["rows"].value == 183 * 20 * 2 * 2


def test_the_second_live_run_fetches_no_known_year_again(services, tmp_path):
    assets = collect_assets(only_115s_and_vipunen())
    first = api_of(materialize(assets, resources=resources(tmp_path, vipunen_live=False)))
    services.pxweb.log.clear()
    second = api_of(materialize(assets, resources=resources(tmp_path, vipunen_live=False)))
    assert services.pxweb.data_requests() == []
    pd.testing.assert_frame_equal(first, second)


def test_a_failed_table_is_a_warning_check_on_its_own_asset(services, tmp_path):
    services.misbehave(lambda m, p: "115s.px" in p, "500")
    result = materialize(collect_assets(only_115s_and_vipunen()), resources=resources(tmp_path))
    assert result.success  # the other table is published; this one is missing
    failed = [c for c in result.get_asset_check_evaluations() if not c.passed]
    assert [c.asset_key.to_user_string() for c in failed] == [
        "source_tables/statfin__tyokay_115s__employed"
    ]
    assert failed[0].severity.value == "WARN"
    assert "HTTP 500" in failed[0].description
    status = result.output_for_node("api_counts", "collection_status").set_index("source_table")
    assert status.loc["tyokay/115s", "status"] == "missing"
    assert status.loc["vipunen/amk_opiskelijat_ja_tutkinnot", "status"] == "live"


def test_strict_fails_the_table_asset(services, tmp_path):
    services.misbehave(lambda m, p: "115s.px" in p, "500")
    result = materialize(
        collect_assets(only_115s_and_vipunen()),
        resources={**resources(tmp_path), "collection": CollectionPolicy(strict=True)},
        raise_on_error=False,
    )
    assert not result.success


def test_vipunen_fixture_is_labelled_synthetic():
    assert "SYNTHETIC" in (VIPUNEN_FIXTURES / "README.md").read_text(encoding="utf-8")


def test_snapshot_refresh_records_what_a_default_run_then_replays(services, tmp_path, capsys):
    from pipelines.cli import main

    snapshot = tmp_path / "snapshot"
    shutil.copytree(data_dir() / "snapshot", snapshot)
    assert main(["snapshot", "refresh", "--snapshot", str(snapshot), "--only", "tyokay/115s"]) == 0
    recorded = snapshot / "recorded" / "statfin" / "tyokay" / "115s" / "employed"
    assert len(list(recorded.glob("*-data.json"))) == 1  # 183 × 20 × 3 × 2 cells: one query
    assert list((snapshot / "recorded" / "statfin" / "_service").glob("*-config.json"))
    assert main(["snapshot", "verify", "--snapshot", str(snapshot)]) == 0

    assets = collect_assets(only_115s_and_vipunen())
    services.pxweb.log.clear()
    offline = resources(tmp_path, statfin_live=False, vipunen_live=False, snapshot=str(snapshot))
    replayed = api_of(materialize(assets, resources=offline))
    assert services.pxweb.log == []  # offline: nothing asked of the service
    live = api_of(materialize(assets, resources=resources(tmp_path, vipunen_live=False)))
    columns = [c for c in live.columns if c != "retrieved_at"]
    pd.testing.assert_frame_equal(live[columns], replayed[columns])

    data = next(recorded.glob("*-data.json"))
    data.write_bytes(data.read_bytes() + b" ")
    capsys.readouterr()
    assert main(["snapshot", "verify", "--snapshot", str(snapshot)]) == 1
    assert "differs from the SHA-256" in capsys.readouterr().err

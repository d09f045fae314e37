"""The collect assets in live mode against a local HTTP server that speaks PxWeb v1 and Vipunen
(SYNTHETIC data): the clients find it through TASAPAINO_STATFIN_URL / TASAPAINO_VIPUNEN_URL
exactly as they would find the real services. Nothing leaves the machine."""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pandas as pd
import pytest
from dagster import materialize

from assets.collect.assets import api_counts, counts, transcribed_tables
from assets.paths import data_dir
from pipelines.resources import LocalCountsFiles, SnapshotSource, StatFinApi, VipunenApi
from tests.collect.fixtures import VIPUNEN_FIXTURES
from tests.collect.pxweb_mock import ROOT, PxWebMock, table_115s
from tests.collect.test_vipunen_client import VipunenMock


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict] = {}

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        prefix, _, rest = self.path.lstrip("/").partition("/")
        mock, base = self.routes[prefix]
        request = httpx.Request(
            self.command, f"{base}/{rest}", content=body, headers=dict(self.headers)
        )
        response = mock.handle(request)
        self.send_response(response.status_code)
        self.send_header("Content-Type", response.headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(response.content)))
        self.end_headers()
        self.wfile.write(response.content)

    do_GET = do_POST = _serve

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def local_services(tmp_path, monkeypatch):
    pxweb = PxWebMock()
    pxweb.add(table_115s(years=2))
    vipunen = VipunenMock()
    _Handler.routes = {
        "pxweb": (pxweb, ROOT),
        "vipunen": (vipunen, "https://vipunen.test/api"),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    statfin_yaml = (data / "sources" / "statfin.yaml").read_text(encoding="utf-8")
    only_115s = statfin_yaml.split("  - id: tyokay/115q")[0]
    (data / "sources" / "statfin.yaml").write_text(only_115s, encoding="utf-8")
    port = server.server_address[1]
    monkeypatch.setenv("TASAPAINO_DATA_DIR", str(data))
    monkeypatch.setenv("TASAPAINO_STATFIN_URL", f"http://127.0.0.1:{port}/pxweb")
    monkeypatch.setenv("TASAPAINO_VIPUNEN_URL", f"http://127.0.0.1:{port}/vipunen")
    yield pxweb, vipunen, tmp_path
    server.shutdown()


def test_live_assets_read_the_apis_at_the_configured_roots(local_services):
    pxweb, vipunen, tmp_path = local_services
    result = materialize(
        [transcribed_tables, api_counts, counts],
        resources={
            "snapshot": SnapshotSource(),
            "local_counts": LocalCountsFiles(),
            "statfin": StatFinApi(live=True, archive_dir=str(tmp_path / "archive")),
            "vipunen": VipunenApi(live=True),
        },
    )
    assert result.success
    api = result.output_for_node("api_counts")
    assert set(api["source_table"]) == {"tyokay/115s", "vipunen/amk_opiskelijat_ja_tutkinnot"}
    assert len(api[api["source"].eq("statfin")]) == 184 * 20 * 2 * 2
    all_counts = result.output_for_node("counts")
    assert {"transcribed", "statfin", "vipunen"} <= set(all_counts["source"])
    assert any(r.headers["Caller-Id"] for r in vipunen.requests)
    assert len(pxweb.data_requests()) == 1
    raw = list((tmp_path / "archive" / "raw").glob("*/statfin/tyokay/115s/employed/*-data.json"))
    assert len(raw) == 1
    meta = result.asset_materializations_for_node("api_counts")[0].metadata
    assert {"rows", "years", "regions", "source_updated_max", "preview"} <= set(meta)
    assert meta["source_updated"].value == {
        "tyokay/115s": "2025-06-03",
        "vipunen/amk_opiskelijat_ja_tutkinnot": "2026-05-20",
    }


def test_the_second_live_run_fetches_no_known_year_again(local_services):
    pxweb, _, tmp_path = local_services
    resources = {
        "snapshot": SnapshotSource(),
        "local_counts": LocalCountsFiles(),
        "statfin": StatFinApi(live=True, archive_dir=str(tmp_path / "archive")),
        "vipunen": VipunenApi(live=False),
    }
    first = materialize([api_counts], resources=resources).output_for_node("api_counts")
    pxweb.log.clear()
    second = materialize([api_counts], resources=resources).output_for_node("api_counts")
    assert pxweb.data_requests() == []
    pd.testing.assert_frame_equal(first, second)


def test_vipunen_fixture_is_labelled_synthetic():
    assert "SYNTHETIC" in (VIPUNEN_FIXTURES / "README.md").read_text(encoding="utf-8")


def test_a_live_run_missing_a_table_fails_naming_the_listing(local_services, capsys, monkeypatch):
    pxweb, _, tmp_path = local_services
    pxweb.tables.clear()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "dagster_home").mkdir()
    from pipelines.cli import main

    assert main(["run", "--source", "live", "--out", str(tmp_path / "dist")]) == 1
    err = capsys.readouterr().err
    assert (
        "statfin tyokay/115s: table '115s' is not in the folder listing GET http://127.0.0.1" in err
    )
    assert "/pxweb/fi/StatFin/tyokay; find the table" in err
    assert not (tmp_path / "dist" / "latest").exists()


def test_snapshot_refresh_records_what_a_default_run_then_replays(local_services, capsys):
    pxweb, _, tmp_path = local_services
    from pipelines.cli import main

    snapshot = tmp_path / "snapshot"
    shutil.copytree(data_dir() / "snapshot", snapshot)
    assert main(["snapshot", "refresh", "--snapshot", str(snapshot), "--only", "tyokay/115s"]) == 0
    recorded = snapshot / "recorded" / "statfin" / "tyokay" / "115s" / "employed"
    assert len(list(recorded.glob("*-data.json"))) == 1
    assert list((snapshot / "recorded" / "statfin" / "_service").glob("*-config.json"))
    assert main(["snapshot", "verify", "--snapshot", str(snapshot)]) == 0

    resources = {
        "snapshot": SnapshotSource(directory=str(snapshot)),
        "local_counts": LocalCountsFiles(),
        "statfin": StatFinApi(live=False),
        "vipunen": VipunenApi(live=False),
    }
    pxweb.log.clear()
    replayed = materialize([api_counts], resources=resources).output_for_node("api_counts")
    assert pxweb.log == []  # offline: nothing asked of the service
    live = materialize(
        [api_counts],
        resources={**resources, "statfin": StatFinApi(live=True, archive_dir=str(tmp_path / "a"))},
    ).output_for_node("api_counts")
    columns = [c for c in live.columns if c != "retrieved_at"]
    pd.testing.assert_frame_equal(live[columns], replayed[columns])

    data = next(recorded.glob("*-data.json"))
    data.write_bytes(data.read_bytes() + b" ")
    capsys.readouterr()
    assert main(["snapshot", "verify", "--snapshot", str(snapshot)]) == 1
    assert "differs from the SHA-256" in capsys.readouterr().err

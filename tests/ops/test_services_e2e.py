"""The real services end to end: webserver + daemon on 127.0.0.1, a run launched over GraphQL.

Uses the local instance profile (deploy/dagster.local.yaml) in a temporary DAGSTER_HOME. The
source sensor's API roots point at a local stub, so its first tick polls 127.0.0.1, never the
internet. Bounded: each wait has a deadline and the whole test a 300 s timeout; the services are
stopped in ``finally`` whatever happens.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assets.collect.tables import load_statfin_tables
from assets.reference.paths import PROJECT_ROOT
from tests.ops.conftest import free_port
from tests.ops.services import Service, graphql, wait_http, wait_tcp

pytestmark = pytest.mark.timeout(300)

START_TIMEOUT_S = 90
RUN_TIMEOUT_S = 180

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}"""
REPOSITORIES = """
query Repositories {
  repositoriesOrError {
    __typename
    ... on RepositoryConnection { nodes { name location { name } jobs { name } } }
  }
}"""
RUN_STATUS = """
query Status($runId: ID!) {
  runOrError(runId: $runId) { __typename ... on Run { status } }
}"""
INSTIGATORS = """
query Instigators($repo: RepositorySelector!) {
  schedulesOrError(repositorySelector: $repo) {
    __typename
    ... on Schedules { results { name executionTimezone scheduleState { status } } }
  }
  sensorsOrError(repositorySelector: $repo) {
    __typename
    ... on Sensors {
      results { name sensorState { status ticks(limit: 5) { status error { message } } } }
    }
  }
}"""


class StubSources(BaseHTTPRequestHandler):
    """StatFin folder listings and one Vipunen record, so the source sensor ticks offline."""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        if path.endswith("/data"):
            payload: object = [{"tietojoukkoPaivitettyPvm": "2025-12-01"}]
        else:
            folder = path.rsplit("/", 1)[-1]
            payload = [
                {"id": f"{t.table}.px", "type": "t", "text": t.title, "updated": "2025-10-24"}
                for t in load_statfin_tables()
                if t.folder == folder
            ]
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


def wait_for_repository(base: str, job: str, deadline: float) -> dict[str, str]:
    """The repository selector once the webserver has loaded the code location with ``job``."""
    while time.monotonic() < deadline:
        found = graphql(base, REPOSITORIES)["repositoriesOrError"]
        for node in found.get("nodes", []):
            if job in {j["name"] for j in node["jobs"]}:
                return {
                    "repositoryLocationName": node["location"]["name"],
                    "repositoryName": node["name"],
                }
        time.sleep(1)
    raise TimeoutError(f"code location with {job} not loaded in time")


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def test_webserver_and_daemon_run_the_release(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster.local.yaml", home / "dagster.yaml")
    stub = ThreadingHTTPServer(("127.0.0.1", 0), StubSources)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    stub_url = f"http://127.0.0.1:{stub.server_address[1]}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TASAPAINO_")},
        "DAGSTER_HOME": str(home),
        "TASAPAINO_STATFIN_URL": f"{stub_url}/PxWeb/api/v1",
        "TASAPAINO_VIPUNEN_URL": f"{stub_url}/api",
        "PYTHONUNBUFFERED": "1",
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    grpc_port = free_port()
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(
        "load_from:\n  - grpc_server:\n      host: 127.0.0.1\n"
        f"      port: {grpc_port}\n      location_name: tasapaino\n",
        encoding="utf-8",
    )
    services: list[Service] = []
    try:
        # One code server loads the definitions once; webserver and daemon both talk to it.
        services.append(
            Service(
                "code-server",
                [
                    _bin("dagster"),
                    "api",
                    "grpc",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(grpc_port),
                    "-m",
                    "pipelines.definitions",
                    "-d",
                    str(PROJECT_ROOT),
                ],
                env,
                PROJECT_ROOT,
                tmp_path / "code-server.log",
            )
        )
        wait_tcp("127.0.0.1", grpc_port, services[0], START_TIMEOUT_S)
        services.append(
            Service(
                "dagster-webserver",
                [
                    _bin("dagster-webserver"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-w",
                    str(workspace),
                ],
                env,
                PROJECT_ROOT,
                tmp_path / "webserver.log",
            )
        )
        services.append(
            Service(
                "dagster-daemon",
                [_bin("dagster-daemon"), "run", "-w", str(workspace)],
                env,
                PROJECT_ROOT,
                tmp_path / "daemon.log",
            )
        )
        started = time.monotonic()
        wait_http(f"{base}/server_info", services[1], START_TIMEOUT_S)
        repo = wait_for_repository(base, "release_job", started + START_TIMEOUT_S)

        out = tmp_path / "dist"
        launched = graphql(
            base,
            LAUNCH,
            {
                "params": {
                    "selector": {**repo, "jobName": "release_job"},
                    "runConfigData": {
                        "resources": {"release_target": {"config": {"out_dir": str(out)}}}
                    },
                }
            },
        )["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]

        status, deadline = "", time.monotonic() + RUN_TIMEOUT_S
        while time.monotonic() < deadline and status not in ("SUCCESS", "FAILURE", "CANCELED"):
            time.sleep(1)
            status = graphql(base, RUN_STATUS, {"runId": run_id})["runOrError"]["status"]
        assert status == "SUCCESS", f"run {run_id}: {status}\n{services[2].log_tail()}"
        assert (out / "latest" / "SHA256SUMS").is_file()

        found = graphql(base, INSTIGATORS, {"repo": repo})
        schedules = {s["name"]: s for s in found["schedulesOrError"]["results"]}
        sensors = {s["name"]: s for s in found["sensorsOrError"]["results"]}
        assert schedules["monthly_full_refresh"]["scheduleState"]["status"] == "RUNNING"
        assert schedules["monthly_full_refresh"]["executionTimezone"] == "Europe/Helsinki"
        assert sensors["source_update_sensor"]["sensorState"]["status"] == "RUNNING"
        assert sensors["run_failure_alert_sensor"]["sensorState"]["status"] == "RUNNING"
        # The daemon evaluated the source sensor against the local stub: its first tick is a
        # skip (update times recorded), not a failure.
        ticks = sensors["source_update_sensor"]["sensorState"]["ticks"]
        assert ticks and ticks[0]["status"] == "SKIPPED", ticks
    finally:
        for service in reversed(services):
            service.stop()
        stub.shutdown()
        stub.server_close()
    for service in services:
        assert service.proc.poll() is not None, f"{service.name} still running"

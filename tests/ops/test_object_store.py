"""The production path on object storage: a multiprocess run whose steps hand their outputs to
each other only through S3, a release published to ``s3://…`` and verified there, and a failed
step re-executed in a new process from the inputs stored by the first run.

The S3 service is moto's standalone server on 127.0.0.1 (no network). The release bucket does
not exist during the first run, so its ``release`` step fails after every other step stored its
output; the bucket is created, and a re-execution from failure (a new process, as on a new pod)
runs ``release`` alone, reading every input from the IO manager's bucket.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from assets.reference.paths import PROJECT_ROOT
from tests.ops.conftest import free_port

pytestmark = [pytest.mark.slow, pytest.mark.object_store]

IO_BUCKET = "tasapaino-io"
RELEASE_BUCKET = "tasapaino-open-data"
RUN_DATE = "2026-11-28"
KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **_keys())


def _keys() -> dict[str, str]:
    return {k.lower(): v for k, v in KEYS.items()}


def _run(args: list[str], env: dict[str, str]) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.ops.object_store_run", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_multiprocess_run_on_s3_publishes_and_reexecutes_a_failed_step(s3, tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TASAPAINO_"))},
        **KEYS,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": s3,
        "NO_PROXY": "127.0.0.1",
        "DAGSTER_HOME": str(home),
        "PYTHONPATH": str(PROJECT_ROOT),
        "HOME": str(tmp_path),  # the object-store lock files (~/.cache/tasapaino/locks)
        "TASAPAINO_EXECUTOR": "multiprocess",
        "TASAPAINO_MAX_CONCURRENT": "2",
        "TASAPAINO_IO_BASE": f"s3://{IO_BUCKET}/steps",
        "TASAPAINO_CACHE_DIR": str(tmp_path / "cache"),
    }
    client = _client(s3)
    client.create_bucket(Bucket=IO_BUCKET)
    out = f"s3://{RELEASE_BUCKET}/root"

    first = _run(["run", out, RUN_DATE], env)
    assert not first["success"]
    assert first["failed"] == ["release"]  # no bucket yet: every other step succeeded
    stored = {o["Key"] for o in client.list_objects_v2(Bucket=IO_BUCKET)["Contents"]}
    for name in ("counts", "unit_shares", "segregation_indices", "articles", "quality_report"):
        assert f"steps/{name}.pickle" in stored
    assert not list(home.rglob("*.pickle")), "outputs must not stay on the run's local disk"

    client.create_bucket(Bucket=RELEASE_BUCKET)
    again = _run(["reexecute", out, RUN_DATE, first["run_id"]], env)
    assert again["success"], again
    assert again["ran"] == ["release"]  # the rest came from the first run's stored outputs

    def read(key: str) -> bytes:
        return client.get_object(Bucket=RELEASE_BUCKET, Key=key)["Body"].read()

    latest = read("root/latest").decode("utf-8").strip()
    prefix = f"root/{latest}/"
    listed = {
        o["Key"][len(prefix) :]
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=RELEASE_BUCKET, Prefix=prefix
        )
        for o in page.get("Contents", [])
    }
    sums = dict(
        reversed(line.split("  ", 1)) for line in read(prefix + "SHA256SUMS").decode().splitlines()
    )
    assert set(sums) == listed - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256(read(prefix + name)).hexdigest() == digest, name
    assert "quality/index.html" in sums and "data/counts.parquet" in sums

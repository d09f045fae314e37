"""The production instance profile against a real PostgreSQL server on 127.0.0.1.

The whole release_job runs with deploy/dagster.production.yaml; the run, its events and a sensor
cursor must then be readable from PostgreSQL itself, not only through Dagster's objects.
Outside CI a machine without PostgreSQL skips this test; in CI (CI=true) that is a failure.
"""

from __future__ import annotations

import os
import shutil
import time

import psycopg2
import pytest
from dagster import DagsterInstance
from dagster._core.remote_origin import (
    GrpcServerCodeLocationOrigin,
    RemoteInstigatorOrigin,
    RemoteRepositoryOrigin,
)
from dagster._core.scheduler.instigation import (
    InstigatorState,
    InstigatorStatus,
    InstigatorType,
    SensorInstigatorData,
)

from assets.reference.paths import PROJECT_ROOT
from tests.ops.throwaway_postgres import PostgresUnavailable, ThrowawayPostgres

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def postgres():
    server = ThrowawayPostgres()
    try:
        server.start()
    except (PostgresUnavailable, OSError) as exc:
        server.stop()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL did not start in CI: {exc}")
        pytest.skip(f"PostgreSQL not available here ({exc}); `make postgresql` installs it")
    yield server
    server.stop()


@pytest.fixture
def production_instance(postgres, tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster.production.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for name, value in postgres.env().items():
        monkeypatch.setenv(name, value)
    with DagsterInstance.get() as instance:
        yield instance


def _sql(server: ThrowawayPostgres, query: str, *args: object) -> list[tuple]:
    with (
        psycopg2.connect(
            host=server.host,
            port=server.port,
            user=server.user,
            password=server.password,
            dbname=server.database,
        ) as conn,
        conn.cursor() as cur,
    ):
        cur.execute(query, args)
        return cur.fetchall()


def test_pipeline_runs_with_production_profile(postgres, production_instance, tmp_path):
    from pipelines.definitions import defs

    instance = production_instance
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
    assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"

    started = time.monotonic()
    result = defs.resolve_job_def("release_job").execute_in_process(
        run_config={"resources": {"release_target": {"config": {"out_dir": str(tmp_path)}}}},
        instance=instance,
        raise_on_error=False,
    )
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    assert (tmp_path / "latest" / "SHA256SUMS").is_file()
    assert time.monotonic() - started < 180

    assert _sql(postgres, "SELECT status FROM runs WHERE run_id = %s", result.run_id) == [
        ("SUCCESS",)
    ]
    materialised = {
        row[0]
        for row in _sql(
            postgres,
            "SELECT asset_key FROM event_logs WHERE run_id = %s "
            "AND dagster_event_type = 'ASSET_MATERIALIZATION'",
            result.run_id,
        )
    }
    assert '["release"]' in materialised and '["counts"]' in materialised
    checks = _sql(
        postgres,
        "SELECT count(*) FROM event_logs WHERE run_id = %s "
        "AND dagster_event_type = 'ASSET_CHECK_EVALUATION'",
        result.run_id,
    )
    assert checks[0][0] >= 4


def test_sensor_cursor_lives_in_postgres(postgres, production_instance):
    """Schedule storage keeps the source sensor's cursor, so it survives a restart of everything.

    The daemon stores the cursor exactly like this after each tick (internal Dagster API: the
    state object is what the daemon writes).
    """
    location = GrpcServerCodeLocationOrigin(host="127.0.0.1", port=4000, location_name="tasapaino")
    origin = RemoteInstigatorOrigin(
        RemoteRepositoryOrigin(location, "__repository__"), "source_update_sensor"
    )
    cursor = '{"statfin:tyokay/115s": "2026-10-23T08:00:00"}'
    production_instance.add_instigator_state(
        InstigatorState(
            origin,
            InstigatorType.SENSOR,
            InstigatorStatus.RUNNING,
            SensorInstigatorData(cursor=cursor),
        )
    )
    with DagsterInstance.get() as fresh:  # a new process would open the instance like this
        states = fresh.all_instigator_state(instigator_type=InstigatorType.SENSOR)
    assert [s.instigator_data.cursor for s in states] == [cursor]
    bodies = _sql(postgres, "SELECT instigator_body FROM instigators")
    assert any("2026-10-23T08:00:00" in body for (body,) in bodies)

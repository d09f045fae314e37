"""A run that published with a stale or missing table tells the maintainer which, why and what
to do: the sensor reads ``collection_status`` of the run and sends the webhook and e-mail.

The run reads two tables from the imitation of StatFin and Vipunen on 127.0.0.1 (SYNTHETIC
data); Vipunen's address is a closed port, so its resource is missing.
"""

from __future__ import annotations

import pytest
from dagster import DagsterEventType, DagsterInstance, build_run_status_sensor_context, materialize

from assets.collect.assets import collect_assets
from assets.collect.tables import load_statfin_tables, load_vipunen_resources
from pipelines.sensors import degraded_run_alert_sensor
from tests.collect import live_services
from tests.ops.conftest import UI


@pytest.fixture
def services(tmp_path, monkeypatch):
    yield from live_services.start(tmp_path, monkeypatch, years=2, vipunen=False)


def degraded_run(tmp_path, instance):
    entries = [
        *(t for t in load_statfin_tables() if t.id == "tyokay/115s"),
        *load_vipunen_resources(),
    ]
    return materialize(
        collect_assets(entries),
        instance=instance,
        resources=live_services.collect_resources(tmp_path),
    )


def sensor_context(instance, result):
    run = instance.get_run_by_id(result.run_id)
    success = next(e for e in result.all_events if e.event_type == DagsterEventType.RUN_SUCCESS)
    return build_run_status_sensor_context(
        sensor_name="degraded_run_alert_sensor",
        dagster_event=success,
        dagster_instance=instance,
        dagster_run=run,
    )


def test_a_missing_table_is_named_with_its_error_and_fix(
    services,
    tmp_path,
    alert_env,
    webhook,
    smtp_server,
):
    with DagsterInstance.ephemeral() as instance:
        result = degraded_run(tmp_path, instance)
        assert result.success
        degraded_run_alert_sensor(sensor_context(instance, result))
    assert len(webhook.calls) == 1
    text = webhook.calls[0]["json"]["text"]
    assert "published a release with 1 stale/missing tables" in text
    assert "- vipunen/amk_opiskelijat_ja_tutkinnot (polytechnic_degrees): missing" in text
    assert "connection failed" in text
    assert "Fix: check the resource amk_opiskelijat_ja_tutkinnot" in text
    assert f"{UI}/runs/{result.run_id}" in text
    _, _, mail = smtp_server[0].messages[0]
    assert "published with 1 stale/missing tables" in " ".join(mail["Subject"].split())


def test_a_run_with_every_table_current_sends_nothing(
    tmp_path,
    monkeypatch,
    alert_env,
    webhook,
    smtp_server,
):
    gen = live_services.start(tmp_path, monkeypatch, years=2, vipunen=True)
    next(gen)
    try:
        with DagsterInstance.ephemeral() as instance:
            result = degraded_run(tmp_path, instance)
            degraded_run_alert_sensor(sensor_context(instance, result))
    finally:
        gen.close()
    assert webhook.calls == []

"""Sensors: start a refresh when a source publishes new data; alert a person when a run fails.

``source_update_sensor`` polls each configured source's last-update time (StatFin's ``updated``,
Vipunen's ``tietojoukkoPaivitettyPvm``) through the ``source_updates`` resource, which needs only
an ``updated_times()`` method returning ``{source id: updated}``. It keeps the times it last saw in
its cursor, which Dagster persists in the instance's storage, and asks for a run only when one of
them changed. The first poll records the times without a run: the monthly schedule (or a manual
run) makes the first release.

``run_failure_alert_sensor`` fires on every failed run of this code location, including runs
stopped by a failed blocking check, and sends an alert through ``pipelines.alerts``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from typing import Any, Protocol

from dagster import (
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    RunStatusSensorContext,
    SensorEvaluationContext,
    SkipReason,
    run_failure_sensor,
    run_status_sensor,
    sensor,
)

from pipelines.alerts import Alert, DegradedTable, FailedCheck, deliver, settings_from_env
from pipelines.source_updates import SourceUpdatesResource

REFRESH_JOB = "release_job"
RELEASE_ROOT_ENV = "TASAPAINO_RELEASE_ROOT"
# StatFin updates annual tables a few times a year; polling every 6 hours notices a release the
# same day while staying far below the API's 40 calls a minute.
POLL_INTERVAL_S = 6 * 60 * 60


class SourceUpdates(Protocol):
    """Anything that can say when each configured source table last changed."""

    def updated_times(self) -> Mapping[str, str]: ...


def changed_sources(previous: Mapping[str, str], current: Mapping[str, str]) -> list[str]:
    """Sources whose last-update time differs from the one seen before, or that are new."""
    return sorted(s for s, updated in current.items() if previous.get(s) != updated)


def refresh_run_request(changed: list[str], current: Mapping[str, str]) -> RunRequest:
    """A run keyed on the exact update times, so the same change never starts two runs."""
    state = json.dumps(dict(sorted(current.items())), sort_keys=True)
    return RunRequest(
        run_key=f"sources-{hashlib.sha256(state.encode()).hexdigest()[:16]}",
        run_config=refresh_run_config(full_refresh=False),
        tags={"tasapaino/trigger": "source_update", "tasapaino/changed": ",".join(changed)[:200]},
    )


def refresh_run_config(full_refresh: bool) -> dict[str, Any]:
    """An unattended run reads the live APIs, like ``tasapaino run --source live``.

    ``full_refresh`` refetches every statistical year (the monthly schedule, which also picks up
    revisions of old years); without it only years not yet archived are fetched. The release
    goes to ``TASAPAINO_RELEASE_ROOT`` when set (a folder or an object-store URL such as
    ``s3://bucket/tasapaino``), else to the job's default, ``dist`` in the working directory.
    """
    resources: dict[str, Any] = {
        "statfin": {"config": {"live": True, "full_refresh": full_refresh}},
        "vipunen": {"config": {"live": True}},
    }
    root = os.environ.get(RELEASE_ROOT_ENV, "").strip()
    if root:
        resources["release_target"] = {"config": {"out_dir": root}}
    return {"resources": resources}


@sensor(
    name="source_update_sensor",
    job_name=REFRESH_JOB,
    minimum_interval_seconds=POLL_INTERVAL_S,
    default_status=DefaultSensorStatus.RUNNING,
    description="Polls each configured StatFin table's `updated` time and Vipunen's "
    "`tietojoukkoPaivitettyPvm`; starts a full refresh only when one of them changed.",
)
def source_update_sensor(context: SensorEvaluationContext, source_updates: SourceUpdatesResource):
    """``source_updates`` may be any :class:`SourceUpdates`; tests pass a fake."""
    current = {str(k): str(v) for k, v in source_updates.updated_times().items()}
    previous: dict[str, str] | None = json.loads(context.cursor) if context.cursor else None
    context.update_cursor(json.dumps(current, sort_keys=True))
    if previous is None:
        return SkipReason(f"first poll: recorded the update times of {len(current)} sources")
    changed = changed_sources(previous, current)
    if not changed:
        return SkipReason(f"none of {len(current)} sources changed")
    context.log.info(f"sources changed: {', '.join(changed)}")
    return refresh_run_request(changed, current)


def failed_checks(instance: DagsterInstance, run_id: str) -> list[FailedCheck]:
    """Asset checks that did not pass in the run, from its event log."""
    out = []
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        data = entry.dagster_event.asset_check_evaluation_data if entry.dagster_event else None
        if data is not None and not data.passed:
            out.append(
                FailedCheck(
                    data.asset_key.to_user_string(), data.check_name, data.description or ""
                )
            )
    return out


def alert_for(context: RunFailureSensorContext, ui_url: str) -> Alert:
    """Name the run, its failed steps and checks, and the first error line."""
    steps = context.get_step_failure_events()
    errors = [
        _first_lines(e.step_failure_data.error.message)
        for e in steps
        if e.step_failure_data and e.step_failure_data.error
    ]
    run = context.dagster_run
    return Alert(
        run_id=run.run_id,
        job_name=run.job_name,
        failed_steps=[e.step_key for e in steps if e.step_key],
        failed_checks=failed_checks(context.instance, run.run_id),
        error=errors[0] if errors else (context.failure_event.message or ""),
        ui_url=ui_url,
    )


def _first_lines(message: str) -> str:
    """The error's first line, plus the next when the first ends in a colon (Dagster's style)."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    text = " ".join(lines[:2]) if lines and lines[0].endswith(":") else (lines[0] if lines else "")
    return text.removeprefix("dagster._core.errors.")


@run_failure_sensor(
    name="run_failure_alert_sensor",
    default_status=DefaultSensorStatus.RUNNING,
    description="Sends a webhook and/or e-mail (TASAPAINO_ALERT_* variables, "
    "docs/operations.md) for every failed run, naming the failed steps and checks.",
)
def run_failure_alert_sensor(context: RunFailureSensorContext) -> None:
    settings = settings_from_env()
    alert = alert_for(context, settings.ui_url)
    if not settings.channels:
        context.log.warning(f"{alert.subject}: no alert channel configured (TASAPAINO_ALERT_*)")
        return
    sent = deliver(alert, settings)
    context.log.info(f"alert for run {alert.run_id} sent by {', '.join(sent)}")


COLLECTION_STATUS = AssetKey("collection_status")


def degraded_tables(instance: DagsterInstance, run_id: str) -> list[DegradedTable]:
    """The stale and missing tables a run recorded on ``collection_status``."""
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION):
        event = entry.dagster_event
        materialization = event.event_specific_data.materialization if event else None
        if materialization is None or materialization.asset_key != COLLECTION_STATUS:
            continue
        value = materialization.metadata.get("degraded")
        rows = value.value if value is not None else []
        return [
            DegradedTable(
                table=str(r.get("source_table", "")),
                measure=str(r.get("measure", "")),
                status=str(r.get("status", "")),
                error=str(r.get("error", "")),
                fix=str(r.get("fix", "")),
            )
            for r in rows
        ]
    return []


@run_status_sensor(
    name="degraded_run_alert_sensor",
    run_status=DagsterRunStatus.SUCCESS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Sends a webhook and/or e-mail (TASAPAINO_ALERT_* variables) when a run "
    "published with stale or missing source tables, naming each table, its error and the fix.",
)
def degraded_run_alert_sensor(context: RunStatusSensorContext) -> None:
    run = context.dagster_run
    degraded = degraded_tables(context.instance, run.run_id)
    if not degraded:
        return
    settings = settings_from_env()
    alert = Alert(
        run_id=run.run_id,
        job_name=run.job_name,
        ui_url=settings.ui_url,
        degraded=degraded,
        published=True,
    )
    if not settings.channels:
        context.log.warning(f"{alert.subject}: no alert channel configured (TASAPAINO_ALERT_*)")
        return
    sent = deliver(alert, settings)
    context.log.info(f"alert for run {alert.run_id} sent by {', '.join(sent)}")

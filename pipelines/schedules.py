"""The monthly full refresh, in Helsinki time.

The source sensor starts a run as soon as a source publishes; this schedule is the safety net
that rebuilds everything once a month even if no update was noticed (a missed poll, a revised
classification name, a code change), so the freshness windows in ``pipelines/definitions.py``
hold.
"""

from __future__ import annotations

from dagster import DefaultScheduleStatus, ScheduleDefinition

from pipelines.sensors import REFRESH_JOB, refresh_run_config

HELSINKI = "Europe/Helsinki"
# 06:00 on the 2nd of each month: after month-end releases, before the working day starts.
MONTHLY_CRON = "0 6 2 * *"

monthly_full_refresh = ScheduleDefinition(
    name="monthly_full_refresh",
    job_name=REFRESH_JOB,
    cron_schedule=MONTHLY_CRON,
    execution_timezone=HELSINKI,
    run_config=refresh_run_config(full_refresh=True),
    tags={"tasapaino/trigger": "schedule"},
    default_status=DefaultScheduleStatus.RUNNING,
    description="Full refresh on the 2nd of every month at 06:00 Helsinki time.",
)

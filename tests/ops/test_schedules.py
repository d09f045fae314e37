"""The monthly full refresh: when it fires, in which time zone, and what it asks for."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dagster import DefaultScheduleStatus, build_schedule_context
from dagster._utils.schedules import cron_string_iterator  # Dagster's own tick calculation

from pipelines.schedules import monthly_full_refresh


def test_fires_on_the_second_of_each_month_at_six_helsinki_time():
    assert monthly_full_refresh.execution_timezone == "Europe/Helsinki"
    assert monthly_full_refresh.default_status == DefaultScheduleStatus.RUNNING
    start = dt.datetime(2026, 11, 28, tzinfo=ZoneInfo("Europe/Helsinki")).timestamp()
    ticks = cron_string_iterator(
        start, monthly_full_refresh.cron_schedule, monthly_full_refresh.execution_timezone
    )
    first, second = next(ticks), next(ticks)
    assert (first.year, first.month, first.day, first.hour) == (2026, 12, 2, 6)
    assert (second.month, second.day, second.hour) == (1, 2, 6)
    assert first.utcoffset() == dt.timedelta(hours=2)  # winter time, EET


def test_runs_a_full_live_refresh_of_the_release_job():
    context = build_schedule_context(scheduled_execution_time=dt.datetime(2026, 12, 2, 6))
    request = monthly_full_refresh.evaluate_tick(context).run_requests[0]
    assert monthly_full_refresh.job_name == "release_job"
    resources = request.run_config["resources"]
    assert resources["statfin"]["config"] == {"live": True, "full_refresh": True}
    assert resources["vipunen"]["config"] == {"live": True}

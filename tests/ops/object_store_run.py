"""A run of ``release_job`` in its own process, as a run pod would make it (test helper).

    python -m tests.ops.object_store_run run OUT_URL RUN_DATE
    python -m tests.ops.object_store_run reexecute OUT_URL RUN_DATE PARENT_RUN_ID

The executor and the IO manager come from the environment (``TASAPAINO_EXECUTOR``,
``TASAPAINO_IO_BASE``) exactly as in a deployment; prints one JSON line: the run id, whether
it succeeded, the steps that failed and the steps that ran.
"""

from __future__ import annotations

import json
import sys

from dagster import (
    DagsterEventType,
    DagsterInstance,
    ReexecutionOptions,
    execute_job,
    reconstructable,
)


def release_job():
    from pipelines.definitions import defs

    return defs.resolve_job_def("release_job")


def main(argv: list[str]) -> int:
    phase, out, run_date = argv[:3]
    run_config = {
        "resources": {"release_target": {"config": {"out_dir": out, "run_date": run_date}}},
        "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
    }
    with DagsterInstance.get() as instance:
        options = None
        if phase == "reexecute":
            options = ReexecutionOptions.from_failure(argv[3], instance)
        result = execute_job(
            reconstructable(release_job),
            instance=instance,
            run_config=run_config,
            reexecution_options=options,
            raise_on_error=False,
        )
        events = instance.all_logs(result.run_id)
        ran = sorted(
            {
                e.dagster_event.step_key
                for e in events
                if e.dagster_event and e.dagster_event.event_type == DagsterEventType.STEP_START
            }
        )
        failed = sorted(
            {
                e.dagster_event.step_key
                for e in events
                if e.dagster_event and e.dagster_event.event_type == DagsterEventType.STEP_FAILURE
            }
        )
    print(
        json.dumps(
            {"run_id": result.run_id, "success": result.success, "failed": failed, "ran": ran}
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

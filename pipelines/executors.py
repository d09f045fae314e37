"""Which executor runs a job's steps, chosen by the deployment, not by code.

The default stays in process: on the project's 2-core machines even forked step processes add
overhead (a process per step, every output stored and read back) that a small run does not win
back. A bigger server sets ``TASAPAINO_EXECUTOR=multiprocess`` and bounds the parallel steps
with ``TASAPAINO_MAX_CONCURRENT`` (default 2); on Kubernetes the run launcher starts each run in its
own pod and this choice applies inside that pod (deploy/README.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from dagster import ExecutorDefinition, in_process_executor, multiprocess_executor

EXECUTORS = ("in_process", "multiprocess")
DEFAULT_MAX_CONCURRENT = 2


class ExecutorConfigError(ValueError):
    """TASAPAINO_EXECUTOR or TASAPAINO_MAX_CONCURRENT is malformed (named, with the fix)."""


def executor_settings(env: Mapping[str, str] | None = None) -> tuple[str, int]:
    """(executor kind, max parallel steps) from the environment; malformed values are named."""
    env = os.environ if env is None else env
    kind = env.get("TASAPAINO_EXECUTOR", "").strip() or "in_process"
    if kind not in EXECUTORS:
        raise ExecutorConfigError(
            f"TASAPAINO_EXECUTOR={kind!r}: use one of {', '.join(EXECUTORS)} (unset = in_process)"
        )
    text = env.get("TASAPAINO_MAX_CONCURRENT", "").strip() or str(DEFAULT_MAX_CONCURRENT)
    if not text.isdigit() or int(text) < 1:
        raise ExecutorConfigError(
            f"TASAPAINO_MAX_CONCURRENT={text!r}: give a whole number of parallel steps, at least 1"
        )
    return kind, (1 if kind == "in_process" else int(text))


def executor_from_env(env: Mapping[str, str] | None = None) -> ExecutorDefinition:
    kind, max_concurrent = executor_settings(env)
    if kind == "in_process":
        return in_process_executor
    # Step processes fork from a server that imported the code location (and GX, for the check
    # steps) once, instead of each starting Python and importing Dagster, pandas, the
    # definitions and GX again: seconds per step on two cores.
    return multiprocess_executor.configured(
        {
            "max_concurrent": max_concurrent,
            "start_method": {
                "forkserver": {"preload_modules": ["pipelines.definitions", "checks.gx_preload"]}
            },
        }
    )

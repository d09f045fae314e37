"""Two `tasapaino run`s into one folder, and a run killed with SIGKILL: exactly one writer at a
time, a clear line for the one that must not write, and a killed run's lock, run history entry
and temporary folder cleaned up by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from publish.lock import LOCK_NAME, read_holder
from publish.release import latest_id, release_ids, verify

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RUN_ID = "20201105-20261203"


@pytest.fixture
def env(tmp_path):
    """A run history and a temporary folder of the test's own."""
    home, tmp = tmp_path / "dagster_home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    return {**os.environ, "DAGSTER_HOME": str(home), "TMPDIR": str(tmp)}


def _cmd(out: Path, *extra: str, run_date: str = "2026-12-03") -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", "run", "--out", str(out), "--run-date",
            run_date, *extra]  # fmt: skip


def _start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _until(condition: Callable[[], object], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _holds(out: Path, pid: int) -> bool:
    holder = read_holder(out / LOCK_NAME)
    return holder is not None and holder.pid == pid


@pytest.mark.timeout(600)
def test_a_second_run_fails_at_once_and_a_waiting_one_publishes_after(tmp_path, env):
    out = tmp_path / "dist"
    first = _start(_cmd(out), env)
    _until(lambda: _holds(out, first.pid), "the first run to take the lock")

    second = subprocess.run(
        _cmd(out), cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    # Judged before the pipeline, not after it: the first run still holds the lock.
    still_running = first.poll() is None and _holds(out, first.pid)
    waiting = _start(_cmd(out, "--wait", run_date="2026-12-04"), env)

    assert second.returncode == 1 and second.stdout == ""
    assert second.stderr.count("\n") == 1, second.stderr
    assert f"another run is writing here (pid {first.pid} on " in second.stderr
    assert "add --wait" in second.stderr
    assert still_running

    assert first.wait(timeout=300) == 0, first.stderr.read()
    _, waited_err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, waited_err
    assert f"waiting for the run that holds the lock (pid {first.pid}" in waited_err
    assert release_ids(out) == [RUN_ID, "20201105-20261204"]  # the refused run wrote nothing
    assert latest_id(out) == "20201105-20261204"
    for rid in release_ids(out):
        verify(out / "releases" / rid)
    assert not (out / LOCK_NAME).exists()


@pytest.mark.timeout(600)
def test_the_run_after_a_sigkilled_one_takes_over_and_cleans_up(tmp_path, env, monkeypatch):
    from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

    monkeypatch.setenv("DAGSTER_HOME", env["DAGSTER_HOME"])
    # Create the instance's SQLite storage before the child does: two processes creating it at
    # the same moment can both stamp Dagster's schema version (alembic then sees two heads).
    DagsterInstance.get().dispose()
    out = tmp_path / "dist"
    killed = _start(_cmd(out), env)

    def started_run() -> list:
        with DagsterInstance.get() as instance:
            return instance.get_runs(
                filters=RunsFilter(
                    statuses=[DagsterRunStatus.STARTED], tags={"tasapaino/pid": str(killed.pid)}
                )
            )

    _until(lambda: _holds(out, killed.pid) and started_run(), "the run to start")
    time.sleep(1)  # inside the pipeline, with temporary files in use
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    run_id = started_run()[0].run_id
    scratch = list(Path(env["TMPDIR"]).glob(f"tasapaino-run.{killed.pid}.*"))
    assert scratch, "the killed run had no temporary folder to leave behind"
    assert _holds(out, killed.pid)  # the lock file outlives its holder

    done = subprocess.run(
        _cmd(out), cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert f"taking over a stale lock of pid {killed.pid} on " in done.stderr
    assert f"run {run_id} was left STARTED; marked failed: its process (pid {killed.pid}" in (
        done.stderr
    )
    assert not any(p.exists() for p in scratch)
    assert not list(Path(env["TMPDIR"]).iterdir())  # the new run removed its own too
    with DagsterInstance.get() as instance:
        assert instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE
    assert latest_id(out) == RUN_ID
    verify(out / "latest")


def test_failure_report_shows_the_error_of_every_failed_step():
    """A step whose name ends in _quality is reported like any other (it used to be hidden)."""
    from dagster import job, op

    from pipelines.commands.run import failure_report

    @op
    def counts_quality() -> None:
        raise ValueError("the quality step itself broke\nsecond line")

    @op
    def collect() -> None:
        raise RuntimeError("the source is down")

    @job
    def two_failures() -> None:
        counts_quality()
        collect()

    result = two_failures.execute_in_process(raise_on_error=False)
    lines = failure_report(result)
    assert "step counts_quality failed: the quality step itself broke; second line" in lines
    assert "step collect failed: the source is down" in lines
    assert "failed steps: collect, counts_quality" in lines[-1] or (
        "failed steps: counts_quality, collect" in lines[-1]
    )

"""The GX worker process of ``tasapaino run``: the same outcomes as GX in this process, the
checks go on here when the worker is gone, and the worker ends with its parent."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assets.reference.paths import PROJECT_ROOT
from checks import gx_process, gx_runner
from checks.gate import check_dataset
from checks.gx_runner import Validator


@pytest.fixture
def worker(monkeypatch):
    monkeypatch.setattr(gx_runner, "_SHARED", None)  # as in a fresh `tasapaino run` process
    gx_process.start()
    try:
        yield
    finally:
        gx_process.stop()


def _bad_counts(counts):
    bad = counts.copy()
    bad.loc[bad.index[:3], "women"] = -1  # a blocking failure, with failing rows to sample
    return bad


def test_worker_outcomes_equal_those_judged_here(worker, counts):
    remote = gx_runner.shared_validator()
    assert isinstance(remote, gx_process.RemoteValidator)
    local = Validator()
    for frame in (counts, _bad_counts(counts)):
        assert check_dataset("counts", frame, validator=remote) == check_dataset(
            "counts", frame, validator=local
        )
    assert any(o.blocking for o in check_dataset("counts", _bad_counts(counts)))


def test_a_dead_worker_leaves_the_checks_to_this_process(worker, counts):
    gx_process._WORKER.kill()
    gx_process._WORKER.join()
    outcomes = check_dataset("counts", _bad_counts(counts), validator=gx_runner.shared_validator())
    assert gx_process._PIPE is None  # noticed, and not asked again
    assert outcomes == check_dataset("counts", _bad_counts(counts), validator=Validator())


def test_no_worker_where_gx_is_loaded_already(monkeypatch):
    monkeypatch.setattr(gx_runner, "_SHARED", Validator())
    gx_process.start()
    assert gx_process._WORKER is None
    assert isinstance(gx_runner.shared_validator(), Validator)


@pytest.mark.parametrize("wait", [0.0, 4.0])  # the worker still importing GX, or ready
def test_a_process_with_sigterm_ignored_still_ends_its_worker(wait):
    # Dagster leaves SIGTERM ignored in a process whose SIGINT was (a shell without job
    # control) and children inherit that: the worker must end with its parent all the same.
    code = (
        "import signal, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "from checks import gx_process\n"
        "gx_process.start()\n"
        f"time.sleep({wait})\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, timeout=60, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]

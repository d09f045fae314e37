"""The GX worker process of ``tasapaino run``: the same outcomes as GX in this process, and the
checks go on here when the worker is gone."""

from __future__ import annotations

import pytest

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

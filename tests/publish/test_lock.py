"""The release root's lock: one holder at a time, a clear line naming the holder, waiting on
request, a SIGKILLed holder's lock taken over, and rollbacks and sweeps under the same lock."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publish.lock import LOCK_NAME, LockBusy, lock_path, read_holder, release_lock
from publish.release import ReleaseError, rollback, sweep_leftovers, write_release

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOLD = """
import sys, time
from pathlib import Path
from publish.lock import release_lock
with release_lock(Path(sys.argv[1]), run_id="holder-run"):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(root: Path, seconds: float) -> subprocess.Popen[str]:
    """A child process that takes the lock of ``root`` and keeps it for ``seconds``."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root), str(seconds)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_holder_fails_at_once_naming_the_first(tmp_path):
    proc = _holder(tmp_path, 30)
    try:
        start = time.monotonic()
        with pytest.raises(LockBusy) as caught, release_lock(tmp_path):
            pass
        assert time.monotonic() - start < 10  # not the 30 s the holder keeps it (loaded CI)
        message = str(caught.value)
        assert f"pid {proc.pid} on {socket.gethostname()}, run holder-run" in message
        assert "add --wait" in message and "\n" not in message
    finally:
        proc.kill()
        proc.wait()


def test_wait_takes_the_lock_when_the_holder_finishes(tmp_path):
    proc = _holder(tmp_path, 1.0)
    lines: list[str] = []
    start = time.monotonic()
    with release_lock(tmp_path, run_id="second", wait=True, note=lines.append):
        # The holder kept the lock for 1 s after saying so: this block cannot start before.
        # (Whether its process has exited yet is up to the scheduler, so that is not asserted.)
        assert time.monotonic() - start >= 0.9
        assert read_holder(tmp_path / LOCK_NAME).run_id == "second"
    proc.wait()
    assert (
        len(lines) == 1 and f"waiting for the run that holds the lock (pid {proc.pid}" in (lines[0])
    )
    assert not (tmp_path / LOCK_NAME).exists()  # removed by its last holder


def test_wait_gives_up_after_its_timeout(tmp_path):
    proc = _holder(tmp_path, 30)
    try:
        with pytest.raises(LockBusy), release_lock(tmp_path, wait=True, timeout_s=0.5, note=print):
            pass
    finally:
        proc.kill()
        proc.wait()


def test_a_sigkilled_holders_lock_is_taken_over_with_a_message(tmp_path):
    proc = _holder(tmp_path, 30)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    left = read_holder(tmp_path / LOCK_NAME)
    assert left is not None and left.pid == proc.pid  # the file survives its holder
    lines: list[str] = []
    with release_lock(tmp_path, run_id="next", note=lines.append):
        assert read_holder(tmp_path / LOCK_NAME).pid == os.getpid()
    assert len(lines) == 1
    assert f"taking over a stale lock of pid {proc.pid} on {socket.gethostname()}" in lines[0]


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    with release_lock(tmp_path, run_id="outer"), release_lock(tmp_path, run_id="inner"):
        assert read_holder(tmp_path / LOCK_NAME).run_id == "outer"
    assert not (tmp_path / LOCK_NAME).exists()


def test_writes_rollbacks_and_sweeps_refuse_while_another_process_holds_the_lock(tmp_path):
    files = {"a.txt": b"SYNTHETIC\n"}
    write_release(tmp_path, "20200101-20260101", files)
    write_release(tmp_path, "20200101-20260102", files)
    proc = _holder(tmp_path, 30)
    try:
        for action in (
            lambda: write_release(tmp_path, "20200101-20260103", files),
            lambda: rollback(tmp_path),
            lambda: sweep_leftovers(tmp_path),
        ):
            with pytest.raises(LockBusy, match=f"pid {proc.pid}"):
                action()
    finally:
        proc.kill()
        proc.wait()
    assert rollback(tmp_path) == "20200101-20260101"


def test_publish_rollback_while_locked_is_one_line(tmp_path, capsys):
    from pipelines.cli import main

    files = {"a.txt": b"SYNTHETIC\n"}
    write_release(tmp_path, "20200101-20260101", files)
    write_release(tmp_path, "20200101-20260102", files)
    proc = _holder(tmp_path, 30)
    try:
        assert main(["publish", "--out", str(tmp_path), "--rollback"]) == 2
    finally:
        proc.kill()
        proc.wait()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"another run is writing here (pid {proc.pid}" in err
    assert os.readlink(tmp_path / "latest").endswith("20200101-20260102")


def test_object_store_roots_lock_a_local_file_named_after_the_url(tmp_path, monkeypatch):
    from upath import UPath

    monkeypatch.setenv("HOME", str(tmp_path))
    root = UPath("memory://bucket/dist")
    path = lock_path(root)
    assert path.parent == tmp_path / ".cache" / "tasapaino" / "locks"
    with release_lock(root, run_id="s3-run"):
        assert json.loads(path.read_text(encoding="utf-8"))["run_id"] == "s3-run"
    assert lock_path(UPath("memory://bucket/other")) != path


def test_a_release_error_is_not_hidden_by_the_lock(tmp_path):
    with pytest.raises(ReleaseError):
        write_release(tmp_path, ".hidden", {"a.txt": b"x"})
    with pytest.raises(ReleaseError):
        rollback(tmp_path)  # no releases yet
    assert not (tmp_path / LOCK_NAME).exists()

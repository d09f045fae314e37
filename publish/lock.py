"""One writer per release root: an exclusive lock held while a run, a rollback or a sweep of
leftovers changes the folder.

Without it two runs into one ``--out`` both succeed and one release silently replaces the other,
and racing writers can trip over each other's staging folders.

Local folders: the lock is ``<root>/.tasapaino.lock``, held with ``flock(2)``. The kernel drops
the lock when its holder dies, however it dies (SIGKILL included), so a dead holder can never
block the folder; the file's text (pid, host, run id, start time) only names the holder in
messages. A lock file that names a dead process on this host is reported as stale and taken over.
The file is removed when the holder finishes.

Object storage (``s3://…``): a store has no lock primitive that every fsspec backend offers, so
the lock is a local lock file named after the URL under ``~/.cache/tasapaino/locks``. It keeps
runs on *this machine* apart; writers on different machines are not excluded. Releases on
object storage are immutable and ``latest`` is a single object, so such a race cannot break
``latest``, but one of the writers fails; run every writer of a bucket from one place.

Within one process the lock is re-entrant: ``tasapaino run`` takes it before the pipeline
starts and the release step, running in the same process, takes it again at no cost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOCK_NAME = ".tasapaino.lock"
POLL_S = 0.2


class LockBusy(RuntimeError):
    """Another live process holds the lock; the message names it and says what to do."""


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    run_id: str
    since: str

    def describe(self) -> str:
        run = f", run {self.run_id}" if self.run_id else ""
        return f"pid {self.pid} on {self.host}{run}, since {self.since}"


_held: dict[str, int] = {}  # lock path → nesting depth, for this process


def lock_path(root: Any) -> Path:
    """Where the lock of a release root lives (see the module docstring for object stores)."""
    if isinstance(root, Path):
        return root / LOCK_NAME
    digest = hashlib.sha256(str(root).encode("utf-8")).hexdigest()[:16]
    return Path.home() / ".cache" / "tasapaino" / "locks" / f"{digest}.lock"


def read_holder(path: Path) -> Holder | None:
    """The holder a lock file names, or None if it is absent, empty or not ours."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Holder(int(data["pid"]), str(data["host"]), str(data["run_id"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _try_flock(path: Path) -> int | None:
    """An open descriptor holding an exclusive flock on ``path`` as it is now, or None if a
    live process holds it. Reopens if the file was removed or replaced meanwhile, so the lock
    held is always the one a newcomer would open."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return None
            raise
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # the previous holder removed the file after we opened it: try again


def _write_holder(fd: int, run_id: str) -> None:
    holder = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "run_id": run_id,
        "since": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    data = (json.dumps(holder) + "\n").encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)
    os.fsync(fd)


def _stale_note(previous: Holder | None) -> str | None:
    """The message for a lock file left by a process that is gone, if this one is such."""
    if previous is None or previous.pid == os.getpid():
        return None
    if previous.host == socket.gethostname() and pid_alive(previous.pid):
        return None  # flock is free but the pid lives: it finished or was reused; no claim
    return (
        f"taking over a stale lock of {previous.describe()}: that process is gone "
        "(killed?); its unfinished work is swept"
    )


def busy_message(root: Any, holder: Holder | None) -> str:
    who = holder.describe() if holder else "another process (it has not written its name yet)"
    return (
        f"{root}: another run is writing here ({who}); wait for it to finish, or add --wait "
        "to wait for it"
    )


@contextlib.contextmanager
def release_lock(
    root: Any,
    *,
    run_id: str = "",
    wait: bool = False,
    timeout_s: float | None = None,
    note: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the exclusive lock of ``root`` for the ``with`` block.

    Without ``wait`` a lock held by a live process raises LockBusy at once; with it the call
    polls until the lock is free (or ``timeout_s`` passes). ``note`` receives the one-line
    messages (waiting, stale lock taken over); by default they go to stderr.
    """
    say = note or (lambda line: print(line, file=sys.stderr))
    path = lock_path(root)
    key = str(path)
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    announced = False
    while (fd := _try_flock(path)) is None:
        holder = read_holder(path)
        if not wait or (deadline is not None and time.monotonic() >= deadline):
            raise LockBusy(busy_message(root, holder))
        if not announced:
            who = holder.describe() if holder else "another process"
            say(f"{root}: waiting for the run that holds the lock ({who})")
            announced = True
        time.sleep(POLL_S)
    try:
        stale = _stale_note(read_holder(path))
        if stale:
            say(f"{root}: {stale}")
        _write_holder(fd, run_id)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
            # Remove the file while still holding the lock: a newcomer that opened the old
            # file notices the change of inode and reopens (see _try_flock).
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
    finally:
        os.close(fd)

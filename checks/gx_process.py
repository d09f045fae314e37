"""Great Expectations in a process of its own, started as ``tasapaino run`` begins.

Importing GX and building its context costs about 3.5 s of CPU, a quarter of a bundled run,
and none of it depends on the data. In the run's own process it sat on the critical path of the
first check step. A worker process started before the run imports Dagster and the code location
does it on the machine's other core meanwhile, so the first checks find GX ready.

Only GX's own part moves: the views are built and reduced in the run's process
(``checks.gx_runner.tasks``), and the worker receives the rows GX is to judge (at most a few
thousand however large the dataset) and returns the outcomes. If the worker is gone (killed, out
of memory), the checks go on in the run's process with the same rules and the same outcomes.

A plain daemon process on a pipe rather than a process pool: the worker holds nothing worth
keeping, so when the run's process exits it is simply terminated. Ending GX's interpreter in
order (what a pool's shutdown waits for) took about a second per run.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Mapping
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from checks.gx_runner import Outcome, Task, Validator
    from checks.suites import Rule

_WORKER: multiprocessing.process.BaseProcess | None = None
_PIPE: Connection | None = None
_LOCK = threading.Lock()


def _serve(pipe: Connection) -> None:
    """The worker: GX loaded once, then one task in, its outcomes (or its exception) out, until
    the parent closes the pipe or exits."""
    # A parent may hand down an ignored SIGTERM (Dagster points SIGTERM at the SIGINT handler,
    # which is "ignore" under a shell without job control); terminate() must still end this.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # the parent's stdout may be data
    from tqdm import tqdm

    # GX makes a (disabled) tqdm bar per validation, and tqdm's default lock is a named
    # semaphore: terminated with this process, it would be reported as leaked. One process
    # needs only a thread lock.
    tqdm.set_lock(threading.RLock())
    from checks.gx_runner import Validator

    validator = Validator()
    while True:
        try:
            task = pipe.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[str, Any] = ("ok", validator.judge(task))
        except Exception as exc:  # the same exception the parent would have seen judging here
            answer = ("error", exc)
        try:
            pipe.send(answer)
        except Exception as exc:  # an answer that cannot be pickled: say what it was
            pipe.send(("error", RuntimeError(f"GX worker: {type(exc).__name__}: {exc}")))


def start() -> None:
    """Start the worker now (it imports GX while this process goes on), unless this process has
    GX loaded already or a worker runs. The worker lives as long as this process."""
    global _WORKER, _PIPE
    from checks import gx_runner

    if _WORKER is not None or gx_runner.local_validator_ready():
        return
    parent, child = multiprocessing.get_context("spawn").Pipe()
    worker = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(child,), name="tasapaino-gx", daemon=True
    )
    worker.start()
    child.close()
    _WORKER, _PIPE = worker, parent
    # Registered after multiprocessing's own exit handler, so it runs first: the worker reads
    # the end of its pipe and returns, even where a signal cannot reach it yet (still starting).
    atexit.unregister(_close_pipe)
    atexit.register(_close_pipe)


def _close_pipe() -> None:
    global _PIPE
    with _LOCK:
        if _PIPE is not None:
            _PIPE.close()
            _PIPE = None


def validator() -> RemoteValidator | None:
    """The worker's validator if ``start`` was called in this process, else None."""
    return RemoteValidator() if _WORKER is not None else None


def _remote(task: Task) -> dict[str, Outcome] | None:
    """The worker's outcomes for ``task``; None when there is no working worker."""
    global _PIPE
    with _LOCK:
        if _PIPE is None:
            return None
        try:
            _PIPE.send(task)
            status, value = _PIPE.recv()
        except (EOFError, OSError):  # the worker died: judge in this process from now on
            _PIPE = None
            return None
    if status == "error":
        raise value
    return value


class RemoteValidator:
    """``Validator.validate`` with GX's part done by the worker process."""

    def __init__(self) -> None:
        self._local: Validator | None = None

    def validate(
        self, dataset: str, rules: list[Rule], views: Mapping[str, pd.DataFrame]
    ) -> list[Outcome]:
        from checks.gx_runner import tasks

        outcomes: dict[str, Outcome] = {}
        for task in tasks(dataset, rules, views):
            outcomes.update(self._judge(task))
        return [outcomes[r.name] for r in rules]

    def _judge(self, task: Task) -> dict[str, Outcome]:
        answer = _remote(task) if self._local is None else None
        if answer is not None:
            return answer
        if self._local is None:
            from checks.gx_runner import Validator

            self._local = Validator()
        return self._local.judge(task)


def stop() -> None:
    """End the worker now (tests; a process that exits ends it by itself)."""
    global _WORKER
    from checks import gx_runner

    _close_pipe()
    with _LOCK:
        if _WORKER is not None:
            _WORKER.terminate()
            _WORKER.join()
        _WORKER = None
    if isinstance(gx_runner._SHARED, RemoteValidator):
        gx_runner._SHARED = None

"""Draw many charts in a few worker processes at once, the results in the order asked.

vl-convert draws one chart at a time per process, so drawing threads gain nothing; separate
processes draw in parallel. ``ChartDrawer`` is the standard library's process pool
(``concurrent.futures.ProcessPoolExecutor``) of fresh interpreters, each set up once by
``publish.chart_worker.start`` (the system's fonts hidden, vl-convert loaded: about half a
second, paid in parallel). Every answer is taken from its own job's future, so which worker drew
which chart never changes the output: the same specs always give the same bytes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publish import chart_worker
from publish.chart_cache import ChartCache

# Two workers: the project's machines have two cores, and more processes than cores only add
# start-up time and memory (about 80 MB each).
WORKERS = 2


class ChartDrawingError(RuntimeError):
    """A chart vl-convert could not draw, or a worker that stopped while drawing."""


@dataclass(frozen=True)
class Job:
    """One chart to draw: its Vega-Lite spec, the d3-format number locale, the PNG's scale."""

    spec: dict[str, Any]
    locale: dict[str, Any]
    name: str = ""
    scale: float = 2


class ChartDrawer:
    """Up to ``workers`` drawing processes, for as long as the ``with`` block lasts.

    Leaving the block, normally or by an exception (a chart that cannot be drawn, the
    KeyboardInterrupt a stopped Dagster run raises), cancels the charts not started yet, waits
    for those being drawn (a fraction of a second each) and ends the processes. A worker whose
    parent is killed outright ends itself (``chart_worker.start``). As with any spawned pool, a
    script that draws needs the usual ``if __name__ == "__main__":`` guard: each worker imports
    the script's main module.

    With a ``cache`` (``publish.chart_cache``), a chart drawn in an earlier run is taken from it
    and each newly drawn one is put in it; the processes start only when a chart is missing.
    """

    def __init__(self, workers: int = WORKERS, cache: ChartCache | None = None) -> None:
        if workers < 1:
            raise ValueError(f"workers={workers}: at least one drawing process is needed")
        self._count = workers
        self._cache = cache
        self._inside = False
        self._pool: ProcessPoolExecutor | None = None
        self._early: dict[str, Future[tuple[bytes, bytes]]] = {}
        self._fonts: tempfile.TemporaryDirectory[str] | None = None
        self._kept: set[str] = set()  # charts the cache holds: taken from it, or put in it
        self._stored = False

    def __enter__(self) -> ChartDrawer:
        self._inside = True
        # With charts in the cache a run may need no drawing at all: the processes then start
        # at the first chart missing from it, not before.
        if self._cache is None or self._cache.is_empty():
            self._start_pool()
        return self

    def _start_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # Fresh interpreters, not forks: this process may be a Dagster run with threads of
            # its own, and may have loaded vl-convert with the system's fonts already.
            self._fonts = tempfile.TemporaryDirectory(prefix="tasapaino-no-fonts-")
            self._pool = ProcessPoolExecutor(
                self._count,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=chart_worker.start,
                initargs=(chart_worker.font_config(Path(self._fonts.name)),),
            )
            # A pool starts a process per submitted job while none is idle: one empty job each
            # starts them all now, so they load vl-convert while the caller prepares the charts.
            for _ in range(self._count):
                self._pool.submit(chart_worker.ready)
        return self._pool

    def __exit__(self, *exc: object) -> None:
        try:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
        finally:
            self._inside = False
            self._pool = None
            self._early.clear()
            if self._fonts is not None:
                self._fonts.cleanup()
                self._fonts = None
            if self._cache is not None and self._stored:
                self._cache.prune()
            self._stored = False
            self._kept.clear()

    def start(self, jobs: Sequence[Job]) -> None:
        """Start drawing ``jobs`` now; ``draw`` later takes their answers. Lets the charts of
        one article be drawn while the next one is written."""
        if not self._inside:
            raise RuntimeError("ChartDrawer.start outside its 'with' block")
        for job in jobs:
            key = _key(job)
            if key not in self._early:
                self._early[key] = self._future(job, key)

    def draw(self, jobs: Sequence[Job]) -> list[tuple[bytes, bytes]]:
        """(SVG, PNG) of every job, in the order of ``jobs``; the first failing job is named."""
        if not self._inside:
            raise RuntimeError("ChartDrawer.draw outside its 'with' block")
        keys = [_key(job) for job in jobs]
        futures = [
            self._early.pop(key, None) or self._future(job, key)
            for job, key in zip(jobs, keys, strict=True)
        ]
        try:
            drawn = [_answer(future, job) for future, job in zip(futures, jobs, strict=True)]
        finally:
            for future in futures:  # after an error: the rest are not drawn for nothing
                future.cancel()
        if self._cache is not None:
            for key, (svg, png) in zip(keys, drawn, strict=True):
                if key not in self._kept:
                    self._cache.put(self._cache.key(key), svg, png)
                    self._kept.add(key)
                    self._stored = True
        return drawn

    def _future(self, job: Job, key: str) -> Future[tuple[bytes, bytes]]:
        """The chart from the cache as a finished future, else its drawing started."""
        if self._cache is not None:
            kept = self._cache.get(self._cache.key(key))
            if kept is not None:
                done: Future[tuple[bytes, bytes]] = Future()
                done.set_result(kept)
                self._kept.add(key)
                return done
        return self._start_pool().submit(chart_worker.draw, job.spec, job.locale, job.scale)


def _key(job: Job) -> str:
    return json.dumps([job.spec, job.locale, job.scale], sort_keys=True, ensure_ascii=False)


def _answer(future: Future[tuple[bytes, bytes]], job: Job) -> tuple[bytes, bytes]:
    try:
        return future.result()
    except BrokenProcessPool as err:
        raise ChartDrawingError(f"chart '{job.name}': the drawing process stopped ({err})") from err
    except Exception as err:  # vl-convert raises ValueError for specs it cannot draw
        raise ChartDrawingError(
            f"chart '{job.name}' could not be drawn: {type(err).__name__}: {err}"
        ) from err


def workers_for(jobs: int | None = None, workers: int = WORKERS) -> int:
    """No more processes than jobs (when known) or cores."""
    return max(1, min(workers, jobs or workers, os.cpu_count() or 1))


def draw_all(jobs: Sequence[Job], workers: int = WORKERS) -> list[tuple[bytes, bytes]]:
    """(SVG, PNG) of every job, in order, with no more processes than jobs or cores."""
    if not jobs:
        return []
    with ChartDrawer(workers_for(len(jobs), workers)) as drawer:
        return drawer.draw(jobs)

"""Draw many charts in a few worker processes at once, the results in the order asked.

vl-convert draws one chart at a time per process, so drawing threads gain nothing; separate
processes draw in parallel. ``ChartDrawer`` starts up to ``workers`` processes of
``publish.chart_worker`` (each about half a second of start-up, paid in parallel), hands each the
next chart as soon as it is free, and puts every answer back in the position of its job: which
worker drew which chart never changes the output, so the same specs always give the same bytes.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

# Two workers: the project's machines have two cores, and more processes than cores only add
# start-up time and memory (about 80 MB each).
WORKERS = 2
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class ChartDrawingError(RuntimeError):
    """A chart vl-convert could not draw, or a worker that stopped while drawing."""


@dataclass(frozen=True)
class Job:
    """One chart to draw: its Vega-Lite spec, the d3-format number locale, the PNG's scale."""

    spec: dict[str, Any]
    locale: dict[str, Any]
    name: str = ""
    scale: float = 2

    def line(self) -> bytes:
        job = {"spec": self.spec, "locale": self.locale, "scale": self.scale}
        return json.dumps(job, ensure_ascii=False).encode("utf-8") + b"\n"


def _start_worker() -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    # The worker imports ``publish`` even where the project is not installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, "-m", "publish.chart_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )


def _answer(out: IO[bytes], job: Job) -> tuple[bytes, bytes]:
    header = out.readline().split()
    if not header:
        raise ChartDrawingError(f"chart '{job.name}': the drawing process stopped (see above)")
    if header[0] == b"error":
        message = out.read(int(header[1])).decode("utf-8", "replace")
        raise ChartDrawingError(f"chart '{job.name}' could not be drawn: {message}")
    svg = out.read(int(header[1]))
    png = out.read(int(header[2]))
    return svg, png


class ChartDrawer:
    """Up to ``workers`` drawing processes, for as long as the ``with`` block lasts."""

    def __init__(self, workers: int = WORKERS) -> None:
        if workers < 1:
            raise ValueError(f"workers={workers}: at least one drawing process is needed")
        self._count = workers
        self._procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> ChartDrawer:
        self._procs = [_start_worker() for _ in range(self._count)]
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self._procs:
            if proc.stdin:
                with contextlib.suppress(BrokenPipeError):  # a worker that already stopped
                    proc.stdin.close()
        for proc in self._procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()
        self._procs = []

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._procs]

    def draw(self, jobs: Sequence[Job]) -> list[tuple[bytes, bytes]]:
        """(SVG, PNG) of every job, in the order of ``jobs``."""
        if not self._procs:
            raise RuntimeError("ChartDrawer.draw outside its 'with' block")
        results: list[tuple[bytes, bytes] | None] = [None] * len(jobs)
        errors: list[tuple[int, BaseException]] = []
        taken = iter(range(len(jobs)))
        lock = threading.Lock()

        def feed(proc: subprocess.Popen[bytes]) -> None:
            assert proc.stdin is not None and proc.stdout is not None
            while True:
                with lock:
                    if errors:
                        return
                    index = next(taken, None)
                if index is None:
                    return
                try:
                    proc.stdin.write(jobs[index].line())
                    proc.stdin.flush()
                    results[index] = _answer(proc.stdout, jobs[index])
                except (OSError, ChartDrawingError) as err:
                    with lock:
                        errors.append((index, err))
                    return

        threads = [threading.Thread(target=feed, args=(p,), daemon=True) for p in self._procs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            index, err = min(errors, key=lambda e: e[0])
            if isinstance(err, ChartDrawingError):
                raise err
            raise ChartDrawingError(
                f"chart '{jobs[index].name}': the drawing process stopped ({err})"
            ) from err
        return [r for r in results if r is not None]


def draw_all(jobs: Sequence[Job], workers: int = WORKERS) -> list[tuple[bytes, bytes]]:
    """(SVG, PNG) of every job, in order, with no more processes than jobs or cores."""
    if not jobs:
        return []
    count = max(1, min(workers, len(jobs), os.cpu_count() or 1))
    with ChartDrawer(count) as drawer:
        return drawer.draw(jobs)

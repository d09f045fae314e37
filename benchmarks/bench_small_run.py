"""The bundled ``tasapaino run`` against importing the code location, as the target states it.

Run:  .venv/bin/python benchmarks/bench_small_run.py [--rounds 3] [--before /path/to/checkout]

Each round, for each checkout (``--before`` first, if given, then this one), in fresh processes:
``python -c "import pipelines.definitions"`` and ``tasapaino run --out <temporary folder>
--run-date 2026-12-01``, wall and CPU time (the process and its children); for this checkout also
a run with its chart cache emptied first (the charts drawn, as on a machine's first run). The run
history stays in each checkout's own ``.dagster_home``, as for a user. Prints a Markdown table
for benchmarks/RESULTS.md. Target: the run ≤ 4 × the import.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN_DATE = "2026-12-01"


def _timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, children included) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _chart_cache(checkout: Path) -> Path:
    code = "from publish.local_cache import cache_dir; print(cache_dir() / 'charts')"
    python = str(checkout / ".venv" / "bin" / "python")
    return Path(subprocess.check_output([python, "-c", code], cwd=checkout, text=True).strip())


def _measure(checkout: Path, cold: bool = False) -> tuple[float, float, float]:
    python = str(checkout / ".venv" / "bin" / "python")
    tasapaino = str(checkout / ".venv" / "bin" / "tasapaino")
    imported, _ = _timed([python, "-c", "import pipelines.definitions"], checkout)
    if cold:
        shutil.rmtree(_chart_cache(checkout), ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="tasapaino-small-run-") as out:
        wall, cpu = _timed([tasapaino, "run", "--out", out, "--run-date", RUN_DATE], checkout)
    return imported, wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another checkout, installed (make install)")
    args = parser.parse_args()
    print(f"load average at start {os.getloadavg()[0]:.2f}")
    print("| round | checkout | import s | run s | run CPU s | run ÷ import |")
    print("|---:|---|---:|---:|---:|---:|")
    for i in range(1, args.rounds + 1):
        rows = [("before", args.before, False)] if args.before else []
        rows += [("this", ROOT, False), ("this, charts drawn", ROOT, True)]
        for label, checkout, cold in rows:
            imported, wall, cpu = _measure(checkout.resolve(), cold)
            print(
                f"| {i} | {label} | {imported:.2f} | {wall:.2f} | {cpu:.1f} | "
                f"{wall / imported:.2f} |",
                flush=True,
            )
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

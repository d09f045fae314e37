"""Drawing all charts of the bundled run, cold, as the articles step does: ``draw_all``.

Run:  .venv/bin/python benchmarks/bench_draw_all.py [--repeat 3]
Each repeat starts the pool, draws the charts of every article (MK17, fi/sv/en, bundled data)
and stops the pool. Prints wall time, CPU time of this process and its (reaped) drawing
processes, and a digest of all SVG and PNG bytes, which must not change between versions.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    # Imported here: the drawing processes are spawned and import this script as their main
    # module, and need none of this.
    from bench_charts import _jobs

    from publish.chart_drawing import draw_all

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    jobs, *_ = _jobs()
    print("| repeat | charts | wall s | CPU s (parent + workers) | load | sha256 of the bytes |")
    print("|---:|---:|---:|---:|---:|---|")
    for i in range(repeat):
        wall, cpu = time.perf_counter(), _cpu()
        drawn = draw_all(jobs)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        digest = hashlib.sha256(b"".join(svg + png for svg, png in drawn)).hexdigest()[:16]
        load = os.getloadavg()[0]
        print(f"| {i + 1} | {len(jobs)} | {wall:.2f} | {cpu:.2f} | {load:.1f} | {digest} |")


if __name__ == "__main__":
    main()

"""Quality gate timings: loading the code location, and running the suites.

    .venv/bin/python benchmarks/bench_quality.py [--repeat 5]

Measures (1) ``dagster definitions validate`` — the code location must load in under 5 s with
Great Expectations kept out of the load; (2) ``import pipelines.definitions`` alone; (3) the GX
import that the first check of a process pays; (4) the counts suite on the bundled snapshot and
on a SYNTHETIC 100 000-row counts table. Wall time on this shared 2-core machine is mostly
waiting for a CPU, so CPU seconds (user + sys of the child) are reported beside it, with the
load average.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")


def child(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best(cmd: list[str], env: dict[str, str], repeat: int) -> tuple[float, float]:
    runs = [child(cmd, env) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def suites(repeat: int) -> list[tuple[str, float, float, int]]:
    sys.path.insert(0, str(ROOT))
    import numpy as np
    import pandas as pd

    from assets.collect.transcribed import read_tables, to_counts
    from assets.reference.paths import snapshot_dir
    from checks.gate import check_dataset

    start = time.perf_counter()
    cpu0 = time.process_time()
    from checks.gx_runner import Validator

    Validator()
    out = [
        ("GX import + first context", time.perf_counter() - start, time.process_time() - cpu0, 0)
    ]
    counts = to_counts(read_tables(snapshot_dir() / "transcribed"))
    rng = np.random.default_rng(5)
    n = 50_000  # cells; × 2 sexes = 100 000 SYNTHETIC rows
    big = pd.DataFrame(
        {
            **{c: counts[c].iloc[0] for c in counts.columns},
            "unit_code": "0",
            "classification": "ammatti_2010",
            "year": np.repeat(np.arange(2000, 2000 + n // 10), 10)[:n].repeat(2),
            "region_code": np.tile(
                ["SSS", "MK01", "MK02", "MK04", "MK05", "MK06", "MK07", "MK08", "MK09", "MK10"],
                n // 10,
            ).repeat(2),
            "sex": np.tile(["women", "men"], n),
            "count": rng.integers(0, 10_000, 2 * n),
        }
    ).astype({"count": "Int64", "year": "Int64"})
    for label, table in (
        ("counts suite, bundled snapshot", counts),
        ("counts suite, SYNTHETIC", big),
    ):
        times = []
        for _ in range(repeat):
            start, cpu0 = time.perf_counter(), time.process_time()
            check_dataset("counts", table)
            times.append((time.perf_counter() - start, time.process_time() - cpu0))
        out.append((label, min(t[0] for t in times), min(t[1] for t in times), len(table)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(ROOT / ".dagster_home"),
        "GX_ANALYTICS_ENABLED": "false",
    }
    rows = [
        (
            "dagster definitions validate",
            *best([str(ROOT / ".venv/bin/dagster"), "definitions", "validate"], env, args.repeat),
            0,
        ),
        (
            "import pipelines.definitions",
            *best([PY, "-c", "import pipelines.definitions"], env, args.repeat),
            0,
        ),
        (
            "import dagster, pandas (floor)",
            *best([PY, "-c", "import dagster, pandas"], env, args.repeat),
            0,
        ),
    ]
    rows += suites(max(1, args.repeat // 2))
    print(f"load average {os.getloadavg()[0]:.1f}; best of {args.repeat}")
    print("| step | wall s | CPU s | rows |")
    print("|---|---:|---:|---:|")
    for label, wall, cpu, n in rows:
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {n or ''} |")


if __name__ == "__main__":
    main()

"""Speed of the release step on the bundled (real) snapshot: bundle in memory, write atomically.

Run:  .venv/bin/python benchmarks/bench_release.py
Prints a Markdown section for benchmarks/RESULTS.md. The whole ``tasapaino run`` must stay under
60 s; the release step is measured alone (the stages before it are read from the snapshot
directly). Articles are not built here; their bytes are a small share of the release. The
criteria table is the one the release tests use (a single stated rule over the shares).
CPU time is printed beside wall time because the machine is shared.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assets.collect.transcribed import provenance, read_tables, to_counts  # noqa: E402
from assets.indices.batch import segregation_indices  # noqa: E402
from assets.reference.paths import snapshot_dir  # noqa: E402
from assets.shares.compute import unit_shares  # noqa: E402
from publish import bundle  # noqa: E402
from publish.release import release_root, write_release  # noqa: E402
from tests.publish.release_fixtures import balanced_criteria  # noqa: E402

REPEATS = 5


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    tables = read_tables(snapshot_dir() / "transcribed")
    counts = to_counts(tables)
    shares = unit_shares(counts)
    datasets = {
        "counts": counts,
        "unit_shares": shares,
        "segregation_indices": segregation_indices(shares),
        "criteria_results": balanced_criteria(shares),
    }
    catalog = provenance(tables)
    run_date = dt.date(2026, 11, 28)
    rows = []
    for i in range(REPEATS):
        w0, c0 = time.perf_counter(), _cpu()
        files = bundle.build(datasets, catalog, {}, run_date=run_date, code_version="bench")
        w1, c1 = time.perf_counter(), _cpu()
        with tempfile.TemporaryDirectory() as tmp:
            write_release(Path(tmp), "r1", files)
            w2, c2 = time.perf_counter(), _cpu()
        memory = release_root(f"memory://bench-{os.getpid()}-{i}/dist")
        write_release(memory, "r1", files)
        w3, c3 = time.perf_counter(), _cpu()
        rows.append((w1 - w0, c1 - c0, w2 - w1, c2 - c1, w3 - w2, c3 - c2))
    size = sum(len(b) for b in files.values())
    best = [min(r[k] for r in rows) for k in range(6)]
    print("## Release step (bench_release.py)\n")
    print(
        f"Bundled snapshot, {len(files) + 1} files, {size / 1e6:.1f} MB; best of {REPEATS}; "
        f"load average {os.getloadavg()[0]:.1f}.\n"
    )
    print("| step | wall s | CPU s |\n|---|---:|---:|")
    print(
        f"| build bundle in memory (CSV, Excel CSV, Parquet, metadata, page) "
        f"| {best[0]:.2f} | {best[1]:.2f} |"
    )
    print(
        f"| write + verify + rename + switch latest, local disk (fsync) "
        f"| {best[2]:.2f} | {best[3]:.2f} |"
    )
    print(f"| write + verify + latest pointer, memory:// | {best[4]:.2f} | {best[5]:.2f} |")


if __name__ == "__main__":
    main()

"""Speed and memory of the segregation index engine on SYNTHETIC tables (never published).

Run:  .venv/bin/python benchmarks/bench_indices.py [--skip-pysal] [--skip-cli]
Prints a Markdown section for benchmarks/RESULTS.md. Targets (issue 4): every index of 20 000
tables × 400 units ≤ 1 s; the CLI with --by on Parquet ≤ 3 s including I/O; 1 000 bootstrap
replicates of a 400-unit table ≤ 0.2 s; peak memory of the batch < 1 GB; the ratio to PySAL
``segregation`` 2.5.4 on the same batch.

Wall times on a shared machine depend on what else runs; CPU time (user + system) of this process
is printed beside each, together with the load average, so that runs can be compared.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assets.indices import bootstrap, twogroup  # noqa: E402
from benchmarks.synthetic import long_frame, two_group_tables  # noqa: E402

N_TABLES, N_UNITS = 20_000, 400
CLI_RUNS = 7  # whole-process runs of the CLI; the median is reported
# The first version of the engine (one Python call per table and index), for "before".
FIRST_VERSION = "64a2b8b"


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall time and the CPU time of that run, over ``repeat`` runs."""
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        c0, t0 = cpu_seconds(), time.perf_counter()
        fn()
        wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
        best = min(best, (wall, cpu))
    return best


def first_version_module():
    """assets/indices/twogroup.py as committed in the first version, loaded under another name."""
    source = subprocess.run(
        ["git", "show", f"{FIRST_VERSION}:assets/indices/twogroup.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    spec = importlib.util.spec_from_loader("twogroup_first_version", loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, "twogroup_first_version", "exec"), module.__dict__)
    return module


def machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    import pandas
    import pyarrow

    return [
        f"- machine: {os.cpu_count()} cores ({cpu}), {int(mem) / 2**20:.0f} GiB RAM, "
        f"Linux {platform.release()}",
        f"- Python {platform.python_version()}, numpy {np.__version__}, pandas "
        f"{pandas.__version__}, pyarrow {pyarrow.__version__}",
        f"- load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-pysal", action="store_true")
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument("--pysal-sample", type=int, default=200)
    args = parser.parse_args()
    lines = ["## Segregation index engine (issue 4) — synthetic data", "", *machine(), ""]
    women, men = two_group_tables(N_TABLES, N_UNITS)
    lines.append(
        f"Input: {N_TABLES:,} synthetic tables × {N_UNITS} units (women, men), "
        f"{int(women.sum() + men.sum()):,} persons."
    )
    lines.append("")
    lines.append("| measurement | wall s | CPU s | target |")
    lines.append("|---|---|---|---|")

    wall, cpu = timed(lambda: twogroup.all_indices(women, men), 5)
    lines.append(f"| all 10 indices, 20 000 × 400 (best of 5) | {wall:.3f} | {cpu:.3f} | ≤ 1 s |")
    engine_wall = wall
    wall, cpu = timed(lambda: twogroup.all_indices(women, men, with_class_shares=True), 3)
    lines.append(f"| + five class shares | {wall:.3f} | {cpu:.3f} | |")
    three = ("dissimilarity", "gini", "theil_h")
    wall3, cpu3 = timed(lambda: twogroup._compute(women, men, None, three), 5)
    lines.append(f"| D, Gini and H only | {wall3:.3f} | {cpu3:.3f} | |")

    tracemalloc.start()
    twogroup.all_indices(women, men, with_class_shares=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    inputs = (women.nbytes + men.nbytes) / 2**20
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    lines.append(
        f"| peak memory: inputs {inputs:.0f} MiB + working arrays {peak / 2**20:.0f} MiB "
        f"(tracemalloc); process peak RSS so far {rss:.0f} MiB | | | < 1 GB |"
    )

    old = first_version_module()
    sample = 500
    old_names = ("dissimilarity", "karmel_maclachlan", "mutual_information", "theil_h")
    old_names += ("balanced_share",)

    def first_version() -> None:
        for i in range(sample):
            for name in old_names:
                getattr(old, name)(women[i], men[i])

    wall, cpu = timed(first_version, 1)
    scale = N_TABLES / sample
    lines.append(
        f"| before: first version (Python loop, 5 indices), {sample} tables × {scale:.0f} "
        f"(extrapolated) | {wall * scale:.1f} | {cpu * scale:.1f} | |"
    )

    w1, m1 = women[0], men[0]
    wall, cpu = timed(lambda: bootstrap.bootstrap_two_group(w1, m1, reps=1000, seed=1), 5)
    lines.append(
        f"| bootstrap: 1 000 multinomial replicates of one 400-unit table, all 10 indices "
        f"| {wall:.3f} | {cpu:.3f} | ≤ 0.2 s |"
    )

    lines.extend(asset_rows())
    if not args.skip_pysal:
        lines.extend(pysal_rows(women, men, args.pysal_sample, engine_wall, wall3))
    if not args.skip_cli:
        lines.extend(cli_rows())
    lines.append("")
    lines.append(f"- load average at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("\n".join(lines))


def asset_rows() -> list[str]:
    """The pipeline's batch (with bootstrap intervals and expected values) on a live-sized input:
    21 regions × 14 years × 3 levels of 10, 40 and 130 occupations (synthetic counts)."""
    import pandas as pd

    from assets.indices.batch import BOOTSTRAP_REPS, segregation_indices

    frames = []
    for level, n_units in ((1, 10), (2, 40), (3, 130)):
        women, men = two_group_tables(21 * 14, n_units, seed=level)
        table = np.repeat(np.arange(21 * 14), n_units)
        frames.append(
            pd.DataFrame(
                {
                    "dimension": "occupation",
                    "classification": "synthetic",
                    "level": level,
                    "measure": "synthetic_employed",
                    "region_code": [f"MK{r:02d}" for r in table // 14],
                    "region_name_fi": "synthetic",
                    "year": 2010 + table % 14,
                    "source_table": "synthetic",
                    "unit_code": np.tile([f"u{u}" for u in range(n_units)], 21 * 14),
                    "women": women.ravel().astype(np.int64),
                    "men": men.ravel().astype(np.int64),
                    "in_indices": True,
                }
            )
        )
    shares = pd.concat(frames, ignore_index=True)
    wall, cpu = timed(lambda: segregation_indices(shares), 1)
    return [
        f"| pipeline batch `segregation_indices`: 882 synthetic tables (21 regions × 14 years × "
        f"levels of 10/40/130 units), {BOOTSTRAP_REPS} bootstrap replicates each "
        f"| {wall:.2f} | {cpu:.2f} | |"
    ]


def pysal_rows(
    women: np.ndarray, men: np.ndarray, sample: int, ours_all: float, ours_three: float
) -> list[str]:
    import pandas as pd

    t0 = time.perf_counter()
    from segregation.singlegroup import Dissim, Entropy, Gini

    imported = time.perf_counter() - t0
    # PySAL compiles parts of itself with numba on first use: warm up, then time.
    warm = pd.DataFrame({"women": women[-1], "total": women[-1] + men[-1]})
    for index in (Dissim, Gini, Entropy):
        index(warm, "women", "total")

    def run() -> None:
        for i in range(sample):
            frame = pd.DataFrame({"women": women[i], "total": women[i] + men[i]})
            for index in (Dissim, Gini, Entropy):
                index(frame, "women", "total")

    wall, cpu = timed(run, 1)
    per_table = wall / sample
    total = per_table * N_TABLES
    return [
        f"| PySAL 2.5.4 D, Gini, H: {sample} tables measured, × {N_TABLES // sample} "
        f"extrapolated ({per_table * 1000:.1f} ms per table after a warm-up call; import "
        f"{imported:.0f} s not counted) | {total:.1f} | {cpu * N_TABLES / sample:.1f} | |",
        f"| ratio PySAL (D, Gini, H) / ours (D, Gini, H) | {total / ours_three:.0f}× | | |",
        f"| ratio PySAL (D, Gini, H) / ours (all 10 indices) | {total / ours_all:.0f}× | | |",
    ]


def cli_rows() -> list[str]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic_long.parquet"
        frame = long_frame(20, 50, 20, N_UNITS)
        frame.to_parquet(path, index=False)
        size = path.stat().st_size / 2**20
        del frame
        cmd = [
            str(ROOT / ".venv" / "bin" / "tasapaino"),
            "indices",
            "--input",
            str(path),
            "--by",
            "region,year,level",
            "--format",
            "parquet",
            "--output",
            str(Path(tmp) / "out.parquet"),
        ]
        runs = []
        for _ in range(CLI_RUNS):
            c0, t0 = cpu_seconds(resource.RUSAGE_CHILDREN), time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            runs.append((time.perf_counter() - t0, cpu_seconds(resource.RUSAGE_CHILDREN) - c0))
        # The command imports numpy and pyarrow, never pandas (see pipelines/commands/indices.py).
        start = [
            sys.executable,
            "-c",
            "import numpy, pyarrow.parquet, pyarrow.compute, pyarrow.csv",
        ]
        imports = []
        for _ in range(CLI_RUNS):
            c0, t0 = cpu_seconds(resource.RUSAGE_CHILDREN), time.perf_counter()
            subprocess.run(start, check=True)
            imports.append((time.perf_counter() - t0, cpu_seconds(resource.RUSAGE_CHILDREN) - c0))
    wall, cpu = (statistics.median(x) for x in zip(*runs, strict=True))
    best = min(w for w, _ in runs)
    rows.append(
        f"| CLI `tasapaino indices --by region,year,level --format parquet`, 16 000 000 rows "
        f"({size:.0f} MiB Parquet), whole process (median of {CLI_RUNS}; best {best:.2f} s) "
        f"| {wall:.2f} | {cpu:.2f} | ≤ 3 s |"
    )
    wall, cpu = (statistics.median(x) for x in zip(*imports, strict=True))
    rows.append(
        f"| of which starting Python and importing numpy, pyarrow (median of {CLI_RUNS}) "
        f"| {wall:.2f} | {cpu:.2f} | |"
    )
    return rows


if __name__ == "__main__":
    main()

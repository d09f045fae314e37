"""Scale: a SYNTHETIC national table at the finest grain through counts → indices → publish.

309 municipalities × 420 occupations × 2 sexes × 25 years = 6 489 000 rows of ``counts``, all
made up (benchmarks/synthetic.py: log-normal unit sizes, Beta women's shares) and clearly
labelled: region codes ``SYN001``…, unit codes ``S0001``…, source ``synthetic``. Never published.

Stages, each the project's own code, in one process as a run would do them:
  counts   conform the generated rows to the ``counts`` contract (assets/contracts.py)
  shares   ``unit_shares`` (assets/shares/compute.py)
  gate     the quality gate (checks/gate.py: views, then GX on the reduced views) on counts,
           unit_shares and segregation_indices, and the quality report pages (checks/report.py)
  indices  ``segregation_indices`` with its bootstrap intervals (assets/indices/batch.py)
  publish  ``bundle.write`` streamed by ``write_release`` (CSV, Excel CSV, Parquet,
           datapackage.json) into benchmarks/.data/ (git-ignored), then deleted

Run:  .venv/bin/python benchmarks/bench_scale.py [--years 25] [--regions 309] [--units 420]
Prints a Markdown section for benchmarks/RESULTS.md. Targets: the whole run with the quality
gate and the quality report ≤ 150 s and ≤ 4 GB peak; the counts suite ≤ 3 µs per counts row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import two_group_tables  # noqa: E402

from assets.contracts import COUNTS, CRITERIA_RESULTS, SOURCES, conform  # noqa: E402
from assets.indices.batch import segregation_indices  # noqa: E402
from assets.indices.change import segregation_change  # noqa: E402
from assets.shares.compute import unit_shares  # noqa: E402
from publish import bundle  # noqa: E402
from publish.release import write_release  # noqa: E402
from publish.sinks import FileInfo, Sink  # noqa: E402

FIRST_YEAR = 1999
RUN_DATE = dt.date(2026, 11, 28)


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def reset_peak_rss() -> float:
    """Reset the kernel's peak-RSS mark (Linux ``clear_refs``), so the next stage's own peak
    can be read; returns the current resident size in GB, the stage's starting point."""
    Path("/proc/self/clear_refs").write_text("5")
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024**2
    raise OSError("no VmRSS in /proc/self/status")


def _status_gb(pid: int | str, field: str) -> float:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:  # the process has exited
        return 0.0
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024**2
    return 0.0


class ChildMemory:
    """Samples, every 0.2 s, the resident memory of this process's child processes (the
    indices' pool workers): the largest child's own peak (``VmHWM``, reset at exec, unlike
    ``RUSAGE_CHILDREN``, which counts the parent's pages a spawned child started from) and the
    largest sum of this process's and its children's resident memory seen at one time."""

    def __init__(self) -> None:
        self.largest = 0.0
        self.together = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _children(self) -> list[str]:
        pids: list[str] = []
        for task in Path("/proc/self/task").iterdir():
            pids += (task / "children").read_text().split()
        return pids

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            children = self._children()
            self.largest = max([self.largest, *(_status_gb(p, "VmHWM") for p in children)])
            now = _status_gb("self", "VmRSS") + sum(_status_gb(p, "VmRSS") for p in children)
            self.together = max(self.together, now)

    def __enter__(self) -> ChildMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def cpu_s() -> float:
    """CPU of this process and of its finished children (segregation_indices' process pool)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def synthetic_counts(n_regions: int, n_units: int, n_years: int, seed: int = 2026) -> pd.DataFrame:
    """SYNTHETIC ``counts`` rows: region × year tables of ``n_units`` occupations, both sexes."""
    n_tables = n_regions * n_years
    women, men = two_group_tables(n_tables, n_units, seed)
    t = np.repeat(np.arange(n_tables), n_units * 2)
    unit = np.tile(np.repeat(np.arange(n_units), 2), n_tables)
    regions = np.array([f"SYN{i:03d}" for i in range(1, n_regions + 1)])
    region_names = np.array([f"Synteettinen kunta {i}" for i in range(1, n_regions + 1)])
    units = np.array([f"S{i:04d}" for i in range(n_units)])
    names = np.array([f"Synteettinen ammatti {i}" for i in range(n_units)])
    region_idx = t // n_years
    n = len(t)

    def cat(codes: np.ndarray, labels: np.ndarray) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, labels)

    one = np.zeros(n, dtype=np.int8)
    df = pd.DataFrame(
        {
            "source": cat(one, np.array(["synthetic"])),
            "source_table": cat(one, np.array(["synthetic/finest"])),
            "dimension": cat(one, np.array(["occupation"])),
            "classification": cat(one, np.array(["ammatti_2010"])),
            "level": np.full(n, 5, dtype=np.int64),
            "measure": cat(one, np.array(["employed"])),
            "unit_code": cat(unit, units),
            "unit_name_fi": cat(unit, names),
            "unit_name_sv": cat(unit, names),
            "unit_name_en": cat(unit, names),
            "region_code": cat(region_idx, regions),
            "region_name_fi": cat(region_idx, region_names),
            "year": FIRST_YEAR + t % n_years,
            "sex": cat(np.tile([0, 1], n // 2), np.array(["women", "men"])),
            "count": np.stack([women, men], axis=-1).ravel().astype(np.int64),
            "status": cat(one, np.array([""])),
            "retrieved_at": pd.Timestamp("2026-11-28", tz="UTC"),
            "source_updated": pd.Timestamp("2026-11-28", tz="UTC"),
        }
    )
    for column in COUNTS.names:
        if column not in df:
            df[column] = cat(one, np.array([""]))
    return df


def catalog() -> pd.DataFrame:
    row = {c: "" for c in SOURCES.names}
    row.update(source="synthetic", source_table="synthetic/finest", measure="employed")
    row.update(title_fi="SYNTEETTINEN skaalaustesti – ei oikeaa dataa", published="2026-11-28")
    row["men_derived"] = False
    return conform(pd.DataFrame([row]), SOURCES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=309)
    parser.add_argument("--units", type=int, default=420)
    parser.add_argument("--years", type=int, default=25)
    args = parser.parse_args()
    # One folder per run: two benchmarks at once must not delete each other's staging folder.
    out = ROOT / "benchmarks" / ".data" / f"scale.{os.getpid()}"
    shutil.rmtree(out, ignore_errors=True)
    timings: list[tuple[str, float, float, int]] = []
    started = time.perf_counter()

    def stage(name: str, fn, rows_of=len):
        t0, c0 = time.perf_counter(), cpu_s()
        result = fn()
        timings.append((name, time.perf_counter() - t0, cpu_s() - c0, rows_of(result)))
        # Progress on stderr, so a run stopped early still tells where the time went.
        print(
            f"{name}: {timings[-1][1]:.1f} s wall, {timings[-1][2]:.1f} s CPU, "
            f"peak {peak_rss_gb():.2f} GB",
            file=sys.stderr,
            flush=True,
        )
        return result

    generated = [
        stage(
            "generate SYNTHETIC rows",
            lambda: synthetic_counts(args.regions, args.units, args.years),
        )
    ]
    counts = stage("counts: conform to the contract", lambda: conform(generated.pop(), COUNTS))
    from checks.gate import check_dataset
    from checks.gx_runner import shared_validator

    stage("GX import + context (once per process)", lambda: [shared_validator()])
    reset_peak_rss()
    outcomes: dict[str, list] = {}
    outcomes["counts"] = stage(
        "gate: counts suite (views + GX on reduced views)",
        lambda: check_dataset("counts", counts),
    )
    gate_peak = peak_rss_gb()
    gate_rows = len(counts)
    shares = stage("unit_shares", lambda: unit_shares(counts))
    with ChildMemory() as pool:
        indices = stage(
            "segregation_indices (with bootstrap CIs)", lambda: segregation_indices(shares)
        )
    print(
        f"segregation_indices: pool workers' largest peak {pool.largest:.2f} GB; this process and "
        f"its workers together at most {pool.together:.2f} GB",
        file=sys.stderr,
        flush=True,
    )
    outcomes["unit_shares"] = stage(
        "gate: unit_shares suite", lambda: check_dataset("unit_shares", shares)
    )
    outcomes["segregation_indices"] = stage(
        "gate: segregation_indices suite",
        lambda: check_dataset("segregation_indices", indices),
    )
    changes = stage(
        "segregation_change (IPF split of each year pair)", lambda: segregation_change(shares)
    )
    outcomes["segregation_change"] = stage(
        "gate: segregation_change suite",
        lambda: check_dataset("segregation_change", changes),
    )
    datasets = {
        "counts": counts,
        "unit_shares": shares,
        "segregation_indices": indices,
        "segregation_change": changes,
        "criteria_results": conform(pd.DataFrame(columns=CRITERIA_RESULTS.names), CRITERIA_RESULTS),
    }
    outcomes["criteria_results"] = check_dataset("criteria_results", datasets["criteria_results"])
    from checks.quality_docs import build_quality_files

    quality = stage(
        "quality report: pages + summary.json from the outcomes",
        lambda: build_quality_files(datasets, run_date=RUN_DATE, outcomes=outcomes)[0],
    )
    failed = sorted({f"{o.dataset}.{o.rule}" for v in outcomes.values() for o in v if not o.passed})
    written: dict[str, FileInfo] = {}

    def fill(sink: Sink) -> None:
        bundle.write(
            sink,
            datasets,
            catalog(),
            {},
            run_date=RUN_DATE,
            code_version="benchmark",
            extra_files=quality,
        )
        written.update(sink.files)

    peak_before_publish = peak_rss_gb()
    publish_input = reset_peak_rss()
    stage(
        "publish: bundle.write streamed into write_release (CSV, Excel CSV, Parquet, "
        "datapackage; fsync, verify, rename, latest)",
        lambda: write_release(out, bundle.release_id(counts, RUN_DATE), fill),
        rows_of=lambda _: len(written) + 1,
    )
    publish_peak = peak_rss_gb()
    print(
        f"publish: resident {publish_input:.2f} GB before, peak {publish_peak:.2f} GB "
        f"(+{publish_peak - publish_input:.2f} GB)",
        file=sys.stderr,
        flush=True,
    )
    size = sum(info.size for info in written.values())
    total = time.perf_counter() - started
    peak = max(peak_before_publish, pool.together, publish_peak)
    shutil.rmtree(out, ignore_errors=True)

    load = os.getloadavg()[0]
    print("## Scale: finest national grain (bench_scale.py)\n")
    print(
        f"SYNTHETIC: {args.regions} municipalities × {args.units} occupations × 2 sexes × "
        f"{args.years} years = {len(counts):,} counts rows; release {size / 1e6:.0f} MB in "
        f"{len(written) + 1} files; one run; load average {load:.1f}; "
        f"Python {sys.version.split()[0]}.\n"
    )
    print("| stage | wall s | CPU s | rows (files) |\n|---|---:|---:|---:|")
    for name, wall, cpu, rows in timings:
        print(f"| {name} | {wall:.1f} | {cpu:.1f} | {rows:,} |")
    gate_wall = sum(w for name, w, _, _ in timings if name.startswith("gate:"))
    counts_gate = next(w for name, w, _, _ in timings if name.startswith("gate: counts"))
    print(
        f"\nGate: counts suite {counts_gate:.1f} s = {counts_gate / gate_rows * 1e6:.2f} µs per "
        f"counts row (target ≤ 3 µs); all suites {gate_wall:.1f} s; peak during the counts suite "
        f"{gate_peak:.2f} GB. Rules that failed (SYNTHETIC codes are not real codes): "
        f"{', '.join(failed) or 'none'}."
    )
    verdict_t = "met" if total <= 150 else "NOT met"
    verdict_m = "met" if peak <= 4 else "NOT met"
    print(
        f"\nTotal {total:.1f} s wall (target ≤ 150 s with gate and report: {verdict_t}); "
        f"peak resident memory "
        f"{peak:.2f} GB (target ≤ 4 GB: {verdict_m}): this process and the indices' pool "
        f"workers together at most {pool.together:.2f} GB (largest worker {pool.largest:.2f} GB), "
        f"this process {publish_peak:.2f} GB in publish. Measured {dt.date.today().isoformat()}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

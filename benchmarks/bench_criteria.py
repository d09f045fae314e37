"""Speed of the criteria engine at live-data scale, on SYNTHETIC tables (never published).

Run:  .venv/bin/python benchmarks/bench_criteria.py [--scale N]
Prints a Markdown section for benchmarks/RESULTS.md.

The shape follows what a live run collects: StatFin ``tyokay/115s`` has occupations at levels
1–3 (10 + 43 + 130 units) for the whole country and 20 regions over 14 years, and new students
by 10 broad fields for the same regions and years; ``--scale`` multiplies the number of years
to show how the engine grows. Counts are random (log-normal sizes, Beta(0.6, 0.6) women's
shares), so the results mean nothing; only the timings matter.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import pandas as pd

from assets.contracts import SEGREGATION_INDICES, conform
from assets.criteria.catalogue import load_catalogue
from assets.criteria.engine import apply_catalogue
from assets.criteria.inputs import Inputs
from assets.criteria.self_assessment import summarise
from assets.reference.classifications import load_regions
from assets.reference.keys import TABLE_KEY

REGIONS = [
    "SSS",
    *(f"MK{i:02d}" for i in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21)),
]
OCCUPATION_LEVELS = {1: 10, 2: 43, 3: 130}


def _units(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    size = np.floor(rng.lognormal(6.0, 1.5, n)).astype(np.int64) + 1
    women = rng.binomial(size, rng.beta(0.6, 0.6, n))
    return women, size - women


def synthetic_unit_shares(years: int, seed: int = 2026) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for measure, classification, levels in (
        ("employed", "ammatti_2010", OCCUPATION_LEVELS),
        ("new_students", "koulutusala_2016", {1: 10}),
    ):
        for level, n_units in levels.items():
            if classification == "koulutusala_2016":
                codes = [f"{i:02d}" for i in range(1, n_units + 1)]
            elif level == 2:
                codes = [f"{i // 5 + 1}{i % 5 + 1}" for i in range(n_units)]
            else:
                codes = [f"{i:0{level}d}"[-level:] for i in range(n_units)]
            for region in REGIONS:
                for year in range(2010, 2010 + years):
                    women, men = _units(rng, n_units)
                    frames.append(
                        pd.DataFrame(
                            {
                                "dimension": "occupation"
                                if classification == "ammatti_2010"
                                else "field_of_education",
                                "classification": classification,
                                "level": level,
                                "measure": measure,
                                "region_code": region,
                                "region_name_fi": region,
                                "year": year,
                                "unit_code": codes,
                                "women": women,
                                "men": men,
                            }
                        )
                    )
    df = pd.concat(frames, ignore_index=True)
    df["total"] = df["women"] + df["men"]
    df["women_share"] = df["women"] / df["total"]
    return df.astype(
        {"level": "Int64", "year": "Int64", "women": "Int64", "men": "Int64", "total": "Int64"}
    )


def synthetic_indices(units: pd.DataFrame, seed: int = 2026) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    key = [*TABLE_KEY]
    tables = (
        units.groupby(key, observed=True)
        .agg(n_units=("unit_code", "size"), n_women=("women", "sum"), n_men=("men", "sum"))
        .reset_index()
    )
    rows = []
    for index in ("dissimilarity", "karmel_maclachlan"):
        t = tables.copy()
        t["index"] = index
        t["value"] = rng.uniform(0.2, 0.6, len(t))
        rows.append(t)
    df = pd.concat(rows, ignore_index=True)
    df["ci_low"] = np.nan
    df["ci_high"] = np.nan
    df["source_table"] = "synthetic"
    df["method_note"] = ""
    return conform(df, SEGREGATION_INDICES)


def synthetic_responses(n_orgs: int, years: int, catalogue: list[dict], seed: int = 2026):
    rng = np.random.default_rng(seed)
    osmo = [c for s in catalogue for c in s["criteria"] if c["kind"] == "self_assessment"]
    (cset,) = [s for s in catalogue if s["id"] == "osmo2-equality"]
    regions = [r for r in REGIONS if r != "SSS"]
    rows = [
        {
            "organisation": f"SYNTHETIC {o}",
            "date": pd.Timestamp(f"{2024 + y}-03-01"),
            "criterion_id": c["id"],
            "score": int(rng.integers(1, 6)),
            "criteria_set": cset["id"],
            "criteria_version": cset["version"],
            "theme": c["theme"],
            "theme_dimension": c.get("dimension", ""),
            "region_code": regions[o % len(regions)],
        }
        for o in range(n_orgs)
        for y in range(years)
        for c in osmo
    ]
    return pd.DataFrame(rows)


def timed(fn, repeat: int = 3) -> tuple[str, object]:
    """Best wall time and the CPU time of that run: on a shared machine CPU time is steadier."""
    best, out = (float("inf"), 0.0), None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return f"{best[0]:.2f} s (CPU {best[1]:.2f} s)", out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="multiply the 14 years by this")
    args = parser.parse_args()
    catalogue = load_catalogue()
    regions = load_regions()
    print("## Criteria engine (benchmarks/bench_criteria.py)\n")
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.2f}. Best of 3 runs. Data SYNTHETIC.\n"
    )
    print("| input | rows of unit_shares | result rows | wall time |")
    print("|---|---|---|---|")
    for scale in sorted({1, args.scale}):
        units = synthetic_unit_shares(14 * scale)
        indices = synthetic_indices(units)
        summary = summarise(synthetic_responses(60, 3, catalogue), regions)
        inputs = Inputs(units, indices, summary)
        seconds, results = timed(lambda inputs=inputs: apply_catalogue(catalogue, inputs))
        print(
            f"| {14 * scale} years × 20 regions + SSS, occupations 1–3 + fields | "
            f"{len(units):,} | {len(results):,} | {seconds} |"
        )
    responses = synthetic_responses(600, 3, catalogue)
    seconds, summary = timed(lambda: summarise(responses, regions))
    print(
        f"| self-assessment: 600 organisations × 6 criteria × 3 years | "
        f"{len(responses):,} responses | {len(summary):,} summary rows | {seconds} |"
    )


if __name__ == "__main__":
    main()

"""Bootstrap draws of the ``segregation_indices`` dataset: CPU per table of four schemes.

SYNTHETIC tables as in bench_scale.py (benchmarks/synthetic.py: 420 units × 2 sexes, log-normal
unit sizes, about 68 000 persons and 770 non-empty cells each), 200 replicates per table, each
table from its own seeded generator, one process, one thread. Schemes:

  numpy multinomial      ``Generator.multinomial`` (the Python API's ``bootstrap.resample``)
  per-cell binomials     the same conditional binomials, one numpy call per cell for all
                         replicates at once (exact multinomial; measured as a candidate)
  Poisson                every cell Poisson(count), total free (the dataset's scheme in commit
                         8837c9c; not a multinomial draw, for comparison only)
  resample_table         the dataset's exact multinomial (assets/indices/bootstrap.py)

Then the whole per-table work (``batch._chunk_uncertainty``: draws, 15 indices on the replicates,
percentiles, exact expected D and M) with the Poisson draws and with ``resample_table``.
Rounds are interleaved and the median is reported, since the machine is shared.

Run:  .venv/bin/python benchmarks/bench_bootstrap_draws.py [--tables 100] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import two_group_tables  # noqa: E402

from assets.indices import batch, bootstrap, twogroup  # noqa: E402

REPS = 200
FAST = bootstrap.resample_table


def numpy_multinomial(cells: np.ndarray, reps: int, rng: np.random.Generator) -> np.ndarray:
    return bootstrap.resample(cells, reps, rng)


def per_cell_binomials(cells: np.ndarray, reps: int, rng: np.random.Generator) -> np.ndarray:
    flat = cells.ravel().astype(np.int64)
    nonzero = np.flatnonzero(flat)
    nonzero = nonzero[np.argsort(-flat[nonzero], kind="stable")]
    rest = np.cumsum(flat[nonzero][::-1])[::-1]
    out = np.zeros((reps, flat.size), dtype=np.int64)
    remaining = np.full(reps, rest[0], dtype=np.int64)
    for k in range(len(nonzero) - 1):
        x = rng.binomial(remaining, flat[nonzero[k]] / rest[k])
        out[:, nonzero[k]] = x
        remaining -= x
    out[:, nonzero[-1]] = remaining
    return out.reshape(reps, *cells.shape)


def poisson(cells: np.ndarray, reps: int, rng: np.random.Generator) -> np.ndarray:
    return rng.poisson(cells, size=(reps, *cells.shape)).astype(np.float64)


def resample_table(cells: np.ndarray, reps: int, rng: np.random.Generator) -> np.ndarray:
    return FAST(cells, reps, rng)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    twogroup._THREADS = 1
    women, men = two_group_tables(args.tables, 420, seed=11)
    tables = [np.stack([women[i], men[i]]) for i in range(args.tables)]
    seeds = [[batch.SEED, i] for i in range(args.tables)]
    schemes = [numpy_multinomial, per_cell_binomials, poisson, resample_table]
    draws: dict[str, list[float]] = {f.__name__: [] for f in schemes}
    whole: dict[str, list[float]] = {f.__name__: [] for f in (poisson, resample_table)}
    for _ in range(args.rounds):
        for scheme in schemes:
            start = time.process_time()
            for cells, seed in zip(tables, seeds, strict=True):
                scheme(cells, REPS, np.random.default_rng(seed))
            draws[scheme.__name__].append((time.process_time() - start) / args.tables * 1e3)
        for scheme in (poisson, resample_table):
            bootstrap.resample_table = scheme  # what batch._chunk_uncertainty calls
            start = time.process_time()
            for first in range(0, args.tables, 64):
                part = slice(first, first + 64)
                batch._chunk_uncertainty(np.stack(tables[part]), seeds[part], REPS)
            whole[scheme.__name__].append((time.process_time() - start) / args.tables * 1e3)
            bootstrap.resample_table = FAST
    persons = np.median([t.sum() for t in tables])
    cells = np.median([np.count_nonzero(t) for t in tables])
    print("## Bootstrap draws of segregation_indices (bench_bootstrap_draws.py)\n")
    print(
        f"SYNTHETIC: {args.tables} tables of 420 units × 2 sexes (median {persons:,.0f} persons, "
        f"{cells:.0f} non-empty cells), {REPS} replicates each; CPU ms per table, median (range) "
        f"of {args.rounds} interleaved rounds; load average {os.getloadavg()[0]:.1f}.\n"
    )
    print("| scheme | draws only | whole table (draws, indices, percentiles, expected) |")
    print("|---|---:|---:|")
    for name, values in draws.items():
        total = whole.get(name)
        cell = f"{np.median(total):.1f} ({min(total):.1f}–{max(total):.1f})" if total else ""
        print(
            f"| {name} | {np.median(values):.1f} ({min(values):.1f}–{max(values):.1f}) | {cell} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

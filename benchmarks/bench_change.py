"""``segregation_change`` alone on the SYNTHETIC national table of bench_scale.py.

Run:  .venv/bin/python benchmarks/bench_change.py [--regions 309] [--repeat 3]

Builds the SYNTHETIC counts (regions × 420 units × 2 sexes × 25 years) and their ``unit_shares``
once, then times ``segregation_change`` (every table's consecutive year pairs split by IPF);
prints the pairs, the best and all wall times, and a digest of the result to compare versions.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_scale import synthetic_counts  # noqa: E402

from assets.contracts import COUNTS, conform  # noqa: E402
from assets.indices.change import segregation_change  # noqa: E402
from assets.shares.compute import unit_shares  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=309)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    shares = unit_shares(conform(synthetic_counts(args.regions, 420, 25), COUNTS))
    walls = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        changes = segregation_change(shares)
        walls.append(time.perf_counter() - start)
    # Rounded to 10 decimals: two correct IPF solutions may differ in the last bits.
    digest = hashlib.sha256(changes.round(10).to_csv(index=False).encode()).hexdigest()[:16]
    print(
        f"SYNTHETIC {args.regions} regions: {len(changes):,} year pairs; best {min(walls):.2f} s "
        f"({', '.join(f'{w:.2f}' for w in walls)}); {changes['method_note'].ne('').sum()} "
        f"unsplit; digest {digest}"
    )


if __name__ == "__main__":
    main()

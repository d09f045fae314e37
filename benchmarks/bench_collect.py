"""Speed of the collect stage on a full 115s-sized query, on SYNTHETIC responses (never published).

Run:  .venv/bin/python benchmarks/bench_collect.py
Prints a Markdown section for benchmarks/RESULTS.md.

The in-memory PxWeb service of the tests (tests/collect/pxweb_mock.py) answers through
httpx.MockTransport, so the numbers measure our client, parser and harmonisation — not the
network or Statistics Finland's servers. The table has the shape of the real ``tyokay/115s``:
184 units (levels 1–3) × 20 regions × 3 sexes × 14 years = 154 560 cells, fetched in two
requests under the 120 000-cell limit. The call limit is real but on a fake clock (no sleeping).
"""

from __future__ import annotations

import os
import platform
import time

from assets.collect.collect import collect_statfin, record, replay
from assets.collect.statfin import StatFinClient
from assets.collect.tables import load_statfin_tables
from tests.collect.pxweb_mock import ROOT, PxWebMock, table_115s


def _best(fn, repeat: int = 3) -> tuple[float, float, object]:
    best_wall, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, out


def main() -> None:
    import tempfile
    from pathlib import Path

    spec = next(t for t in load_statfin_tables() if t.id == "tyokay/115s")
    service = PxWebMock()
    service.add(table_115s())

    def live():
        client = StatFinClient(
            ROOT, http=service.client(), clock=service.clock, sleep=service.clock.sleep
        )
        return collect_statfin(client, spec)

    wall_live, cpu_live, collected = _best(live)
    tmp = Path(tempfile.mkdtemp())
    record(tmp, [collected])
    wall_replay, cpu_replay, _ = _best(lambda: replay(tmp, [spec], []))
    raw = sum(p.stat().st_size for p in tmp.rglob("*-data.json"))
    print("## Collect: a full 115s-sized query (bench_collect.py)\n")
    print(
        f"SYNTHETIC 154 560-cell table, 2 data requests, {raw / 1e6:.1f} MB of json-stat2; "
        f"best of 3; load average {os.getloadavg()[0]:.1f}; Python {platform.python_version()}.\n"
    )
    print("| step | wall s | CPU s | rows |")
    print("|---|---:|---:|---:|")
    print(
        f"| live (mock transport): config, listing, metadata ×3, 2 POSTs, parse, harmonise "
        f"| {wall_live:.2f} | {cpu_live:.2f} | {len(collected.counts)} |"
    )
    print(
        f"| replay the recorded responses | {wall_replay:.2f} | {cpu_replay:.2f} | "
        f"{len(collected.counts)} |"
    )
    print(f"\nMeasured {time.strftime('%Y-%m-%d')}.")


if __name__ == "__main__":
    main()

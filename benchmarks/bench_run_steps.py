"""Step times of whole ``tasapaino run``s on the bundled snapshot (articles, release, …).

Run:  .venv/bin/python benchmarks/bench_run_steps.py [--repeat 3] [--steps articles,release]
Each repeat is a fresh process with a fresh instance (local profile, a temporary DAGSTER_HOME)
writing to a temporary folder; the step durations are read from the run's own step statistics.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _step_times(home: Path) -> dict[str, float]:
    from dagster import DagsterInstance

    os.environ["DAGSTER_HOME"] = str(home)  # the local profile names its folder through it
    with DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_runs(limit=1)[0]
        return {
            s.step_key: s.end_time - s.start_time
            for s in instance.get_run_step_stats(run.run_id)
            if s.start_time and s.end_time
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--steps", default="articles,release")
    args = parser.parse_args()
    steps = args.steps.split(",")
    print(f"| repeat | whole run s | {' | '.join(f'{s} s' for s in steps)} | load |")
    print(f"|---:|---:|{'---:|' * len(steps)}---:|")
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="tasapaino-bench-") as folder:
            home = Path(folder) / "home"
            home.mkdir()
            shutil.copy(ROOT / "deploy" / "dagster.local.yaml", home / "dagster.yaml")
            env = {**os.environ, "DAGSTER_HOME": str(home)}
            load = os.getloadavg()[0]
            wall = time.perf_counter()
            subprocess.run(
                [str(Path(sys.executable).parent / "tasapaino"), "run", "--out", f"{folder}/out"],
                check=True,
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
            )
            wall = time.perf_counter() - wall
            times = _step_times(home)
        cells = " | ".join(f"{times.get(s, float('nan')):.2f}" for s in steps)
        print(f"| {i + 1} | {wall:.1f} | {cells} | {load:.1f} |")


if __name__ == "__main__":
    main()

"""Chart drawing speed: every chart of the articles written from the bundled (real) data.

Run:  .venv/bin/python benchmarks/bench_charts.py [--repeat 5]
Prints a Markdown section for benchmarks/RESULTS.md. Target: at most 0.1 s per chart after
warm-up. The charts are those of all article types in fi, sv and en for MK17 (the pipeline's
default output). Three measurements, each repeated (medians reported), all after warm-up:

1. one chart at a time, as a drawing process draws it (``publish.chart_worker.draw``, here in
   this process with the system's fonts hidden exactly as the worker hides them): wall and CPU
   time of the SVG, of the PNG (2×) and of both, per chart;
2. the same through one drawing process (``ChartDrawer(1)``): per chart, the wall time a caller
   waits, pipes included;
3. the whole set through the pipeline's pool (``ChartDrawer(2)``): wall time of the set divided by
   the number of charts (throughput); plus a cold ``draw_all`` with the processes' start-up
   included, with the CPU time of the parent and both workers.

CPU time is printed beside wall time because the machine is shared with other work.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Only what a drawing process needs at module level: the workers are spawned and import this
# script as their main module, so the pipeline's imports are inside ``_jobs``.
from publish.chart_drawing import ChartDrawer, Job, draw_all  # noqa: E402
from publish.chart_worker import hide_system_fonts  # noqa: E402


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _jobs() -> tuple[list[Job], int, float, float]:
    import pandas as pd

    from assets.collect.transcribed import provenance, read_tables, to_counts
    from assets.criteria.catalogue import load_catalogue
    from assets.criteria.engine import apply_catalogue
    from assets.criteria.inputs import Inputs
    from assets.criteria.self_assessment import summarise
    from assets.indices.batch import segregation_indices
    from assets.indices.change import segregation_change
    from assets.reference.classifications import load_regions
    from assets.reference.paths import snapshot_dir
    from assets.shares.compute import unit_shares
    from publish.articles import PublishedData, build_articles
    from publish.charts import LOCALES

    tables = read_tables(snapshot_dir() / "transcribed")
    counts = to_counts(tables)
    shares = unit_shares(counts)
    indices = segregation_indices(shares)
    criteria = apply_catalogue(
        load_catalogue(), Inputs(shares, indices, summarise(pd.DataFrame(), load_regions()))
    )
    changes = segregation_change(shares)
    published = PublishedData(shares, indices, criteria, provenance(tables), counts, changes)
    wall, cpu = time.perf_counter(), _cpu()
    articles = build_articles(published, region="MK17", date="2026-11-28")
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    jobs = [
        Job(spec=c.spec, locale=LOCALES[c.lang], name=c.title)
        for a in articles
        for c in a.charts.values()
    ]
    return jobs, len(articles), wall, cpu


def one_at_a_time(jobs: list[Job], repeat: int) -> dict[str, list[float]]:
    """Median over the repeats of each chart's SVG / PNG / both time, wall and CPU.

    The two vl-convert calls of ``publish.chart_worker.draw``, timed apart.
    """
    import vl_convert as vlc

    from publish.chart_worker import draw

    per: dict[str, list[list[float]]] = {
        k: [[] for _ in jobs] for k in ("svg", "png", "svg_c", "png_c")
    }
    draw(jobs[0].spec, jobs[0].locale, jobs[0].scale)  # warm-up: engine and fonts load
    for _ in range(repeat):
        for i, job in enumerate(jobs):
            w, c = time.perf_counter(), _cpu()
            svg = vlc.vegalite_to_svg(job.spec, format_locale=job.locale)
            w2, c2 = time.perf_counter(), _cpu()
            vlc.svg_to_png(svg, scale=job.scale)
            w3, c3 = time.perf_counter(), _cpu()
            per["svg"][i].append(w2 - w)
            per["png"][i].append(w3 - w2)
            per["svg_c"][i].append(c2 - c)
            per["png_c"][i].append(c3 - c2)
    med = {k: [statistics.median(v) for v in lists] for k, lists in per.items()}
    med["both"] = [s + p for s, p in zip(med["svg"], med["png"], strict=True)]
    med["both_c"] = [s + p for s, p in zip(med["svg_c"], med["png_c"], strict=True)]
    return med


def through_one_worker(jobs: list[Job], repeat: int) -> list[float]:
    """Per chart, the median wall time of a round trip through one drawing process."""
    walls: list[list[float]] = [[] for _ in jobs]
    with ChartDrawer(1) as drawer:
        drawer.draw(jobs[:1])  # warm-up
        for _ in range(repeat):
            for i, job in enumerate(jobs):
                w = time.perf_counter()
                drawer.draw([job])
                walls[i].append(time.perf_counter() - w)
    return [statistics.median(w) for w in walls]


def through_pool(jobs: list[Job], repeat: int) -> list[float]:
    """Wall time of drawing the whole set with two warm workers, per repeat."""
    walls = []
    with ChartDrawer(2) as drawer:
        drawer.draw(jobs[:2])  # warm-up: each of the two workers takes one job at once
        for _ in range(repeat):
            w = time.perf_counter()
            drawer.draw(jobs)
            walls.append(time.perf_counter() - w)
    return walls


def cold_pool(jobs: list[Job], repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU of ``draw_all`` as the pipeline calls it: processes started and stopped."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = _cpu() + _cpu(resource.RUSAGE_CHILDREN)
        w = time.perf_counter()
        draw_all(jobs)
        walls.append(time.perf_counter() - w)
        cpus.append(_cpu() + _cpu(resource.RUSAGE_CHILDREN) - before)
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    jobs, n_articles, text_wall, text_cpu = _jobs()
    n = len(jobs)
    load_start = os.getloadavg()[0]
    pool_walls = through_pool(jobs, repeat)
    cold_walls, cold_cpus = cold_pool(jobs, repeat)
    trip = through_one_worker(jobs, repeat)
    with tempfile.TemporaryDirectory() as folder:
        hide_system_fonts(Path(folder))  # from here on, this process draws as a worker does
        one = one_at_a_time(jobs, repeat)
    load_end = os.getloadavg()[0]

    print("## Chart rendering (bench_charts.py)\n")
    print(
        f"{n} charts of {n_articles} articles (MK17, fi/sv/en, bundled data); medians of "
        f"{repeat} repeats, after warm-up; load average {load_start:.1f} at the start, "
        f"{load_end:.1f} at the end.\n"
    )
    print("One chart at a time, as a drawing process draws it:\n")
    print("| per chart | median wall s | max wall s | median CPU s | max CPU s |")
    print("|---|---:|---:|---:|---:|")
    for label, key in (
        ("spec → SVG (Vega)", "svg"),
        ("SVG → PNG 2×", "png"),
        ("SVG + PNG", "both"),
    ):
        walls, cpus = one[key], one[f"{key}_c"]
        print(
            f"| {label} | {statistics.median(walls):.3f} | {max(walls):.3f} "
            f"| {statistics.median(cpus):.3f} | {max(cpus):.3f} |"
        )
    over = sum(c > 0.1 for c in one["both_c"])
    print(
        f"| SVG + PNG round trip through one drawing process (wall) "
        f"| {statistics.median(trip):.3f} | {max(trip):.3f} | | |"
    )
    print(f"\nCharts over 0.1 s of CPU for SVG + PNG: {over} of {n}.\n")
    print("The whole set through the pipeline's pool of two drawing processes:\n")
    print("| | wall s (set) | wall s per chart | CPU s (set, parent + workers) |")
    print("|---|---:|---:|---:|")
    print(
        f"| warm workers | {statistics.median(pool_walls):.2f} "
        f"| {statistics.median(pool_walls) / n:.3f} | |"
    )
    print(
        f"| `draw_all` incl. start-up of the processes | {statistics.median(cold_walls):.2f} "
        f"| {statistics.median(cold_walls) / n:.3f} | {statistics.median(cold_cpus):.2f} |"
    )
    print(
        f"\nWriting the text and chart specs of all {n_articles} articles: "
        f"{text_wall:.2f} s wall, {text_cpu:.2f} s CPU."
    )


if __name__ == "__main__":
    main()

"""Chart rendering speed: every chart of the articles written from the bundled (real) data.

Run:  .venv/bin/python benchmarks/bench_charts.py
Prints a Markdown section for benchmarks/RESULTS.md. Target: at most 0.1 s per chart after
warm-up. The charts are those of all article types in fi, sv and en for MK17 (the pipeline's
default output). Each chart is drawn from its spec to SVG (Vega in vl-convert's embedded
JavaScript engine) and the SVG rasterised to PNG at 2×, as ``publish.charts.RenderedChart`` does;
the first chart is drawn once before timing (warm-up: the engine and fonts load). CPU time is
printed beside wall time because the machine is shared with other work.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from assets.collect.classifications import load_regions  # noqa: E402
from assets.collect.transcribed import provenance, read_tables, to_counts  # noqa: E402
from assets.criteria.catalogue import load_catalogue  # noqa: E402
from assets.criteria.engine import apply_catalogue  # noqa: E402
from assets.criteria.inputs import Inputs  # noqa: E402
from assets.criteria.self_assessment import summarise  # noqa: E402
from assets.indices.batch import segregation_indices  # noqa: E402
from assets.paths import snapshot_dir  # noqa: E402
from assets.shares.compute import unit_shares  # noqa: E402
from publish.articles import PublishedData, build_articles  # noqa: E402
from publish.charts import render_svg, svg_to_png  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(fn, *args):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), _cpu()
    out = fn(*args)
    return out, time.perf_counter() - wall, _cpu() - cpu


def main() -> None:
    tables = read_tables(snapshot_dir() / "transcribed")
    counts = to_counts(tables)
    shares = unit_shares(counts)
    indices = segregation_indices(shares)
    criteria = apply_catalogue(
        load_catalogue(), Inputs(shares, indices, summarise(pd.DataFrame(), load_regions()))
    )
    published = PublishedData(shares, indices, criteria, provenance(tables), counts)
    articles, text_wall, text_cpu = _timed(
        lambda: build_articles(published, region="MK17", date="2026-11-28")
    )
    charts = [(a.lang, c.spec) for a in articles for c in a.charts.values()]
    render_svg(charts[0][1], charts[0][0])  # warm-up
    svg_t, png_t, svg_c, png_c = [], [], [], []
    for lang, spec in charts:
        svg, wall, cpu = _timed(render_svg, spec, lang)
        svg_t.append(wall)
        svg_c.append(cpu)
        _, wall, cpu = _timed(svg_to_png, svg)
        png_t.append(wall)
        png_c.append(cpu)
    total = [s + p for s, p in zip(svg_t, png_t, strict=True)]
    total_c = [s + p for s, p in zip(svg_c, png_c, strict=True)]
    load = os.getloadavg()[0]
    print("## Chart rendering (bench_charts.py)\n")
    print(
        f"{len(charts)} charts of {len(articles)} articles (MK17, fi/sv/en, bundled data); "
        f"after one warm-up chart; load average {load:.1f}.\n"
    )
    print("| per chart | median wall s | max wall s | median CPU s |")
    print("|---|---:|---:|---:|")
    for label, walls, cpus in (
        ("spec → SVG (Vega)", svg_t, svg_c),
        ("SVG → PNG 2×", png_t, png_c),
        ("SVG + PNG", total, total_c),
    ):
        print(
            f"| {label} | {statistics.median(walls):.3f} | {max(walls):.3f} "
            f"| {statistics.median(cpus):.3f} |"
        )
    print(
        f"\nWriting the text and chart specs of all {len(articles)} articles: "
        f"{text_wall:.2f} s wall, {text_cpu:.2f} s CPU."
    )


if __name__ == "__main__":
    main()

"""Article type 1, the segregation overview: D, IP and the balanced share, trend, largest units."""

from __future__ import annotations

from typing import Any

import pandas as pd

from publish.articles import data as d
from publish.articles.common import (
    assemble,
    base_context,
    chart_texts,
    sources_for,
    table_section,
    tables_used,
)
from publish.articles.render import Article, lower_first, vocabulary
from publish.charts import trend_lines, women_men_bars

KIND = "overview"
SLUG = {"fi": "eriytyminen", "sv": "segregation", "en": "segregation"}
FIELD_PREFERENCE = (
    *d.FIELD_MEASURES["degrees"],
    *d.FIELD_MEASURES["new_students"],
    *d.FIELD_MEASURES["qualified"],
)
MAX_BARS = 12


def bar_frame(block: dict[str, Any]) -> pd.DataFrame:
    """The largest units of a block (at most MAX_BARS), most female-dominated first."""
    biggest = d.largest(block["units"], "total", MAX_BARS)
    rows = sorted(biggest, key=lambda r: (-r["share"], r["name"]))
    return pd.DataFrame([{"unit": r["name"], "women_share": r["share"]} for r in rows])


def trend_frame(sections: list[tuple[str, dict | None]], names: dict[str, str]) -> pd.DataFrame:
    """D over the years for each (label, section) and area, one series per area and table."""
    rows = []
    for label, section in sections:
        if section is None:
            continue
        for area in ("region", "country"):
            block = section[area]
            if block is None:
                continue
            series = f"{label}, {names[area]}"
            rows += [{"year": y, "series": series, "value": v} for y, v in block["d_series"]]
    return pd.DataFrame(rows, columns=["year", "series", "value"])


def build(published: d.PublishedData, region: str, lang: str, date: str) -> Article:
    ctx = base_context(published, region, lang)
    occ = table_section(published, d.OCCUPATION_MEASURES, region, lang)
    fld = table_section(published, FIELD_PREFERENCE, region, lang)
    sources = sources_for(published, tables_used(occ, fld, ctx["regional"]))
    ctx.update(occ=occ, fld=fld, sources=sources)
    labels = {
        "fi": ("Ammatit", "Koulutusalat"),
        "sv": ("Yrken", "Utbildning"),
        "en": ("Occupations", "Fields"),
    }[lang]
    names = {"region": ctx["region"].name, "country": lower_first(ctx["country"].name)}
    trend = trend_frame([(labels[0], occ), (labels[1], fld)], names)
    ctx["has_trend_chart"] = not trend.empty

    def charts(module: Any) -> dict:
        out = {}
        if occ is not None:
            focus = occ["focus"]
            srcs = sources_for(published, set(focus["tables"]))
            sexes = vocabulary()["sexes"][lang]
            out["occupations"] = women_men_bars(
                bar_frame(focus),
                labels=(sexes["women"], sexes["men"]),
                texts=chart_texts(module, "occupations", srcs, lang),
                lang=lang,
            )
        if not trend.empty:
            srcs = sources_for(published, tables_used(occ, fld))
            out["trend"] = trend_lines(
                trend,
                focus=tuple(s for s in trend["series"].unique() if s.endswith(names["region"])),
                kind="index",
                texts=chart_texts(module, "trend", srcs, lang),
                lang=lang,
            )
        return out

    return assemble(
        template=KIND,
        kind=KIND,
        slug_stem=SLUG[lang],
        region=region,
        lang=lang,
        date=date,
        context=ctx,
        make_charts=charts,
    )

"""Article type 1, the segregation overview: D, IP and the balanced share, trend, the most
female- and male-dominated units, the region against the whole country."""

from __future__ import annotations

from typing import Any

import pandas as pd

from publish.articles import data as d
from publish.articles import framing
from publish.articles.common import (
    OVERVIEW_SLUG,
    assemble,
    base_context,
    chart_texts,
    drawn_sources,
    findings,
    live_notes,
    regional_criteria,
    table_section,
    with_first_year,
)
from publish.articles.render import Article, vocabulary
from publish.charts import trend_lines, women_men_bars

KIND = "overview"
SLUG = OVERVIEW_SLUG
FIELD_PREFERENCE = (
    *d.FIELD_MEASURES["degrees"],
    *d.FIELD_MEASURES["new_students"],
    *d.FIELD_MEASURES["qualified"],
)
MAX_BARS = 12


def bar_rows(block: dict[str, Any]) -> list[Any]:
    """The largest classifiable units of a block (at most MAX_BARS), most female first."""
    biggest = framing.largest(block["units"], MAX_BARS)
    return sorted(biggest, key=lambda r: (-r["share"], r["name"]))


def build(
    published: d.PublishedData, region: str, lang: str, date: str, run_year: int | None = None
) -> Article:
    ctx = base_context(published, region, lang, run_year)
    occ = table_section(published, d.OCCUPATION_MEASURES, region, lang)
    fld = table_section(published, FIELD_PREFERENCE, region, lang)
    for s in (occ, fld):
        if s is not None:
            with_first_year(published, s, lang)
    criteria = regional_criteria(published, region, lang)
    story = framing.story_first(findings([occ, fld], criteria))
    ctx.update(occ=occ, fld=fld, story=story)
    sexes = vocabulary()["sexes"][lang]

    def charts(module: Any) -> dict:
        out = {}
        if occ is not None:
            rows = bar_rows(occ["focus"])
            out["occupations"] = women_men_bars(
                pd.DataFrame([{"unit": r["name"], "women_share": r["share"]} for r in rows]),
                labels=(sexes["women"], sexes["men"]),
                texts=chart_texts(module, "occupations", drawn_sources(published, rows), lang),
                lang=lang,
            )
        for name, section in (("occupations_trend", occ), ("fields_trend", fld)):
            if section is None or len(section["focus"]["d_series"]) < 2:
                continue
            series = section["focus"]["d_series"]
            area = ctx["region" if section["focus_is_region"] else "country"].name
            frame = pd.DataFrame(
                [{"year": p["year"], "series": area, "value": p["value"]} for p in series]
            )
            out[name] = trend_lines(
                frame,
                focus=(ctx["region"].name,) if section["focus_is_region"] else (),
                kind="index",
                texts=chart_texts(module, name, drawn_sources(published, series, "value"), lang),
                lang=lang,
            )
        return out

    return assemble(
        published=published,
        template=KIND,
        kind=KIND,
        slug_stem=SLUG[lang],
        region=region,
        lang=lang,
        date=date,
        context=ctx,
        make_charts=charts,
        notes=live_notes(published, region, [occ, fld]),
    )

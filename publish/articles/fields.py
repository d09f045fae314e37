"""Article type 2, fields of education: women's share by field for degrees, new students and the
population with a qualification, its change over time, and the region against the whole country.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from publish.articles import data as d
from publish.articles import framing
from publish.articles.common import (
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
from publish.charts import region_dots, trend_lines, women_men_bars

KIND = "fields"
SLUG = {"fi": "koulutusalat", "sv": "utbildningsomraden", "en": "fields-of-education"}
KINDS = ("degrees", "new_students", "qualified")
UPPER_SECONDARY = "general_upper_secondary_students"


def with_change(published: d.PublishedData, section: dict[str, Any], lang: str) -> dict[str, Any]:
    """Add each field's share in the first year of the series beside the newest year's."""
    with_first_year(published, section, lang)
    if section["region"] and section["country"]:
        country = {r["code"]: r for r in section["country"]["units"]}
        for r in section["region"]["by_share"]:
            r["country"] = (
                country.get(r["code"]) if section["country"]["year"] == r["year"] else None
            )
    return section


def chart_rows(section: dict[str, Any], names: dict[str, str]) -> list[tuple[str, Any]]:
    """(area name, unit row) per field for the region and the country, in the focus order."""
    order = [r["code"] for r in section["focus"]["by_share"]]
    rows = []
    for area in ("region", "country"):
        block = section[area]
        if block is None or block["year"] != section["focus"]["year"]:
            continue
        by_code = {u["code"]: u for u in block["units"]}
        rows += [(names[area], by_code[c]) for c in order if c in by_code]
    return rows


def build(
    published: d.PublishedData, region: str, lang: str, date: str, run_year: int | None = None
) -> Article:
    ctx = base_context(published, region, lang, run_year)
    sections = {}
    for kind in KINDS:
        section = table_section(published, d.FIELD_MEASURES[kind], region, lang)
        if section is not None:
            sections[kind] = with_change(published, section, lang)
    upper = next((s for s in ctx["regional"] if s["measure"] == UPPER_SECONDARY), None)
    criteria = regional_criteria(published, region, lang)
    story = framing.story_first(findings(list(sections.values()), criteria))
    ctx.update(
        sections=sections, kinds=[k for k in KINDS if k in sections], upper=upper, story=story
    )
    names = {"region": ctx["region"].name, "country": ctx["country"].name}

    def charts(module: Any) -> dict:
        out = {}
        for kind, section in sections.items():
            if section["region"] is not None:
                pairs = chart_rows(section, names)
                rows = [r for _, r in pairs]
                texts = chart_texts(module, kind, drawn_sources(published, rows), lang)
                frame = pd.DataFrame(
                    [{"unit": r["name"], "area": a, "women_share": r["share"]} for a, r in pairs]
                )
                out[kind] = region_dots(frame, focus=names["region"], texts=texts, lang=lang)
            else:
                rows = section["focus"]["by_share"]
                texts = chart_texts(module, kind, drawn_sources(published, rows), lang)
                sexes = vocabulary()["sexes"][lang]
                out[kind] = women_men_bars(
                    pd.DataFrame([{"unit": r["name"], "women_share": r["share"]} for r in rows]),
                    labels=(sexes["women"], sexes["men"]),
                    texts=texts,
                    lang=lang,
                )
        if upper is not None:
            rows = []
            for p in upper["points"]:
                rows.append({"year": p["year"], "series": names["region"], "value": p["share"]})
                if p["country_share"] is not None:
                    rows.append(
                        {"year": p["year"], "series": names["country"], "value": p["country_share"]}
                    )
            drawn = drawn_sources(published, upper["points"]) + drawn_sources(
                published,
                [p for p in upper["points"] if p["country_share"] is not None],
                "country_share",
            )
            out["upper_secondary"] = trend_lines(
                pd.DataFrame(rows),
                focus=(names["region"],),
                kind="share",
                texts=chart_texts(module, "upper_secondary", drawn, lang),
                lang=lang,
            )
        return out

    return assemble(
        published=published,
        notes=live_notes(published, region, list(sections.values())),
        template=KIND,
        kind=KIND,
        slug_stem=SLUG[lang],
        region=region,
        lang=lang,
        date=date,
        context=ctx,
        make_charts=charts,
    )

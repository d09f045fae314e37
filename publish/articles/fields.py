"""Article type 2, fields of education: women's share by field for degrees, new students and the
population with a qualification, its change over time, and the region against the whole country.
"""

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
from publish.articles.render import Article, vocabulary
from publish.charts import region_dots, share_bars, women_men_bars

KIND = "fields"
SLUG = {"fi": "koulutusalat", "sv": "utbildningsomraden", "en": "fields-of-education"}
KINDS = ("degrees", "new_students", "qualified")
UPPER_SECONDARY = "general_upper_secondary_students"


def with_change(published: d.PublishedData, section: dict[str, Any], lang: str) -> dict[str, Any]:
    """Add each field's share in the first year of the series beside the newest year's."""
    for area in ("region", "country"):
        block = section[area]
        if block is None or len(block["years"]) < 2:
            continue
        first = d.unit_records(
            d.units(published.unit_shares, section["key"], block["region_code"], block["years"][0]),
            lang,
        )
        by_code = {r["code"]: r for r in first}
        for r in block["by_share"]:
            r["first"] = by_code.get(r["code"])
    if section["region"] and section["country"]:
        country = {r["code"]: r for r in section["country"]["units"]}
        for r in section["region"]["by_share"]:
            r["country"] = (
                country.get(r["code"]) if section["country"]["year"] == r["year"] else None
            )
    return section


def chart_frame(section: dict[str, Any], names: dict[str, str]) -> pd.DataFrame:
    """Women's share per field for the region and the country, in the focus table's order."""
    order = [r["code"] for r in section["focus"]["by_share"]]
    rows = []
    for area in ("region", "country"):
        block = section[area]
        if block is None or block["year"] != section["focus"]["year"]:
            continue
        by_code = {u["code"]: u for u in block["units"]}
        rows += [
            {"unit": by_code[c]["name"], "area": names[area], "women_share": by_code[c]["share"]}
            for c in order
            if c in by_code
        ]
    return pd.DataFrame(rows)


def build(published: d.PublishedData, region: str, lang: str, date: str) -> Article:
    ctx = base_context(published, region, lang)
    sections = {}
    for kind in KINDS:
        section = table_section(published, d.FIELD_MEASURES[kind], region, lang)
        if section is not None:
            sections[kind] = with_change(published, section, lang)
    upper = next((s for s in ctx["regional"] if s["measure"] == UPPER_SECONDARY), None)
    sources = sources_for(published, tables_used(sections, ctx["regional"]))
    ctx.update(
        sections=sections, kinds=[k for k in KINDS if k in sections], upper=upper, sources=sources
    )
    names = {"region": ctx["region"].name, "country": ctx["country"].name}

    def charts(module: Any) -> dict:
        out = {}
        for kind, section in sections.items():
            srcs = sources_for(published, tables_used(section))
            texts = chart_texts(module, kind, srcs, lang)
            if section["region"] is not None:
                out[kind] = region_dots(
                    chart_frame(section, names), focus=names["region"], texts=texts, lang=lang
                )
            else:
                focus = section["focus"]["by_share"]
                sexes = vocabulary()["sexes"][lang]
                out[kind] = women_men_bars(
                    pd.DataFrame([{"unit": r["name"], "women_share": r["share"]} for r in focus]),
                    labels=(sexes["women"], sexes["men"]),
                    texts=texts,
                    lang=lang,
                )
        if upper is not None:
            rows = []
            for p in upper["points"]:
                rows.append({"year": p["year"], "area": names["region"], "share": p["share"]})
                if p["country_share"] is not None:
                    rows.append(
                        {"year": p["year"], "area": names["country"], "share": p["country_share"]}
                    )
            out["upper_secondary"] = share_bars(
                pd.DataFrame(rows),
                x="year",
                group="area",
                value="share",
                focus=names["region"],
                texts=chart_texts(
                    module, "upper_secondary", sources_for(published, tables_used(upper)), lang
                ),
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

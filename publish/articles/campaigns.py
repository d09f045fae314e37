"""Article type 3, campaign spotlights: the campaign's fields and occupations among new students,
degrees and the employed, their trend, and the region against the whole country.

The campaigns and the units they cover are data (``publish/campaigns.yaml``); one article per
campaign and language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from publish.articles import data as d
from publish.articles import framing
from publish.articles.common import (
    assemble,
    base_context,
    chart_texts,
    drawn_sources,
    live_notes,
)
from publish.articles.ledger import Row
from publish.articles.render import Article, measure_words
from publish.charts import region_dots

KIND = "campaigns"
CONFIG = Path(__file__).resolve().parent.parent / "campaigns.yaml"
GROUPS = (
    ("new_students", d.FIELD_MEASURES["new_students"]),
    ("degrees", d.FIELD_MEASURES["degrees"]),
    ("employed", d.OCCUPATION_MEASURES),
)


@cache
def campaigns() -> list[dict[str, Any]]:
    with open(CONFIG, encoding="utf-8") as fh:
        return yaml.safe_load(fh)["campaigns"]


def _campaign_rows(shares: pd.DataFrame, campaign: dict[str, Any]) -> pd.DataFrame:
    mask = pd.Series(False, index=shares.index)
    for spec in campaign["units"]:
        mask |= (
            shares["classification"].eq(spec["classification"])
            & shares["level"].eq(spec["level"])
            & shares["unit_code"].isin(spec["codes"])
        )
    return shares[mask & shares["women_share"].notna()]


def _points(rows: pd.DataFrame) -> list[Row]:
    rows = rows[rows["year"].ge(d.TREND_SINCE)].sort_values("year")
    return [
        Row(
            {
                "year": int(r["year"]),
                "women": int(r["women"]),
                "men": int(r["men"]),
                "share": float(r["women_share"]),
                "men_share": 1.0 - float(r["women_share"]),
                "source_table": r["source_table"],
            },
            source=(r["source_table"], r["measure"], int(r["year"])),
        )
        for _, r in rows.iterrows()
    ]


def group_block(
    rows: pd.DataFrame, measures: tuple[str, ...], region: str, lang: str
) -> dict[str, Any] | None:
    """The campaign's units in one measure: the region's series and the country's, per unit."""
    areas = [region, d.COUNTRY] if region != d.COUNTRY else [d.COUNTRY]
    for area in areas:
        for measure in measures:
            found = rows[rows["measure"].eq(measure) & rows["region_code"].eq(area)]
            if found.empty:
                continue
            newest = found[found["year"].eq(found["year"].max())]
            classification = newest["classification"].iloc[0]
            units = []
            for code in sorted(set(newest["unit_code"])):
                same = rows[
                    rows["measure"].eq(measure)
                    & rows["classification"].eq(classification)
                    & rows["unit_code"].eq(code)
                ]
                here = _points(same[same["region_code"].eq(region)]) if region != d.COUNTRY else []
                whole = _points(same[same["region_code"].eq(d.COUNTRY)])
                name_row = newest[newest["unit_code"].eq(code)].iloc[0]
                units.append(
                    {
                        "code": code,
                        "name": name_row[f"unit_name_{lang}"] or name_row["unit_name_fi"],
                        "region": here or None,
                        "country": whole or None,
                    }
                )
            return {
                "measure": measure,
                "focus_is_region": area == region and region != d.COUNTRY,
                "units": units,
            }
    return None


def dots_rows(
    groups: dict[str, Any], names: dict[str, str], lang: str
) -> tuple[list[tuple[str, str, Row]], str]:
    """(unit label, dot label, point) of every dot, and the dot label in focus.

    With the region's own figures: its newest share beside the country's. Without them: the
    country's first and newest year, so that the change the text reports is what is drawn.
    """
    regional = any(u["region"] for g in groups.values() for u in g["units"])
    rows: list[tuple[str, str, Row]] = []
    for g in groups.values():
        label = measure_words(g["measure"], lang)["label"].lower()
        for u in g["units"]:
            unit = f"{u['name']} ({label})"
            if regional:
                rows += [(unit, names[a], u[a][-1]) for a in ("region", "country") if u[a]]
            elif u["country"]:
                points = [u["country"][0], u["country"][-1]] if len(u["country"]) > 1 else []
                rows += [(unit, str(p["year"]), p) for p in points or u["country"][-1:]]
    if regional:
        return rows, names["region"]
    newest = max((p["year"] for _, _, p in rows), default=0)
    return rows, str(newest)


def campaign_story(groups: dict[str, Any]) -> framing.Finding | None:
    """The largest change in women's share among the campaign's units (region first)."""
    out = []
    for g in groups.values():
        for u in g["units"]:
            series = u["region"] if g["focus_is_region"] else u["country"]
            if series and len(series) > 1:
                change = 100 * (series[-1]["share"] - series[0]["share"])
                out.append(
                    framing.Finding(
                        "change",
                        change,
                        {"unit": u, "group": g, "old": series[0], "new": series[-1]},
                    )
                )
    return framing.story_first(out)


def build_one(
    published: d.PublishedData,
    campaign: dict[str, Any],
    region: str,
    lang: str,
    date: str,
    run_year: int | None = None,
) -> Article:
    rows = _campaign_rows(published.unit_shares, campaign)
    groups = {}
    for group, measures in GROUPS:
        block = group_block(rows, measures, region, lang)
        if block is not None:
            groups[group] = block
    ctx = base_context(published, region, lang, run_year)
    names = {"region": ctx["region"].name, "country": ctx["country"].name}
    dots, focus = dots_rows(groups, names, lang) if groups else ([], "")
    ctx.update(
        campaign=campaign,
        groups=groups,
        has_chart=bool(groups),
        minority=campaign["minority"],
        story=campaign_story(groups),
        dot_areas=list(dict.fromkeys(a for _, a, _ in dots)),
    )

    def charts(module: Any) -> dict:
        if not groups:
            return {}
        frame = pd.DataFrame(
            [{"unit": u, "area": a, "women_share": p["share"]} for u, a, p in dots]
        )
        return {
            "campaign": region_dots(
                frame,
                focus=focus,
                texts=chart_texts(
                    module, "campaign", drawn_sources(published, [p for _, _, p in dots]), lang
                ),
                lang=lang,
            )
        }

    return assemble(
        published=published,
        group=campaign["id"],
        notes=live_notes(published, region, list(groups.values())),
        template=KIND,
        kind=KIND,
        slug_stem=campaign["slug"][lang],
        region=region,
        lang=lang,
        date=date,
        context=ctx,
        make_charts=charts,
    )


def build(
    published: d.PublishedData, region: str, lang: str, date: str, run_year: int | None = None
) -> list[Article]:
    """One spotlight article per campaign in ``publish/campaigns.yaml``."""
    return [build_one(published, c, region, lang, date, run_year) for c in campaigns()]

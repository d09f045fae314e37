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
from publish.articles.common import assemble, base_context, chart_texts, sources_for, tables_used
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


def _points(rows: pd.DataFrame) -> list[dict[str, Any]]:
    rows = rows[rows["year"].ge(d.TREND_SINCE)].sort_values("year")
    return [
        {
            "year": int(r["year"]),
            "women": int(r["women"]),
            "men": int(r["men"]),
            "share": float(r["women_share"]),
            "source_table": r["source_table"],
        }
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


def dots_frame(groups: dict[str, Any], names: dict[str, str], lang: str) -> pd.DataFrame:
    """The newest share of every unit and measure, for the region (if any) and the country."""
    rows = []
    for g in groups.values():
        label = measure_words(g["measure"], lang)["label"].lower()
        for u in g["units"]:
            for area in ("region", "country"):
                if u[area]:
                    rows.append(
                        {
                            "unit": f"{u['name']} ({label})",
                            "area": names[area],
                            "women_share": u[area][-1]["share"],
                        }
                    )
    return pd.DataFrame(rows)


def build_one(
    published: d.PublishedData, campaign: dict[str, Any], region: str, lang: str, date: str
) -> Article:
    rows = _campaign_rows(published.unit_shares, campaign)
    groups = {}
    for group, measures in GROUPS:
        block = group_block(rows, measures, region, lang)
        if block is not None:
            groups[group] = block
    ctx = base_context(published, region, lang)
    sources = sources_for(published, tables_used(groups))
    ctx.update(
        campaign=campaign,
        groups=groups,
        sources=sources,
        has_chart=bool(groups),
        minority=campaign["minority"],
    )
    names = {"region": ctx["region"].name, "country": ctx["country"].name}

    def charts(module: Any) -> dict:
        if not groups:
            return {}
        focus = names["region"] if region != d.COUNTRY else names["country"]
        return {
            "campaign": region_dots(
                dots_frame(groups, names, lang),
                focus=focus,
                texts=chart_texts(module, "campaign", sources, lang),
                lang=lang,
            )
        }

    return assemble(
        template=KIND,
        kind=KIND,
        slug_stem=campaign["slug"][lang],
        region=region,
        lang=lang,
        date=date,
        context=ctx,
        make_charts=charts,
    )


def build(published: d.PublishedData, region: str, lang: str, date: str) -> list[Article]:
    """One spotlight article per campaign in ``publish/campaigns.yaml``."""
    return [build_one(published, c, region, lang, date) for c in campaigns()]

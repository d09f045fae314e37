"""Article type 5, the equality criteria scorecard: which occupations and fields meet which
criteria, naming each criteria set and its version.

Results come from the published ``criteria_results``; the criteria's words from the catalogue
(``assets.criteria.catalogue.criterion_texts``), so a changed catalogue changes the article with
no code change. A criterion text still to be filled in is never shown as the source's wording.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from assets.criteria.catalogue import criterion_texts
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
from publish.charts import women_men_bars

KIND = "scorecard"
SLUG = {"fi": "tasa-arvokriteerit", "sv": "jamstalldhetskriterier", "en": "equality-criteria"}
SECTIONS = (
    d.OCCUPATION_MEASURES,
    d.FIELD_MEASURES["degrees"],
    d.FIELD_MEASURES["new_students"],
    d.FIELD_MEASURES["qualified"],
)
TABLE_KEY = ["measure", "classification", "level", "region_code", "year"]
STATUS_ORDER = ("met", "not_met", "insufficient_data")


def judged_tables(published: d.PublishedData, region: str, lang: str) -> list[dict[str, Any]]:
    """The tables the article judges: each section's focus table and the region's own series."""
    tables = []
    for measures in SECTIONS:
        section = table_section(published, measures, region, lang)
        if section is None:
            continue
        f = section["focus"]
        key = section["key"]
        tables.append(
            {
                "measure": key.measure,
                "classification": key.classification,
                "level": key.level,
                "region_code": f["region_code"],
                "year": f["year"],
                "units": f["units"],
                "dimension_is_occupation": section["dimension_is_occupation"],
                "focus_is_region": section["focus_is_region"],
            }
        )
    shares = published.unit_shares
    for series in d.single_unit_series(shares, region) if region != d.COUNTRY else []:
        p = series["points"][-1]
        rows = shares[
            shares["measure"].eq(series["measure"])
            & shares["region_code"].eq(region)
            & shares["year"].eq(p["year"])
        ]
        first = rows.iloc[0]
        tables.append(
            {
                "measure": series["measure"],
                "classification": first["classification"],
                "level": int(first["level"]),
                "region_code": region,
                "year": p["year"],
                "units": d.unit_records(rows, lang),
                "dimension_is_occupation": False,
                "focus_is_region": True,
            }
        )
    return tables


def scorecard(
    criteria: pd.DataFrame, tables: list[dict[str, Any]], region: str, lang: str
) -> list[dict[str, Any]]:
    """Per criteria set (title, version): for each judged table, the units that meet each
    criterion about units; and for criteria about regions or organisations, their status in the
    region (``met`` before ``not_met`` before ``insufficient_data``)."""
    texts = criterion_texts(lang)
    units = criteria[criteria["subject_type"].eq("unit")]
    wanted = {tuple(t[k] for k in TABLE_KEY) for t in tables}
    units = units[
        pd.Series(
            [tuple(r) in wanted for r in units[TABLE_KEY].itertuples(index=False)],
            index=units.index,
            dtype=bool,
        )
    ]
    statuses: dict[tuple, pd.DataFrame] = {
        key: part[["unit_code", "status"]]
        for key, part in units.groupby(["criteria_set", "criterion_id", *TABLE_KEY], sort=False)
    }
    has_unit_rows = set(
        zip(
            criteria.loc[criteria["subject_type"].eq("unit"), "criteria_set"],
            criteria.loc[criteria["subject_type"].eq("unit"), "criterion_id"],
            strict=True,
        )
    )
    sets = []
    for set_id, set_texts in texts.groupby("criteria_set", sort=True):
        rows = criteria[criteria["criteria_set"].eq(set_id)]
        versions = rows["criteria_version"] if len(rows) else set_texts["criteria_version"]
        by_table = []
        unjudged = False
        for table in tables:
            key = tuple(table[k] for k in TABLE_KEY)
            judged = []
            seen = False
            for _, t in set_texts.iterrows():
                match = statuses.get((set_id, t["criterion_id"], *key))
                if match is None:
                    continue
                seen = True
                if match["status"].eq("insufficient_data").all():
                    continue
                met = set(match.loc[match["status"].eq("met"), "unit_code"])
                judged.append(
                    {"title": t["title"], "met": [u for u in table["units"] if u["code"] in met]}
                )
            if judged:
                by_table.append({"table": table, "criteria": judged})
            elif seen:
                unjudged = True
        others = []
        for _, t in set_texts.iterrows():
            if (set_id, t["criterion_id"]) in has_unit_rows:
                continue
            crit_rows = rows[rows["criterion_id"].eq(t["criterion_id"])]
            here = crit_rows[crit_rows["region_code"].fillna("").isin([region, ""])]
            status = next((s for s in STATUS_ORDER if here["status"].eq(s).any()), "")
            others.append(
                {
                    "title": t["title"],
                    "to_fill_in": t["text_status"] == "to_fill_in",
                    "status": status,
                }
            )
        sets.append(
            {
                "id": set_id,
                "title": set_texts["set_title"].iloc[0],
                "version": str(versions.iloc[0]),
                "tables": by_table,
                "unjudged": unjudged,
                "others": others,
            }
        )
    return sets


def build(published: d.PublishedData, region: str, lang: str, date: str) -> Article:
    ctx = base_context(published, region, lang)
    tables = judged_tables(published, region, lang)
    sets = scorecard(published.criteria, tables, region, lang)
    chart_table = next((t for t in tables if len(t["units"]) >= 2), None)
    ctx.update(
        sets=sets,
        tables=tables,
        chart_table=chart_table,
        sources=sources_for(published, tables_used(tables)),
        any_region_table=any(t["focus_is_region"] and len(t["units"]) >= 2 for t in tables),
    )

    def charts(module: Any) -> dict:
        if chart_table is None:
            return {}
        units = sorted(chart_table["units"], key=lambda u: (-u["share"], u["name"]))
        sexes = vocabulary()["sexes"][lang]
        return {
            "scorecard": women_men_bars(
                pd.DataFrame([{"unit": u["name"], "women_share": u["share"]} for u in units]),
                labels=(sexes["women"], sexes["men"]),
                texts=chart_texts(
                    module, "scorecard", sources_for(published, tables_used(chart_table)), lang
                ),
                lang=lang,
            )
        }

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

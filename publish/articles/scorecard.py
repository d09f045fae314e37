"""Article type 5, the equality criteria scorecard: every criterion's latest judged result,
naming each criteria set and its version.

Results come from the published ``criteria_results``; the criteria's words from the catalogue
(``assets.criteria.catalogue.criterion_texts``), so a changed catalogue changes the article with
no code change. The rules a reader relies on:

- Statistics Finland's five classes are stated only for tables with two or more real units: one
  total (all general upper secondary students of a region) is not a field and is never classed.
- A change criterion shows the region's latest *judged* year (met or not met), whatever the
  newest year of the tables is, beside the whole country's; where the region cannot be judged,
  the national result stands, said as such.
- Criteria whose texts are still placeholders are not published; one line says they are pending.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from assets.criteria.catalogue import criterion_texts
from publish.articles import data as d
from publish.articles import framing
from publish.articles.common import (
    assemble,
    base_context,
    chart_texts,
    drawn_sources,
    live_notes,
    regional_criteria,
    table_section,
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


def judged_tables(published: d.PublishedData, region: str, lang: str) -> list[dict[str, Any]]:
    """The multi-unit tables the article classes: each section's focus table."""
    tables = []
    for measures in SECTIONS:
        section = table_section(published, measures, region, lang)
        if section is None or not section["focus"]["classified"]:
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
                "units": f["classified"],
                "residuals": f["residuals"],
                "dimension_is_occupation": section["dimension_is_occupation"],
                "focus_is_region": section["focus_is_region"],
            }
        )
    return tables


def class_results(criteria: pd.DataFrame, table: dict[str, Any], texts: pd.DataFrame) -> list:
    """Per class criterion, the table's units that meet it (only units that may be classed)."""
    rows = criteria[
        criteria["subject_type"].eq("unit")
        & criteria["measure"].astype(str).eq(table["measure"])
        & criteria["classification"].astype(str).eq(table["classification"])
        & pd.to_numeric(criteria["level"], errors="coerce").eq(table["level"])
        & criteria["region_code"].astype(str).eq(table["region_code"])
        & pd.to_numeric(criteria["year"], errors="coerce").eq(table["year"])
    ]
    codes = {str(u["code"]) for u in table["units"]}
    out = []
    for _, t in texts.iterrows():
        match = rows[rows["criterion_id"].eq(t["criterion_id"])]
        if match.empty or match["status"].eq("insufficient_data").all():
            continue
        met = set(match.loc[match["status"].eq("met"), "unit_code"].astype(str)) & codes
        out.append(
            {
                "id": t["criterion_id"],
                "title": t["title"],
                "met": [u for u in table["units"] if str(u["code"]) in met],
            }
        )
    return out


def balanced_results(published: d.PublishedData, region: str) -> list[dict[str, Any]]:
    """The ``balanced_share`` criterion's latest judged result per table, the region's where it
    has any, else the whole country's; the value read from the published indices."""
    crit = published.criteria
    rows = crit[crit["criterion_id"].eq("balanced_share") & crit["status"].isin(["met", "not_met"])]
    area = region if rows["region_code"].eq(region).any() else d.COUNTRY
    rows = rows[rows["region_code"].eq(area)]
    out = []
    for measure, part in rows.groupby("measure", sort=True, observed=True):
        r = part.sort_values("year").iloc[-1]
        key = d.TableKey(str(measure), str(r["classification"]), int(r["level"]))
        idx = d.index_block(published.indices, key, area, int(r["year"]))
        if idx["balanced"] is None:
            continue
        out.append(
            {"measure": str(measure), "year": int(r["year"]), "status": r["status"], "idx": idx}
        )
    return sorted(out, key=lambda x: (-x["year"], x["measure"]))


def other_status(criteria: pd.DataFrame, criterion: str, region: str) -> dict[str, Any]:
    """A region or organisation criterion: its latest judged status in the region, else in the
    whole country, else that it cannot be judged with these data."""
    rows = criteria[criteria["criterion_id"].eq(criterion)]
    for area in (region, d.COUNTRY, ""):
        here = rows[
            rows["region_code"].astype(str).replace({"nan": "", "None": "", "<NA>": ""}).eq(area)
            & rows["status"].isin(["met", "not_met"])
        ]
        if len(here):
            last = here.sort_values("year").iloc[-1]
            return {"status": last["status"], "area": area, "year": last["year"]}
    return {"status": "insufficient_data", "area": "", "year": None}


def scorecard(
    published: d.PublishedData, tables: list[dict[str, Any]], region: str, lang: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """The criteria sets to publish, and the titles of the sets left out as placeholders."""
    texts = criterion_texts(lang)
    criteria = published.criteria
    sets, pending = [], []
    for set_id, set_texts in texts.groupby("criteria_set", sort=True):
        public = set_texts[set_texts["text_status"].ne("to_fill_in")]
        if public.empty:
            pending.append(set_texts["set_title"].iloc[0])
            continue
        rows = criteria[criteria["criteria_set"].eq(set_id)]
        versions = rows["criteria_version"] if len(rows) else set_texts["criteria_version"]
        entry: dict[str, Any] = {
            "id": set_id,
            "title": set_texts["set_title"].iloc[0],
            "version": str(versions.iloc[0]),
            "tables": [],
            "others": [],
            "n_pending": int(len(set_texts) - len(public)),
        }
        class_texts = public[public["criterion_id"].isin(vocabulary()["classes"]["fi"].keys())]
        for table in tables:
            results = class_results(rows, table, class_texts)
            if results:
                entry["tables"].append({"table": table, "criteria": results})
        for _, t in public.iterrows():
            cid = t["criterion_id"]
            if cid in set(class_texts["criterion_id"]):
                continue
            if cid == "toward_balance":
                entry["others"].append(
                    {
                        "id": cid,
                        "title": t["title"],
                        "region": regional_criteria(published, region, lang),
                        "country": regional_criteria(published, region, lang, d.COUNTRY),
                    }
                )
            elif cid == "balanced_share":
                entry["others"].append(
                    {"id": cid, "title": t["title"], "results": balanced_results(published, region)}
                )
            else:
                entry["others"].append(
                    {"id": cid, "title": t["title"], **other_status(rows, cid, region)}
                )
        sets.append(entry)
    return sets, pending


def build(
    published: d.PublishedData, region: str, lang: str, date: str, run_year: int | None = None
) -> Article:
    ctx = base_context(published, region, lang, run_year)
    tables = judged_tables(published, region, lang)
    sets, pending = scorecard(published, tables, region, lang)
    chart_table = tables[0] if tables else None
    criteria = regional_criteria(published, region, lang) if region != d.COUNTRY else []
    ctx.update(
        sets=sets,
        pending=pending,
        tables=tables,
        chart_table=chart_table,
        story=framing.story_first(
            framing.Finding("criterion_not_met", c["change_pp"], c)
            for c in criteria
            if c["status"] == "not_met"
        ),
        any_region_table=any(t["focus_is_region"] for t in tables),
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
                texts=chart_texts(module, "scorecard", drawn_sources(published, units), lang),
                lang=lang,
            )
        }

    return assemble(
        published=published,
        notes=live_notes(published, region, [{"focus_is_region": ctx["any_region_table"]}]),
        template=KIND,
        kind=KIND,
        slug_stem=SLUG[lang],
        region=region,
        lang=lang,
        date=date,
        context=ctx,
        make_charts=charts,
    )

"""Article type 4, what changed since last year: the change in segregation split into its sources
(Karmel–MacLachlan: the mix of unit sizes against the sex composition of units), new extremes,
fields that moved, and figures the source revised since the previous release.

The split is read from the published ``segregation_change`` dataset (computed by
``assets.indices.change``, never here); the article states in words which part dominates and
prints none of the parts.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from assets.contracts import COUNTS
from publish.articles import data as d
from publish.articles.common import (
    assemble,
    base_context,
    chart_texts,
    drawn_sources,
    live_notes,
    table_section,
)
from publish.articles.ledger import Row
from publish.articles.render import Article
from publish.charts import region_dots
from publish.inflection import region_names
from publish.text_rules import INDEX_TOLERANCE, SHARE_TOLERANCE, direction

KIND = "changes"
SLUG = {"fi": "mita-muuttui", "sv": "vad-har-forandrats", "en": "what-changed"}
SECTIONS = (
    ("occupations", d.OCCUPATION_MEASURES),
    ("degrees", d.FIELD_MEASURES["degrees"]),
    ("new_students", d.FIELD_MEASURES["new_students"]),
    ("qualified", d.FIELD_MEASURES["qualified"]),
)
MOVERS = 3
REVISIONS = 5


def ip_split(split: Row | None) -> str:
    """Which part of the change in IP dominates: 'composition', 'mix' or 'none' (no change, or
    no published split).

    Karmel & MacLachlan (1988): the mix effect is what the change in unit sizes and in the
    sexes' totals alone would have done; the composition effect is the change in how women and
    men sort into units. ``split`` is the table's row of ``segregation_change``
    (``data.ip_change``).
    """
    if split is None or split["ip_change"] is None or abs(split["ip_change"]) <= INDEX_TOLERANCE:
        return "none"
    mix, composition = split["ip_mix_effect"], split["ip_composition_effect"]
    if mix is None or composition is None:  # published unsplit, with the reason in the dataset
        return "none"
    return "composition" if abs(composition) >= abs(mix) else "mix"


def change_block(published: d.PublishedData, section: dict[str, Any], lang: str) -> Row:
    """The newest year against the year before it in one table of one area; its numbers cite
    the index rows of both years."""
    f = section["focus"]
    out: dict[str, Any] = {
        "measure": section["measure"],
        "dimension_is_occupation": section["dimension_is_occupation"],
        "focus_is_region": section["focus_is_region"],
        "year": f["year"],
        "comparable": len(f["years"]) >= 2,
        "tables": f["tables"],
    }
    if not out["comparable"]:
        return Row(out)
    key, region = section["key"], f["region_code"]
    prev = f["years"][-2]
    before = d.unit_records(
        d.units(published.unit_shares, key, region, prev), lang, d.residuals(published)
    )
    after = [r for r in f["units"] if not r["residual"]]
    by_code = {r["code"]: r for r in before if not r["residual"]}
    pairs = [(by_code[r["code"]], r) for r in after if r["code"] in by_code]

    def pair_row(old: Row, new: Row, **extra: Any) -> Row:
        return Row(
            {"name": new["name"], "old": old["share"], "new": new["share"], **extra},
            fields={"old": old.source_of("share"), "new": new.source_of("share")},
        )

    moved = [
        pair_row(old, new, dir=dir_)
        for old, new in pairs
        if (dir_ := direction(old["share"], new["share"], SHARE_TOLERANCE)) != "same"
    ]
    moved.sort(key=lambda m: (-abs(m["new"] - m["old"]), m["name"]))
    series = f["d_series"]
    values = [v["value"] for v in series]
    extreme = ""
    if len(series) >= 3 and series[-1]["year"] == f["year"]:
        # A new high or low must clear the same tolerance as a change, so that an index that
        # "stayed the same" is never also called a record.
        if direction(max(values[:-1]), values[-1], INDEX_TOLERANCE) == "up":
            extreme = "highest"
        elif direction(min(values[:-1]), values[-1], INDEX_TOLERANCE) == "down":
            extreme = "lowest"
    first_idx = d.index_block(published.indices, key, region, prev)
    last_idx = f["idx"]
    out.update(
        prev_year=prev,
        d_prev=first_idx["d"],
        d_last=last_idx["d"],
        ip_prev=first_idx["ip"],
        ip_last=last_idx["ip"],
        bal_prev=first_idx["balanced"],
        bal_last=last_idx["balanced"],
        split=ip_split(d.ip_change(published.changes, key, region, prev, f["year"])),
        tables=sorted(set(f["tables"]) | {r["source_table"] for r in before}),
        up=[m for m in moved if m["dir"] == "up"][:MOVERS],
        down=[m for m in moved if m["dir"] == "down"][:MOVERS],
        reclassed=[
            {"name": new["name"], "old": old["klass"], "new": new["klass"]}
            for old, new in pairs
            if old["klass"] != new["klass"]
        ],
        extreme=extreme,
        series_start=series[0]["year"] if series else prev,
        pairs=[pair_row(o, n) for o, n in pairs],
        series_values=[v["value"] for v in series],
    )
    fields = {}
    for name, block in (("prev", first_idx), ("last", last_idx)):
        for short, key_ in (("d", "d"), ("ip", "ip"), ("bal", "balanced")):
            fields[f"{short}_{name}"] = block.source_of(key_)
    return Row(out, fields=fields)


def revisions(
    counts: pd.DataFrame, previous: pd.DataFrame | None, lang: str
) -> list[dict[str, Any]]:
    """Published counts that differ from the previous release's, largest revision first."""
    if previous is None or previous.empty:
        return []
    key = list(COUNTS.primary_key)
    merged = counts.merge(previous[[*key, "count"]], on=key, suffixes=("", "_prev"))
    merged = merged[merged["count"].notna() & merged["count_prev"].notna()]
    changed = merged[merged["count"].astype("int64") != merged["count_prev"].astype("int64")]
    if changed.empty:
        return []
    changed = changed.assign(
        size=(changed["count"].astype("int64") - changed["count_prev"].astype("int64")).abs()
    ).sort_values(
        ["size", "measure", "region_code", "year", "unit_code", "sex"],
        ascending=[False, True, True, True, True, True],
    )
    return [
        {
            "measure": r["measure"],
            "unit": r[f"unit_name_{lang}"] or r["unit_name_fi"],
            "region": region_names(r["region_code"], lang).name,
            "year": int(r["year"]),
            "sex": r["sex"],
            "old": int(r["count_prev"]),
            "new": int(r["count"]),
        }
        for _, r in changed.head(REVISIONS).iterrows()
    ]


def build(
    published: d.PublishedData, region: str, lang: str, date: str, run_year: int | None = None
) -> Article:
    ctx = base_context(published, region, lang, run_year)
    blocks = {}
    for name, measures in SECTIONS:
        section = table_section(published, measures, region, lang)
        if section is not None:
            blocks[name] = change_block(published, section, lang)
    revised = revisions(published.counts, published.previous_counts, lang)
    chart_block = next((b for b in blocks.values() if b["comparable"]), None)
    ctx.update(
        blocks=blocks,
        revised=revised,
        revised_more=len(revised) == REVISIONS,
        first_release=published.previous_counts is None,
        chart_block=chart_block,
    )

    def charts(module: Any) -> dict:
        if chart_block is None:
            return {}
        rows = []
        pairs = sorted(chart_block["pairs"], key=lambda p: -p["new"])
        for year, field in ((chart_block["prev_year"], "old"), (chart_block["year"], "new")):
            rows += [{"unit": p["name"], "area": str(year), "women_share": p[field]} for p in pairs]
        srcs = drawn_sources(published, pairs, "old") + drawn_sources(published, pairs, "new")
        return {
            "change": region_dots(
                pd.DataFrame(rows),
                focus=str(chart_block["year"]),
                texts=chart_texts(module, "change", srcs, lang),
                lang=lang,
            )
        }

    return assemble(
        published=published,
        notes=live_notes(published, region, list(blocks.values())),
        template=KIND,
        kind=KIND,
        slug_stem=SLUG[lang],
        region=region,
        lang=lang,
        date=date,
        context=ctx,
        make_charts=charts,
    )

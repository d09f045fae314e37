"""What every article type shares: the region's names, table sections, vintage, the finding to
lead with, sources from what was rendered, assembly."""

from __future__ import annotations

import re
from typing import Any

from publish.articles import data as d
from publish.articles import framing
from publish.articles.ledger import Ledger, Row, recording
from publish.articles.render import (
    Article,
    Verbatim,
    slugify,
    source_line,
    statistic_name,
    template_module,
    text,
    vocabulary,
)
from publish.charts import ChartTexts
from publish.inflection import region_names

STALE_AFTER_YEARS = 2
"""A "what changed" article needs a newest year at most this many years before the run."""
OLD_AFTER_YEARS = 10
"""A figure from more than this many years before the run is flagged as old."""
SOURCES_MARK = "<!-- tasapaino:sources -->"
OVERVIEW_SLUG = {"fi": "eriytyminen", "sv": "segregation", "en": "segregation"}
"""The overview article holds the method note; the others link to it."""


def area_block(published: d.PublishedData, key: d.TableKey, region: str, lang: str) -> dict | None:
    """One table for one area: its newest year's units, indices and the index trend since 2010."""
    years = d.table_years(published.unit_shares, key, region)
    if not years:
        return None
    year = years[-1]
    records = d.unit_records(
        d.units(published.unit_shares, key, region, year), lang, d.residuals(published)
    )
    return {
        "region_code": region,
        "year": year,
        "years": years,
        "units": records,
        "by_share": sorted(records, key=lambda r: (r["residual"], -r["share"], r["name"])),
        "idx": d.index_block(published.indices, key, region, year),
        "d_series": d.index_series(published.indices, key, region, "dissimilarity"),
        "ip_series": d.index_series(published.indices, key, region, "karmel_maclachlan"),
        "female": framing.most_female(records),
        "male": framing.most_male(records),
        "biggest": framing.largest(records),
        "balanced": d.balanced(records),
        "residuals": [r for r in records if r["residual"]],
        "classified": framing.classified(records),
        "tables": sorted({r["source_table"] for r in records}),
    }


def table_section(
    published: d.PublishedData, measures: tuple[str, ...], region: str, lang: str
) -> dict[str, Any] | None:
    """A table of units for the region and the same table for the whole country.

    The region's own table is used when it is published; otherwise the section holds the whole
    country only, and ``region`` is None so the text says the figures are national.
    """
    key = None
    if region != d.COUNTRY:
        key = d.multi_unit_table(published.unit_shares, measures, region)
    region_block = area_block(published, key, region, lang) if key else None
    if key is None:
        key = d.multi_unit_table(published.unit_shares, measures, d.COUNTRY)
    if key is None:
        return None
    country_block = area_block(published, key, d.COUNTRY, lang)
    focus = region_block or country_block
    if focus is None:
        return None
    section = {
        "measure": key.measure,
        "key": key,
        "classification": key.classification,
        "level": key.level,
        "dimension_is_occupation": key.measure in d.OCCUPATION_MEASURES,
        "region": region_block,
        "country": country_block,
        "focus": focus,
        "focus_is_region": region_block is not None,
    }
    section["comparison"] = comparison(region_block, country_block)
    return section


def comparison(region: dict | None, country: dict | None) -> dict[str, Any] | None:
    """The region against the whole country on the same table, level and year: D, the balanced
    share and each unit's class in both (None when either side is missing)."""
    if region is None or country is None or region["year"] != country["year"]:
        return None
    theirs = {u["code"]: u for u in country["classified"]}
    return {
        "year": region["year"],
        "region_idx": region["idx"],
        "country_idx": country["idx"],
        "units": [
            {"name": u["name"], "region": u, "country": theirs.get(u["code"])}
            for u in sorted(region["classified"], key=lambda r: (-r["share"], r["name"]))
        ],
    }


def tables_used(*parts: Any) -> set[str]:
    """Every source table named anywhere inside the given blocks, sections or series."""
    found: set[str] = set()

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            if isinstance(x.get("source_table"), str):
                found.add(x["source_table"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list | tuple):
            for v in x:
                walk(v)

    for p in parts:
        walk(p)
    return found


def vintage(published: d.PublishedData, lang: str, run_year: int | None) -> dict[str, Any]:
    """The newest statistical year per statistic (topic) in the published shares.

    ``newest`` is the newest year of all; ``topics`` lists (statistic name, newest year) newest
    first; ``stale`` says the newest year is more than STALE_AFTER_YEARS before the run.
    """
    shares = published.unit_shares
    usable = shares[shares["women_share"].notna()]
    newest: dict[str, int] = {}
    # Per source table first: a statistic's name is looked up once per table, not per row.
    per_table = usable.groupby("source_table", observed=True)["year"].max()
    for table, year in per_table.items():
        name = statistic_name(str(table), lang)
        newest[name] = max(newest.get(name, 0), int(year))
    topics = sorted(newest.items(), key=lambda t: (-t[1], t[0]))
    top = topics[0][1] if topics else None
    return {
        "newest": top,
        "topics": [{"name": n, "year": y} for n, y in topics],
        "others": [{"name": n, "year": y} for n, y in topics if y != top],
        "run_year": run_year,
        "stale": bool(top and run_year and run_year - top > STALE_AFTER_YEARS),
    }


_YEARS = re.compile(r"over_(\d+)_years")


def regional_criteria(
    published: d.PublishedData, region: str, lang: str, area: str | None = None
) -> list[dict[str, Any]]:
    """The region's judged ``toward_balance`` results, the newest judged year per measure.

    Each carries the minority sex's share in the two years the rule compares, for the region and
    the whole country, as citable rows read from ``unit_shares``.
    """
    crit = published.criteria
    rows = crit[
        crit["criterion_id"].eq("toward_balance")
        & crit["region_code"].eq(area or region)
        & crit["status"].isin(["met", "not_met"])
    ]
    if region == d.COUNTRY and area is None:
        return []
    region = area or region
    if rows.empty:
        return []
    out = []
    for measure, part in rows.groupby("measure", sort=True, observed=True):
        r = part.sort_values("year").iloc[-1]
        span = _YEARS.search(str(r["threshold"]))
        if span is None:
            continue
        new_year, old_year = int(r["year"]), int(r["year"]) - int(span.group(1))
        key = d.TableKey(str(measure), str(r["classification"]), int(r["level"]))

        def unit(
            area: str, year: int, code: str = str(r["unit_code"]), key: d.TableKey = key
        ) -> Row | None:
            table = d.units(published.unit_shares, key, area, year)
            recs = d.unit_records(table[table["unit_code"].astype(str).eq(code)], lang)
            return recs[0] if recs else None

        old, new = unit(region, old_year), unit(region, new_year)
        if old is None or new is None:
            continue
        out.append(
            {
                "measure": str(measure),
                "status": r["status"],
                "minority": "men" if old["share"] > 0.5 else "women",
                "old": old,
                "new": new,
                "country_old": unit(d.COUNTRY, old_year),
                "country_new": unit(d.COUNTRY, new_year),
                "change_pp": float(r["value"]),
            }
        )
    return out


def findings(
    sections: list[dict[str, Any] | None], criteria: list[dict[str, Any]]
) -> list[framing.Finding]:
    """Every finding an article could open with, for ``framing.story_first`` to choose from."""
    out = [
        framing.Finding("criterion_not_met", c["change_pp"], c)
        for c in criteria
        if c["status"] == "not_met"
    ]
    for s in sections:
        if s is None:
            continue
        if s["comparison"]:
            for u in s["comparison"]["units"]:
                if u["country"] is not None:
                    gap = 100 * (u["region"]["share"] - u["country"]["share"])
                    out.append(framing.Finding("region_vs_country", gap, {"section": s, **u}))
        f = s["focus"]
        if len(f["years"]) >= 2:
            first = {
                r["code"]: r
                for r in f.get("first_units") or []
                if not r["residual"] and len(f["classified"]) >= 2
            }
            for r in f["classified"]:
                if r["code"] in first:
                    change = 100 * (r["share"] - first[r["code"]]["share"])
                    out.append(
                        framing.Finding(
                            "change", change, {"section": s, "old": first[r["code"]], "new": r}
                        )
                    )
    return out


def with_first_year(published: d.PublishedData, section: dict[str, Any], lang: str) -> None:
    """Give the focus block its first year's units (``first_units``) and each unit its ``first``."""
    f = section["focus"]
    if len(f["years"]) < 2:
        return
    first = d.unit_records(
        d.units(published.unit_shares, section["key"], f["region_code"], f["years"][0]),
        lang,
        d.residuals(published),
    )
    f["first_units"] = first
    by_code = {r["code"]: r for r in first}
    for r in f["units"]:
        r["first"] = by_code.get(r["code"])


def base_context(
    published: d.PublishedData, region: str, lang: str, run_year: int | None = None
) -> dict[str, Any]:
    return {
        "lang": lang,
        "region": region_names(region, lang),
        "country": region_names(d.COUNTRY, lang),
        "regional": d.single_unit_series(published.unit_shares, region)
        if region != d.COUNTRY
        else [],
        "vintage": vintage(published, lang, run_year),
        "old_before": (run_year - OLD_AFTER_YEARS) if run_year else None,
        "sources_mark": Verbatim(SOURCES_MARK),
        "regional_groups": regional_groups(published, region),
        "method_link": f"../{OVERVIEW_SLUG[lang]}-{slugify(region_names(region, lang).name)}/"
        "index.html",
        "method_title": vocabulary()["page"][lang]["method_article"],
    }


def regional_groups(published: d.PublishedData, region: str) -> list[dict[str, Any]]:
    """The region's single-unit measures grouped by the years they cover (for one sentence)."""
    if region == d.COUNTRY:
        return []
    groups: dict[tuple[int, int], list[str]] = {}
    for s in d.single_unit_series(published.unit_shares, region):
        years = [p["year"] for p in s["points"]]
        groups.setdefault((years[0], years[-1]), []).append(s["measure"])
    return [
        {"first": a, "last": b, "measures": m}
        for (a, b), m in sorted(groups.items(), key=lambda g: (-g[0][1], g[0][0]))
    ]


def sources_for(published: d.PublishedData, tables: set[str]) -> list[dict[str, Any]]:
    return d.source_rows(published.sources, tables)


def chart_texts(module: Any, name: str, sources: list[dict[str, Any]], lang: str) -> ChartTexts:
    """A chart's words from the template (``<name>_title``, ``_subtitle``, ``_alt``, ``_axis``)."""
    return ChartTexts(
        title=text(module, f"{name}_title"),
        subtitle=text(module, f"{name}_subtitle"),
        source_line=source_line(sources, lang),
        alt_text=text(module, f"{name}_alt"),
        value_title=text(module, f"{name}_axis") if hasattr(module, f"{name}_axis") else "",
    )


def drawn_sources(
    published: d.PublishedData, rows: list[Row], key: str = "share"
) -> list[dict[str, Any]]:
    """The source rows of the numbers a chart draws, each with the statistical year drawn, for
    the chart's source line."""
    drawn = {r.source_of(key) for r in rows if r.source_of(key) is not None}
    catalogue = {s["source_table"]: s for s in sources_for(published, {t for t, _, _ in drawn})}
    return [{**catalogue[t], "year": y} for t, _, y in sorted(drawn) if t in catalogue]


def assemble(
    *,
    published: d.PublishedData,
    template: str,
    kind: str,
    slug_stem: str,
    region: str,
    lang: str,
    date: str,
    context: dict[str, Any],
    make_charts: Any,
    group: str = "",
    notes: list[str] | None = None,
) -> Article:
    """Render the template, build the charts it names, and list the sources of what both used.

    ``make_charts(module)`` returns name → RenderedChart, using the words the template set. The
    template marks where its source list goes (``sources_mark``); the list is written after the
    charts are built, from the ledger of every number the text and the charts read.
    """
    ledger = Ledger()
    with recording(ledger):
        module = template_module(template, lang, {**context, "date": date})
        charts = make_charts(module)
    listing = template_module("_sources", lang, {"sources": sources_for(published, ledger.tables)})
    body = str(module).replace(SOURCES_MARK, str(listing).strip())
    names = region_names(region, lang)
    return Article(
        lang=lang,
        slug=f"{slug_stem}-{slugify(names.name)}",
        kind=kind,
        title=text(module, "title"),
        summary=text(module, "summary"),
        date=date,
        tags=[t.strip() for t in text(module, "tags").split(",") if t.strip()],
        body=body,
        charts=charts,
        group=group or kind,
        sources=sorted(ledger.tables),
        maintainer_notes=list(notes or []),
    )


def live_notes(published: d.PublishedData, region: str, sections: list[Any]) -> list[str]:
    """Maintainer notes for the front matter (never reader text): what a live run would add."""
    if region == d.COUNTRY or any(s and s.get("focus_is_region") for s in sections):
        return []
    return [
        f"This release has no occupation or field-of-education tables by region for {region}; "
        "the figures are national. A live run (tasapaino run --source live) fetches the "
        "regional tables, and the same article then reports the region."
    ]

"""What every article type shares: the region's names, table sections, sources, assembly."""

from __future__ import annotations

from typing import Any

from publish.articles import data as d
from publish.articles.render import Article, slugify, source_line, template_module, text
from publish.charts import ChartTexts
from publish.inflection import region_names


def area_block(published: d.PublishedData, key: d.TableKey, region: str, lang: str) -> dict | None:
    """One table for one area: its newest year's units, indices and the index trend since 2010."""
    years = d.table_years(published.unit_shares, key, region)
    if not years:
        return None
    year = years[-1]
    records = d.unit_records(d.units(published.unit_shares, key, region, year), lang)
    return {
        "region_code": region,
        "year": year,
        "years": years,
        "units": records,
        "by_share": sorted(records, key=lambda r: (-r["share"], r["name"])),
        "idx": d.index_block(published.indices, key, region, year),
        "d_series": d.index_series(published.indices, key, region, "dissimilarity"),
        "ip_series": d.index_series(published.indices, key, region, "karmel_maclachlan"),
        "women_most": d.largest(records, "women"),
        "men_most": d.largest(records, "men"),
        "balanced": d.balanced(records),
        "tables": sorted({r["source_table"] for r in records}),
    }


def table_section(
    published: d.PublishedData, measures: tuple[str, ...], region: str, lang: str
) -> dict[str, Any] | None:
    """A table of units for the region and the same table for the whole country.

    The region's own table is used when it is published; otherwise the section holds the whole
    country only, and ``region`` is None so the text says what a live run adds.
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
    return {
        "measure": key.measure,
        "key": key,
        "dimension_is_occupation": key.measure in d.OCCUPATION_MEASURES,
        "region": region_block,
        "country": country_block,
        "focus": focus,
        "focus_is_region": region_block is not None,
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


def base_context(published: d.PublishedData, region: str, lang: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "region": region_names(region, lang),
        "country": region_names(d.COUNTRY, lang),
        "regional": d.single_unit_series(published.unit_shares, region)
        if region != d.COUNTRY
        else [],
    }


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


def assemble(
    *,
    template: str,
    kind: str,
    slug_stem: str,
    region: str,
    lang: str,
    date: str,
    context: dict[str, Any],
    make_charts: Any,
) -> Article:
    """Render the template, build the charts it names, and return the article.

    ``make_charts(module)`` returns name → RenderedChart, using the words the template set.
    """
    module = template_module(template, lang, {**context, "date": date})
    charts = make_charts(module)
    names = region_names(region, lang)
    return Article(
        lang=lang,
        slug=f"{slug_stem}-{slugify(names.name)}",
        kind=kind,
        title=text(module, "title"),
        summary=text(module, "summary"),
        date=date,
        tags=[t.strip() for t in text(module, "tags").split(",") if t.strip()],
        body=str(module),
        charts=charts,
    )

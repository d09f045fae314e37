"""Blog-ready articles written from the published data by explicit rules.

Every number in an article is read from a published dataset (``unit_shares`` or
``segregation_indices``) and formatted for its language; nothing is typed in by hand. Where the
data do not cover the region, the text says so instead of estimating.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from assets.collect.classifications import load_regions
from publish.charts import RenderedChart, share_bars
from publish.numbers import fmt_int, fmt_percent

TEMPLATES = Path(__file__).resolve().parent / "templates"
UPPER_SECONDARY = "general_upper_secondary_students"
COMPLETERS = "matriculation_completers"


@dataclass
class Article:
    lang: str
    slug: str
    markdown: str
    charts: dict[str, RenderedChart] = field(default_factory=dict)

    def files(self) -> dict[str, bytes]:
        """Relative path → bytes, under ``articles/<lang>/<slug>/``."""
        root = f"articles/{self.lang}/{self.slug}"
        out = {f"{root}/index.md": self.markdown.encode("utf-8")}
        for name, chart in self.charts.items():
            out[f"{root}/{name}.svg"] = chart.svg
            out[f"{root}/{name}.vl.json"] = chart.spec_bytes
        return out


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v, lang="fi": fmt_percent(v, 1, lang)
    env.filters["int"] = lambda v, lang="fi": fmt_int(v, lang)
    env.filters["fi_date"] = _fi_date
    env.filters["dec3"] = lambda v: f"{v:.3f}".replace(".", ",")
    return env


def _fi_date(iso: str) -> str:
    """2013-06-12 → 12.6.2013, the Finnish way."""
    year, month, day = (int(p) for p in str(iso)[:10].split("-"))
    return f"{day}.{month}.{year}"


def _region_shares(unit_shares: pd.DataFrame, measure: str, regions: list[str]) -> pd.DataFrame:
    rows = unit_shares[
        unit_shares["measure"].eq(measure) & unit_shares["region_code"].isin(regions)
    ]
    return rows[
        [
            "region_code",
            "region_name_fi",
            "year",
            "women",
            "men",
            "total",
            "women_share",
            "source_table",
        ]
    ].sort_values(["year", "region_code"])


def _index(indices: pd.DataFrame, measure: str, name: str) -> dict[str, Any] | None:
    rows = indices[
        indices["measure"].eq(measure)
        & indices["index"].eq(name)
        & indices["region_code"].eq("SSS")
        & indices["value"].notna()
    ].sort_values("year")
    if rows.empty:
        return None
    last = rows.iloc[-1]
    return {
        "year": int(last["year"]),
        "value": float(last["value"]),
        "n_units": int(last["n_units"]),
        "source_table": last["source_table"],
    }


def regional_overview(
    unit_shares: pd.DataFrame,
    indices: pd.DataFrame,
    sources: pd.DataFrame,
    region: str = "MK17",
    lang: str = "fi",
    release_date: str = "",
) -> Article:
    """The region against the whole country, as far as the data cover the region."""
    regions = load_regions().set_index("code")
    if region not in regions.index or regions.loc[region, "kind"] != "region":
        raise ValueError(f"unknown region code '{region}': use one of MK01…MK21")
    reg = regions.loc[region]
    shares = _region_shares(unit_shares, UPPER_SECONDARY, [region, "SSS"])
    years = sorted(set(shares.loc[shares["region_code"].eq(region), "year"]))
    paired = shares[shares["year"].isin(years)]
    rows = []
    for year in years:
        here = paired[(paired["year"] == year) & (paired["region_code"] == region)].iloc[0]
        whole = paired[(paired["year"] == year) & (paired["region_code"] == "SSS")]
        rows.append(
            {
                "year": int(year),
                "region": here,
                "country": whole.iloc[0] if not whole.empty else None,
            }
        )
    completers = _region_shares(unit_shares, COMPLETERS, [region, "SSS"])
    latest_completers = None
    if not completers.empty:
        last_year = completers.loc[completers["region_code"].eq(region), "year"].max()
        c = completers[completers["year"].eq(last_year)].set_index("region_code")
        if region in c.index and "SSS" in c.index:
            latest_completers = {
                "year": int(last_year),
                "region": c.loc[region],
                "country": c.loc["SSS"],
            }
    national = {
        "fields_d": _index(indices, "university_new_students", "dissimilarity"),
        "fields_balanced": _index(indices, "university_new_students", "balanced_share"),
        "qualified_d": _index(indices, "population_with_qualification", "dissimilarity"),
        "occupations_d": _index(indices, "wage_earners_in_families", "dissimilarity"),
        "occupations_balanced": _index(indices, "wage_earners_in_families", "balanced_share"),
    }
    used_tables = set(shares["source_table"]) | {v["source_table"] for v in national.values() if v}
    if latest_completers:
        used_tables |= {latest_completers["region"]["source_table"]}
    source_rows = sources[sources["source_table"].isin(used_tables)].drop_duplicates("source_table")
    year_span = f"{years[0]}–{years[-1]}" if years else ""
    source_line = (
        "Lähde: Tilastokeskus, Lukiokoulutus " + ", ".join(str(y) for y in years) + ". CC BY 4.0"
    )
    chart_data = pd.DataFrame(
        [
            {"year": int(r["year"]), "alue": r["region_name_fi"], "share": float(r["women_share"])}
            for _, r in paired.iterrows()
        ]
    )
    last = rows[-1] if rows else None
    alt_text = ""
    if last is not None and last["country"] is not None:
        alt_text = (
            f"Pylväskaavio naisten osuudesta lukiokoulutuksen opiskelijoista "
            f"{reg['fi_inessive']} ja koko maassa vuosina {year_span}. "
            f"Vuonna {last['year']} osuus oli {reg['fi_inessive']} "
            f"{fmt_percent(last['region']['women_share'])} ja koko maassa "
            f"{fmt_percent(last['country']['women_share'])}."
        )
    chart = share_bars(
        chart_data,
        x="year",
        group="alue",
        value="share",
        title=f"Naisten osuus lukiolaisista: {reg['name_fi']} ja koko maa",
        subtitle=f"Lukiokoulutuksen opiskelijat vuosina {year_span}, naisten osuus",
        source_line=source_line,
        focus=reg["name_fi"],
        y_title="Naisten osuus",
        lang=lang,
        alt_text=alt_text,
    )
    text = (
        _env()
        .get_template(f"regional_overview.{lang}.md.j2")
        .render(
            region=reg,
            region_code=region,
            rows=rows,
            latest_completers=latest_completers,
            national=national,
            sources=source_rows.to_dict("records"),
            chart_alt=alt_text,
            year_span=year_span,
            release_date=release_date,
            source_line=source_line,
        )
    )
    slug = f"naiset-ja-miehet-{reg['name_fi'].lower()}"
    return Article(lang=lang, slug=slug, markdown=text, charts={"lukiolaiset": chart})

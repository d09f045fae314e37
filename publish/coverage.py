"""What a release covers, for readers: per population (measure), the years and regions it has
and the stage of the statistics it comes from, and the sources' titles in the reader's language.

The data page shows these so that a reader sees at once that occupations are national and which
years are old, instead of learning it from a description that cannot know the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from publish.articles.render import measure_words, statistic_name, vocabulary

COUNTRY = "SSS"


def year_spans(years: Iterable[int]) -> str:
    """2012–2019 or 2015, 2017–2019: runs of consecutive years joined by en dashes."""
    spans: list[list[int]] = []
    for year in sorted(set(years)):
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in spans)


def coverage_rows(
    unit_shares: pd.DataFrame, lang: str, words: dict[str, str]
) -> list[dict[str, Any]]:
    """One row per dimension × measure: its label, years, regions in words and unit count.
    ``words`` holds ``coverage_country`` ("koko maa") and ``coverage_regions`` ("{n}
    maakuntaa")."""
    rows = []
    keys = ["dimension", "measure"]
    for (dimension, measure), part in unit_shares.groupby(keys, sort=True, observed=True):
        regions = sorted(set(part["region_code"].astype(str)))
        regional = [r for r in regions if r != COUNTRY]
        names = part.drop_duplicates("region_code").set_index("region_code")["region_name_fi"]
        if not regional:
            where = words["coverage_country"]
        elif len(regional) > 3:
            where = words["coverage_regions"].format(n=len(regional))
            if COUNTRY in regions:
                where = f"{words['coverage_country']}, {where}"
        else:
            listed = [words["coverage_country"]] if COUNTRY in regions else []
            where = ", ".join([*listed, *(str(names[r]) for r in regional)])
        rows.append(
            {
                "dimension": str(dimension),
                "measure": str(measure),
                "label": measure_words(str(measure), lang)["label"],
                "years": year_spans(int(y) for y in part["year"]),
                "newest": int(part["year"].max()),
                "regions": where,
                "units": int(part["unit_code"].nunique()),
                "single_unit": int(part["unit_code"].nunique()) == 1,
            }
        )
    return rows


OWN_NAMES = frozenset({"vipunen", "synthetic"})


def source_titles(catalog: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """One entry per source table: publisher, statistic and table title in ``lang``. Tables
    have Finnish and English titles; a Swedish reader gets the Finnish one, marked as such."""
    publisher = vocabulary()["source"][lang]["publisher"]
    seen: dict[str, dict[str, str]] = {}
    for row in catalog.sort_values(["source_table", "measure"]).to_dict("records"):
        table = str(row["source_table"])
        english = str(row.get("title_en") or "")
        finnish = str(row.get("title_fi") or "")
        title, title_lang = (english, "en") if lang == "en" and english else (finnish, "fi")
        if not title:
            title, title_lang = english or table, "en"
        # Statistics Finland's tables name their statistic after the publisher; a source with
        # an entry of its own (Vipunen; the SYNTHETIC rows of tests and benchmarks) is named by it.
        source = str(row["source"])
        by = (
            statistic_name(source, lang)
            if source in OWN_NAMES
            else f"{publisher}, {statistic_name(table, lang)}"
        )
        seen.setdefault(
            table,
            {
                "by": by,
                "title": title,
                "title_lang": title_lang,
                "path": str(row["url"]),
                "updated": str(row["published"])[:10] if pd.notna(row["published"]) else "",
                "status": str(row.get("status") or "current"),
            },
        )
    return list(seen.values())

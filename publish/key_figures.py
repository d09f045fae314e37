"""Key figures for people: ``avainluvut.xlsx``, ``nyckeltal.xlsx`` and ``key_figures.xlsx``.

The CSV files are for programs and the code lists for those who read codes; a journalist needs
a workbook that opens with names, numbers and words: one sheet per topic (fields of education,
occupations) with the unit, measure, year, region, women, men, the women's share in per cent
(one decimal, stored as a number with a number format) and Statistics Finland's class in words,
and a README sheet with the sources, the licence and the release id.

Written with XlsxWriter, whose files are byte-for-byte the same for the same input once the
workbook's creation time is fixed (it is the run date), so that a release stays reproducible.
Every text cell passes ``neutralise_formula``, and text is written as text (``write_string``),
never as a formula.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from publish.csv_text import neutralise_formula

VOCABULARY_FILE = Path(__file__).resolve().parent / "templates" / "vocabulary.yaml"
FILES = {"fi": "avainluvut.xlsx", "sv": "nyckeltal.xlsx", "en": "key_figures.xlsx"}
# Units deeper than this level are left to the CSV files: a workbook is for reading.
MAX_LEVEL = 2
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

TEXT: dict[str, dict[str, Any]] = {
    "fi": {
        "sheets": {"field_of_education": "Koulutusalat", "occupation": "Ammatit"},
        "unit": {"field_of_education": "Ala", "occupation": "Ammatti"},
        "columns": [
            "Mittari",
            "Vuosi",
            "Alue",
            "Naisia",
            "Miehiä",
            "Naisten osuus %",
            "Tilastokeskuksen luokka",
        ],
        "readme": "README",
        "title": "Tasapaino: naiset ja miehet ammateittain ja koulutusaloittain — avainluvut",
        "release": "Julkaisu",
        "licence": "Lisenssi",
        "licence_text": "CC BY 4.0 (Nimeä 4.0 Kansainvälinen). Lähde: Tilastokeskus.",
        "sources": "Lähteet",
        "source_columns": ["Taulukko", "Otsikko", "Verkko-osoite", "Julkaistu", "Haettu"],
        "note": "Naisten osuus on prosentteina yhden desimaalin tarkkuudella. Tarkemmat luvut ja "
        "koodit ovat CSV- ja Parquet-tiedostoissa.",
    },
    "sv": {
        "sheets": {"field_of_education": "Utbildningsområden", "occupation": "Yrken"},
        "unit": {"field_of_education": "Område", "occupation": "Yrke"},
        "columns": [
            "Mått",
            "År",
            "Region",
            "Kvinnor",
            "Män",
            "Kvinnornas andel %",
            "Statistikcentralens klass",
        ],
        "readme": "README",
        "title": "Tasapaino: kvinnor och män efter yrke och utbildningsområde — nyckeltal",
        "release": "Version",
        "licence": "Licens",
        "licence_text": "CC BY 4.0 (Erkännande 4.0 Internationell). Källa: Statistikcentralen.",
        "sources": "Källor",
        "source_columns": ["Tabell", "Rubrik", "Webbadress", "Publicerad", "Hämtad"],
        "note": "Kvinnornas andel i procent med en decimal. Regionnamnen är på finska. Exaktare "
        "siffror och koder finns i CSV- och Parquet-filerna.",
    },
    "en": {
        "sheets": {"field_of_education": "Fields of education", "occupation": "Occupations"},
        "unit": {"field_of_education": "Field of education", "occupation": "Occupation"},
        "columns": [
            "Measure",
            "Year",
            "Region",
            "Women",
            "Men",
            "Women's share %",
            "Statistics Finland class",
        ],
        "readme": "README",
        "title": "Tasapaino: women and men by occupation and field of education — key figures",
        "release": "Release",
        "licence": "Licence",
        "licence_text": "CC BY 4.0 (Attribution 4.0 International). Source: Statistics Finland.",
        "sources": "Sources",
        "source_columns": ["Table", "Title", "Web address", "Published", "Retrieved"],
        "note": "Women's share in per cent with one decimal. Region names are in Finnish. Exact "
        "figures and codes are in the CSV and Parquet files.",
    },
}


@functools.cache
def _vocabulary() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))


def rows(unit_shares: pd.DataFrame, lang: str) -> dict[str, list[list[Any]]]:
    """Per topic (dimension), the workbook rows in ``lang``: unit, measure, year, region,
    women, men, share % (one decimal) and class in words, sorted by measure, year, region and
    unit."""
    vocab = _vocabulary()
    measures = vocab["measures"]
    classes = vocab["classes"][lang]
    df = unit_shares[unit_shares["level"].fillna(1) <= MAX_LEVEL]
    df = df.sort_values(["dimension", "measure", "year", "region_code", "unit_code"])
    out: dict[str, list[list[Any]]] = {}
    names = df[f"unit_name_{lang}"].fillna(df["unit_name_fi"]).fillna(df["unit_code"])
    # A total (one unit only, e.g. all upper secondary students) has a share but no class: a
    # class says how a field compares with the others, and a total has no others.
    grouping = ["source_table", "measure", "classification", "level"]
    total = df.groupby(grouping, observed=True, dropna=False)["unit_code"].transform("nunique")
    cls_shown = df["segregation_class"].where(total.gt(1))
    for dimension, unit, measure, year, region, women, men, share, cls in zip(
        df["dimension"].astype(str),
        names.astype(str),
        df["measure"].astype(str),
        df["year"],
        df["region_name_fi"].fillna(df["region_code"]).astype(str),
        df["women"],
        df["men"],
        df["women_share"],
        cls_shown,
        strict=True,
    ):
        label = measures.get(measure, {}).get(lang, {}).get("label", measure)
        out.setdefault(dimension, []).append(
            [
                unit,
                label,
                _number(year),
                region,
                _number(women),
                _number(men),
                None if _missing(share) else round(float(share) * 100, 1),
                "" if _missing(cls) else classes.get(str(cls), str(cls)),
            ]
        )
    return out


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _number(value: Any) -> int | None:
    return None if _missing(value) else int(value)


def workbook(
    unit_shares: pd.DataFrame,
    catalog: pd.DataFrame,
    lang: str,
    *,
    release_id: str,
    created: dt.date,
) -> bytes:
    """One language's workbook as bytes; the same input gives the same bytes."""
    text = TEXT[lang]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    stamp = dt.datetime(created.year, created.month, created.day)
    book.set_properties({"title": text["title"], "author": "Tasapaino", "created": stamp})
    bold = book.add_format({"bold": True})
    share = book.add_format({"num_format": "0.0"})

    def cell(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        if value is None:
            return
        if isinstance(value, str):
            sheet.write_string(row, col, neutralise_formula(value), fmt)
        else:
            sheet.write_number(row, col, value, fmt)

    topics = rows(unit_shares, lang)
    for dimension in ("field_of_education", "occupation"):
        if dimension not in topics:
            continue
        sheet = book.add_worksheet(text["sheets"][dimension])
        header = [text["unit"][dimension], *text["columns"]]
        for col, name in enumerate(header):
            cell(sheet, 0, col, name, bold)
        for r, values in enumerate(topics[dimension], start=1):
            for col, value in enumerate(values):
                cell(sheet, r, col, value, share if col == 6 else None)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(topics[dimension]), len(header) - 1)
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 1, 30)
        sheet.set_column(2, 7, 14)
    readme = book.add_worksheet(text["readme"])
    readme.set_column(0, 0, 34)
    readme.set_column(1, 1, 70)
    lines = [
        [text["title"]],
        [],
        [text["release"], release_id],
        [text["licence"], text["licence_text"]],
        ["", LICENCE_URL],
        [text["note"]],
        [],
        [text["sources"]],
        text["source_columns"],
    ]
    title_col = "title_fi" if lang == "fi" else "title_en"
    seen = catalog.sort_values(["source_table", "measure"]).drop_duplicates("source_table")
    for row in seen.to_dict("records"):
        title = row.get(title_col) or row.get("title_fi") or ""
        lines.append(
            [
                str(row["source_table"]),
                "" if _missing(title) else str(title),
                "" if _missing(row.get("url")) else str(row["url"]),
                "" if _missing(row.get("published")) else str(row["published"])[:10],
                "" if _missing(row.get("referred")) else str(row["referred"])[:10],
            ]
        )
    for r, values in enumerate(lines):
        for col, value in enumerate(values):
            cell(readme, r, col, value, bold if r in (0, 7, 8) or (col == 0 and r < 6) else None)
    book.close()
    return buffer.getvalue()

"""The metadata layout of the real StatFin tables Tasapaino reads, for the test service.

Every variable the real table has, with its real code, its texts in Finnish, Swedish and English,
its elimination flag and value codes of the real shape; only the cell values the test service
computes from them are SYNTHETIC. Where each layout comes from (tests/fixtures/statfin/README.md):

- ``tyokay/115s`` and ``tyokay/115q``: variable codes, texts, value counts and content codes as
  observed in the live metadata on 2026-08-29 and written down in a public research note
  (``ammatti_104_20161021`` with 184 values at levels 1–3 in 115s and 1 189 at levels 1–5 in
  115q, ``alue_28_20250101`` SSS + 19 maakunnat, ``sukupuoli_9_20180101`` SSS/1/2,
  ``ammattiasema_7_20121201`` SS/1/2, ``timeperiod_y`` 2010–2023, ``contentscode`` with
  ``tyokay-tyolliset2`` and, in 115q, ``tyokay-osuus``).
- ``vkour/12br``: the dimensions the table is documented to have (field of education,
  level of education, sex, age group, area with municipalities, year); its version stamps are
  reconstructed and must be confirmed with ``tasapaino sources check`` where there is network.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

MAAKUNNAT = {
    "MK01": ("Uusimaa", "Nyland", "Uusimaa"),
    "MK02": ("Varsinais-Suomi", "Egentliga Finland", "Southwest Finland"),
    "MK04": ("Satakunta", "Satakunta", "Satakunta"),
    "MK05": ("Kanta-Häme", "Egentliga Tavastland", "Kanta-Häme"),
    "MK06": ("Pirkanmaa", "Birkaland", "Pirkanmaa"),
    "MK07": ("Päijät-Häme", "Päijänne-Tavastland", "Päijät-Häme"),
    "MK08": ("Kymenlaakso", "Kymmenedalen", "Kymenlaakso"),
    "MK09": ("Etelä-Karjala", "Södra Karelen", "South Karelia"),
    "MK10": ("Etelä-Savo", "Södra Savolax", "South Savo"),
    "MK11": ("Pohjois-Savo", "Norra Savolax", "North Savo"),
    "MK12": ("Pohjois-Karjala", "Norra Karelen", "North Karelia"),
    "MK13": ("Keski-Suomi", "Mellersta Finland", "Central Finland"),
    "MK14": ("Etelä-Pohjanmaa", "Södra Österbotten", "South Ostrobothnia"),
    "MK15": ("Pohjanmaa", "Österbotten", "Ostrobothnia"),
    "MK16": ("Keski-Pohjanmaa", "Mellersta Österbotten", "Central Ostrobothnia"),
    "MK17": ("Pohjois-Pohjanmaa", "Norra Österbotten", "North Ostrobothnia"),
    "MK18": ("Kainuu", "Kajanaland", "Kainuu"),
    "MK19": ("Lappi", "Lappland", "Lapland"),
    "MK21": ("Ahvenanmaa", "Åland", "Åland"),
}
# A few municipalities, as 12br lists them after the maakunnat (the run must leave them out).
KUNNAT = {"KU091": "Helsinki", "KU564": "Oulu", "KU139": "Ii", "KU244": "Kempele"}
LANGS = ("fi", "sv", "en")


def variable(
    code: str,
    values: list[str],
    texts: list[str] | None = None,
    *,
    text: dict[str, str] | None = None,
    value_texts: dict[str, list[str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One PxWeb v1 metadata variable; ``text``/``value_texts`` give other languages."""
    out: dict[str, Any] = {
        "code": code,
        "text": (text or {}).get("fi", code),
        "values": values,
        "valueTexts": texts or values,
        **extra,
    }
    if text:
        out["texts"] = text
    if value_texts:
        out["valueTextsByLang"] = value_texts
    return out


def _shipped(classification: str, level: int) -> list[str]:
    """The real codes of one level, from the classification the project ships."""
    path = (
        Path(__file__).resolve().parents[2] / "data" / "classifications" / f"{classification}.csv"
    )
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r["code"] for r in rows if int(r["level"]) == level and "+" not in r["code"]]


def occupation_codes_115s() -> list[str]:
    """183 codes at levels 1–3, as many as the real 115s has: the real AML 2010 major and
    sub-major groups (with X, XX), 127 minor groups under them (their codes follow the real
    pattern; the shipped classification lists levels 1–2 only) and XXX."""
    level1, level2 = _shipped("ammatti_2010", 1), _shipped("ammatti_2010", 2)
    known = [c for c in level2 if c != "XX"]
    level3 = [f"{c}{f}" for f in range(1, 5) for c in known][:127]
    return [*level1, *level2, *sorted(level3), "XXX"]


def occupation_codes_115q() -> list[str]:
    """1 089 codes at levels 1–5 in the real table's shapes (the real 115q has 1 189): the codes
    of 115s, 418 four-digit groups, 103 national five-digit groups, StatFin's dotted level-5
    placeholders (``2512.``) for the four-digit groups without five-digit ones, X…XXXXX."""
    upper = occupation_codes_115s()
    level3 = [c for c in upper if len(c) == 3 and c != "XXX"]
    level4 = [f"{c}{d}" for c in level3 for d in range(1, 5)][:418]
    with_children = set(level4[::4][:35])
    level5 = [f"{c}{d}" for c in sorted(with_children) for d in range(1, 4)][:103]
    dotted = [f"{c}." for c in level4 if c not in with_children]
    return [*upper, *level4, "XXXX", *level5, *dotted, "XXXXX"]


def _sex() -> dict[str, Any]:
    return variable(
        "sukupuoli_9_20180101",
        ["SSS", "1", "2"],
        ["Yhteensä", "Miehet", "Naiset"],
        text={"fi": "Sukupuoli", "sv": "Kön", "en": "Sex"},
        value_texts={
            "sv": ["Totalt", "Män", "Kvinnor"],
            "en": ["Total", "Males", "Females"],
        },
        elimination=True,
    )


def _years(first: int, count: int) -> dict[str, Any]:
    years = [str(first + i) for i in range(count)]
    return variable(
        "timeperiod_y", years, text={"fi": "Vuosi", "sv": "År", "en": "Year"}, time=True
    )


def _area(code: str, *, municipalities: bool = False) -> dict[str, Any]:
    values = ["SSS", *MAAKUNNAT, *(KUNNAT if municipalities else {})]
    names = {
        "fi": ["KOKO MAA", *(f"{c} {n[0]}" for c, n in MAAKUNNAT.items())],
        "sv": ["HELA LANDET", *(f"{c} {n[1]}" for c, n in MAAKUNNAT.items())],
        "en": ["WHOLE COUNTRY", *(f"{c} {n[2]}" for c, n in MAAKUNNAT.items())],
    }
    if municipalities:
        for lang in LANGS:
            names[lang] += list(KUNNAT.values())
    return variable(
        code,
        values,
        names["fi"],
        text={"fi": "Alue", "sv": "Område", "en": "Area"},
        value_texts={"sv": names["sv"], "en": names["en"]},
        elimination=True,
    )


def _occupation(codes: list[str]) -> dict[str, Any]:
    values = ["SSSSS", *codes]
    return variable(
        "ammatti_104_20161021",
        values,
        ["SSSSS Yhteensä", *(f"{c} Ammattiryhmä {c}" for c in codes)],
        text={"fi": "Ammattiryhmä", "sv": "Yrkesgrupp", "en": "Occupational group"},
        value_texts={
            "sv": ["SSSSS Totalt", *(f"{c} Yrkesgrupp {c}" for c in codes)],
            "en": ["SSSSS Total", *(f"{c} Occupational group {c}" for c in codes)],
        },
        elimination=True,
    )


def layout_115s(years: int = 14, area_code: str = "alue_28_20250101") -> dict[str, Any]:
    return {
        "folder": "tyokay",
        "table": "115s",
        "titles": {
            "fi": "Työlliset ammattiryhmän (Ammattiluokitus 2010, tasot 1-3), alueen, sukupuolen "
            "ja vuoden mukaan, 2010-2023",
            "en": "Employed persons by occupation group (Classification of Occupations 2010, "
            "levels 1 to 3), area, sex and year, 2010-2023",
        },
        "variables": [
            _occupation(occupation_codes_115s()),
            _area(area_code),
            _sex(),
            _years(2010, years),
            variable(
                "contentscode",
                ["tyokay-tyolliset2"],
                ["Työlliset"],
                text={"fi": "Tiedot", "sv": "Uppgifter", "en": "Information"},
                value_texts={"sv": ["Sysselsatta"], "en": ["Employed"]},
            ),
        ],
    }


def layout_115q(years: int = 14) -> dict[str, Any]:
    return {
        "folder": "tyokay",
        "table": "115q",
        "titles": {
            "fi": "Työlliset ammattiryhmän (Ammattiluokitus 2010, tasot 1-5), ammattiaseman, "
            "sukupuolen ja vuoden mukaan, 2010-2023",
            "en": "Employed persons by occupation group (Classification of Occupations 2010, "
            "levels 1 to 5), occupational status, sex and year, 2010-2023",
        },
        "variables": [
            _occupation(occupation_codes_115q()),
            _sex(),
            variable(
                "ammattiasema_7_20121201",
                ["SS", "1", "2"],
                ["Yhteensä", "Palkansaajat", "Yrittäjät"],
                text={"fi": "Ammattiasema", "sv": "Yrkesställning", "en": "Occupational status"},
                value_texts={
                    "sv": ["Totalt", "Löntagare", "Företagare"],
                    "en": ["Total", "Wage and salary earners", "Entrepreneurs"],
                },
                elimination=True,
            ),
            _years(2010, years),
            variable(
                "contentscode",
                ["tyokay-tyolliset2", "tyokay-osuus"],
                ["Työlliset", "Osuus, %"],
                text={"fi": "Tiedot", "sv": "Uppgifter", "en": "Information"},
                value_texts={
                    "sv": ["Sysselsatta", "Andel, %"],
                    "en": ["Employed", "Share, %"],
                },
            ),
        ],
    }


def field_codes_2016() -> list[str]:
    """Koulutusala 2016 codes at levels 1–3 as in the real tables: the real broad and narrow
    fields (``06``, ``061``, with the unknown 99/999) and two detailed fields under each narrow
    one (``0611``, ``0612``: the real pattern; the shipped list has levels 1–2 only)."""
    level1, level2 = _shipped("koulutusala_2016", 1), _shipped("koulutusala_2016", 2)
    level3 = [f"{c}{d}" for c in level2 if c != "999" for d in (1, 2)] + ["9999"]
    return [*level1, *level2, *level3]


def _field() -> dict[str, Any]:
    fields = field_codes_2016()
    return variable(
        "koulutusala_5_20160101",
        ["SSS", *fields],
        ["Yhteensä", *(f"{c} Koulutusala {c}" for c in fields)],
        text={"fi": "Koulutusala", "sv": "Utbildningsområde", "en": "Field of education"},
        elimination=True,
    )


def layout_12br(years: int = 4) -> dict[str, Any]:
    return {
        "folder": "vkour",
        "table": "12br",
        "titles": {
            "fi": "15 vuotta täyttänyt tutkinnon suorittanut väestö koulutusasteen, "
            "koulutusalan, alueen, sukupuolen ja ikäryhmän mukaan",
            "en": "Population aged 15 or over with a qualification by level of education, "
            "field of education, area, sex and age group",
        },
        "variables": [
            _years(2017, years),
            _area("alue_29_20250101", municipalities=True),
            variable(
                "koulutusaste_6_20160101",
                ["SSS", "3", "4", "5", "6", "7", "8"],
                [
                    "Yhteensä",
                    "Toinen aste",
                    "Erikoisammattikoulutusaste",
                    "Alin korkea-aste",
                    "Alempi korkeakouluaste",
                    "Ylempi korkeakouluaste",
                    "Tutkijakoulutusaste",
                ],
                text={"fi": "Koulutusaste", "sv": "Utbildningsnivå", "en": "Level of education"},
                elimination=True,
            ),
            _field(),
            _sex(),
            variable(
                "ikaryhma_15_20180101",
                ["SSS", "15-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-"],
                ["Yhteensä", "15-19", "20-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-"],
                text={"fi": "Ikä", "sv": "Ålder", "en": "Age"},
                elimination=True,
            ),
            variable(
                "contentscode",
                ["vkour-lkm"],
                ["Tutkinnon suorittaneet"],
                text={"fi": "Tiedot", "sv": "Uppgifter", "en": "Information"},
            ),
        ],
    }


def layout_standin_12bd(years: int = 2) -> dict[str, Any]:
    """A STAND-IN for ``opiskt/12bd``, whose real id and layout are not yet confirmed: the
    configured names (koulutusala, sukupuoli, alue, the contents ``uusi`` and ``tut``) on a
    layout like 12br's, so a test can show what `sources check` prints when every configured
    table is there. Not a record of the real table."""
    return {
        "folder": "opiskt",
        "table": "12bd",
        "titles": {
            "fi": "Uudet opiskelijat ja tutkinnot koulutusalan, maakunnan ja sukupuolen "
            "mukaan (TESTIN SIJAISTAULUKKO)"
        },
        "variables": [
            _years(2022, years),
            _area("alue_28_20250101"),
            _field(),
            _sex(),
            variable(
                "contentscode",
                ["uusi", "tut"],
                ["Uudet opiskelijat", "Tutkinnot"],
                text={"fi": "Tiedot", "sv": "Uppgifter", "en": "Information"},
            ),
        ],
    }

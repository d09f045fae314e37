"""Charts: the same women/men colours everywhere, title, subtitle and source line, alt text in
the spec, Finnish number formats on the axis, and the source line's pattern."""

from __future__ import annotations

import json

import pandas as pd

from publish.articles.render import source_line
from publish.charts import (
    FOCUS_COLOUR,
    MEN_COLOUR,
    REFERENCE_COLOUR,
    WOMEN_COLOUR,
    ChartTexts,
    region_dots,
    trend_lines,
    women_men_bars,
)

TEXTS = ChartTexts(
    title="Otsikko",
    subtitle="Alaotsikko",
    source_line="Lähde: Tilastokeskus, Lukiokoulutus, 2020. CC BY 4.0",
    alt_text="Kaavio naisten osuudesta.",
    value_title="Naisten osuus",
)
UNITS = pd.DataFrame([{"unit": "A", "women_share": 0.586}, {"unit": "B", "women_share": 0.05}])


def test_women_and_men_have_their_colours_and_direct_labels():
    chart = women_men_bars(UNITS, labels=("Naiset", "Miehet"), texts=TEXTS, lang="fi")
    spec = json.dumps(chart.spec, ensure_ascii=False)
    assert f'"range": ["{WOMEN_COLOUR}", "{MEN_COLOUR}"]' in spec
    assert '"legend": null' in spec and '"text": "Naiset"' in spec
    assert "58,6\u00a0%" in spec  # the value label, written the Finnish way


def test_every_chart_carries_title_subtitle_source_and_alt_text():
    charts = [
        women_men_bars(UNITS, labels=("Naiset", "Miehet"), texts=TEXTS, lang="fi"),
        region_dots(
            pd.DataFrame(
                [
                    {"unit": "A", "area": "Pohjois-Pohjanmaa", "women_share": 0.5},
                    {"unit": "A", "area": "Koko maa", "women_share": 0.4},
                ]
            ),
            focus="Pohjois-Pohjanmaa",
            texts=TEXTS,
            lang="fi",
        ),
        trend_lines(
            pd.DataFrame([{"year": 2018, "series": "Koko maa", "value": 0.35}]),
            focus=(),
            kind="index",
            texts=TEXTS,
            lang="fi",
        ),
    ]
    for chart in charts:
        assert chart.spec["title"]["text"] == "Otsikko"
        assert chart.spec["title"]["subtitle"] == ["Alaotsikko", TEXTS.source_line]
        assert chart.spec["description"] == chart.alt_text == TEXTS.alt_text
    dots = json.dumps(charts[1].spec)
    assert FOCUS_COLOUR in dots and REFERENCE_COLOUR in dots


def test_percent_axis_reads_the_finnish_way_in_the_svg():
    svg = women_men_bars(UNITS, labels=("Naiset", "Miehet"), texts=TEXTS, lang="fi").svg.decode()
    assert "60\u00a0%" in svg or "60&#160;%" in svg
    en = women_men_bars(UNITS, labels=("Women", "Men"), texts=TEXTS, lang="en").svg.decode()
    assert "60%" in en


def test_source_line_names_statistic_and_newest_publication_year():
    tables = [
        {"source_table": "lop_2018_2019-06-18_tau_002_fi", "published": "2019-06-18"},
        {"source_table": "lop_2019_2020-06-16_tau_002_en", "published": "2020-06-16"},
        {"source_table": "tyokay/115s", "published": "2025-06-03"},
    ]
    assert source_line(tables, "fi") == (
        "Lähde: Tilastokeskus, Lukiokoulutus, 2020; Työssäkäynti, 2025. CC BY 4.0"
    )
    assert (
        source_line(tables[:1], "sv")
        == "Källa: Statistikcentralen, Gymnasieutbildning, 2019. CC BY 4.0"
    )
    assert (
        source_line(tables[2:], "en") == "Source: Statistics Finland, Employment, 2025. CC BY 4.0"
    )

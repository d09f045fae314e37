"""Charts: the same women/men colours everywhere, title, subtitle and source line, alt text in
the spec, Finnish number formats on the axis, the source line's pattern, years on a quantitative
axis, text contrast of at least 4.5:1 and a width a phone shrinks only a little."""

from __future__ import annotations

import json
import re

import pandas as pd

from publish.articles.render import source_line
from publish.charts import (
    FOCUS_COLOUR,
    MEN_COLOUR,
    REFERENCE_COLOUR,
    TEXT_ON,
    WOMEN_COLOUR,
    ChartTexts,
    region_dots,
    trend_lines,
    women_men_bars,
)

TEXTS = ChartTexts(
    title="Otsikko",
    subtitle="Alaotsikko",
    source_line="Lähde: Tilastokeskus, lukiokoulutustilasto 2019 (julkaistu 2020). CC BY 4.0",
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
        assert chart.spec["title"]["text"] == ["Otsikko"]
        assert chart.spec["title"]["subtitle"] == [
            "Alaotsikko",
            "Lähde: Tilastokeskus, lukiokoulutustilasto 2019",
            "(julkaistu 2020). CC BY 4.0",
        ]
        assert chart.spec["description"] == chart.alt_text == TEXTS.alt_text
    dots = json.dumps(charts[1].spec)
    assert FOCUS_COLOUR in dots and REFERENCE_COLOUR in dots


def test_percent_axis_reads_the_finnish_way_in_the_svg():
    svg = women_men_bars(UNITS, labels=("Naiset", "Miehet"), texts=TEXTS, lang="fi").svg.decode()
    assert "60\u00a0%" in svg or "60&#160;%" in svg
    en = women_men_bars(UNITS, labels=("Women", "Men"), texts=TEXTS, lang="en").svg.decode()
    assert "60%" in en


def test_source_line_names_statistic_years_and_publication_year():
    tables = [
        {"source_table": "lop_2018_2019-06-18_tau_002_fi", "published": "2019-06-18"},
        {"source_table": "lop_2019_2020-06-16_tau_002_en", "published": "2020-06-16"},
        {"source_table": "tyokay/115s", "published": "2025-06-03", "year": 2023},
    ]
    assert source_line(tables, "fi") == (
        "Lähde: Tilastokeskus, lukiokoulutustilasto 2018–2019 (julkaistu 2020); "
        "työssäkäyntitilasto 2023 (julkaistu 2025). CC BY 4.0"
    )
    # Review: "Työssäkäynti, 2017" under 2015 data read as data of 2017.
    work = [{"source_table": "tyokay_2015_04_2017-10-20_tau_002", "published": "2017-10-20"}]
    assert source_line(work, "fi") == (
        "Lähde: Tilastokeskus, työssäkäyntitilasto 2015 (julkaistu 2017). CC BY 4.0"
    )
    assert source_line(tables[:1], "sv") == (
        "Källa: Statistikcentralen, statistiken över gymnasieutbildning 2018 (publicerad 2019)."
        " CC BY 4.0"
    )
    assert source_line(tables[2:], "en") == (
        "Source: Statistics Finland, employment statistics 2023 (published 2025). CC BY 4.0"
    )


def test_years_stand_on_a_quantitative_axis_with_their_gaps():
    chart = trend_lines(
        pd.DataFrame(
            [
                {"year": y, "series": "Koko maa", "value": v}
                for y, v in ((2012, 0.57), (2013, 0.56), (2018, 0.58))
            ]
        ),
        focus=(),
        kind="share",
        texts=TEXTS,
        lang="fi",
    )
    x = chart.spec["layer"][0]["encoding"]["x"]
    assert x["type"] == "quantitative" and x["axis"]["values"] == [2012, 2013, 2018]
    assert x["axis"]["format"] == "d"  # 2018, not 2 018


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_text_colour_has_at_least_4_5_to_1_contrast():
    for background, inks in TEXT_ON.items():
        for ink in inks:
            assert contrast(ink, background) >= 4.5, (ink, background)
    # Every colour a chart writes words in is one of those.
    chart = women_men_bars(UNITS, labels=("Naiset", "Miehet"), texts=TEXTS, lang="fi")
    inks = {
        row["ink"]
        for layer in chart.spec["layer"]
        for row in layer["data"]["values"]
        if "ink" in row
    }
    assert inks <= set(TEXT_ON[MEN_COLOUR]) | set(TEXT_ON[WOMEN_COLOUR])
    dots = region_dots(
        pd.DataFrame([{"unit": "A", "area": "X", "women_share": 0.5}]),
        focus="X",
        texts=TEXTS,
        lang="fi",
    )
    dot_inks = {
        r["ink"] for layer in dots.spec["layer"] for r in layer["data"]["values"] if "ink" in r
    }
    assert dot_inks <= set(TEXT_ON["#ffffff"])


def test_charts_are_narrow_enough_for_a_phone():
    names = [
        "Rakennus-, korjaus- ja valmistustyöntekijät",
        "Toimisto- ja asiakaspalvelutyöntekijät",
        "Maanviljelijät, metsätyöntekijät ym.",
    ]
    long = ChartTexts(
        title="Naisten osuus ammattiryhmittäin: koko maa 2015",
        subtitle="Perheelliset palkansaajat; 10 ammattiryhmää. Harmaa alue: naisia 40–60 %.",
        source_line="Lähde: Tilastokeskus, työssäkäyntitilasto 2015 (julkaistu 2017). CC BY 4.0",
        alt_text="Kaavio.",
    )
    units = pd.DataFrame([{"unit": n, "women_share": 0.3 + i / 10} for i, n in enumerate(names)])
    svg = women_men_bars(units, labels=("Naiset", "Miehet"), texts=long, lang="fi").svg.decode()
    width = float(re.search(r'<svg[^>]*width="([\d.]+)"', svg).group(1))
    # At 375 px an article column is 343 px: the chart shrinks by at most a fifth or so, so
    # 12 px labels stay at 9 px or more (they shrank to about 6 px before).
    assert width <= 460, width
    assert "valmistustyöntekijät" in svg and 'font-size="12px"' in svg

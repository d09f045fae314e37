"""The Finnish article on Pohjois-Pohjanmaa, written from the data."""

import re

from publish.articles import regional_overview
from publish.numbers import NBSP


def test_article_states_numbers_from_the_data(shares, indices, sources):
    article = regional_overview(shares, indices, sources, region="MK17", release_date="2026-11-28")
    md = article.markdown
    assert "Pohjois-Pohjanmaalla" in md and "Pohjois-Pohjanmaan" in md
    # 2019: 4 950 women of 8 451 students = 58,6 % (../shared/data/README.md, files 8–9).
    assert f"8{NBSP}451" in md and f"4{NBSP}950" in md and f"58,6{NBSP}%" in md
    assert "ei voi niistä laskea" in md  # says what the bundled data cannot show
    assert not re.search(r"\d\.\d", md.split("## Lähteet")[0].split("---", 2)[2])


def test_chart_has_alt_text_and_svg(shares, indices, sources):
    article = regional_overview(shares, indices, sources, region="MK17")
    chart = article.charts["lukiolaiset"]
    assert chart.svg.startswith(b"<svg")
    assert "Pohjois-Pohjanmaalla" in chart.alt_text and "%" in chart.alt_text
    files = article.files()
    assert any(name.endswith("index.md") for name in files)

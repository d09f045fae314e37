"""Every letter a chart can show has a glyph in the one font the drawing processes see.

The drawing processes hide the system's fonts (publish/chart_worker.py), so vl-convert draws
with its built-in Liberation Sans only and a character that font lacks would come out as an
empty box, with no error. The characters checked: every text in every chart of the bundled
articles (titles, subtitles, labels, source lines, number formats) and every name a live run
can put on a chart — the shipped classifications' unit names and the region names, in fi, sv
and en. The cmap checked is the system's Liberation Sans 1.07 (vl-convert's built-in 2.00 is a
superset of it), regular and bold as the charts use both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from assets.reference.paths import PROJECT_ROOT
from publish.charts import LOCALES

FONTS = Path("/usr/share/fonts/truetype/liberation")
pytestmark = pytest.mark.skipif(
    not (FONTS / "LiberationSans-Regular.ttf").is_file(),
    reason="needs the Liberation fonts (Debian fonts-liberation, installed with chromium)",
)


def _cmap(name: str) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(FONTS / name).getBestCmap())


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _names() -> Iterator[str]:
    for path in sorted((PROJECT_ROOT / "data" / "classifications").glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in frame.columns:
            if column.startswith("name"):
                yield from frame[column]


def _missing(texts: Iterator[str], font: set[int]) -> dict[str, str]:
    """Characters without a glyph → the first text they occur in."""
    out: dict[str, str] = {}
    for text in texts:
        for ch in text:
            if ch.isprintable() and ord(ch) not in font and ch not in out:
                out[ch] = text[:80]
    return out


@pytest.mark.parametrize("font", ["LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"])
def test_chart_texts_and_every_name_have_glyphs(font, mk17_articles, country_articles):
    cmap = _cmap(font)
    specs = [
        chart.spec
        for article in [*mk17_articles, *country_articles]
        for chart in article.charts.values()
    ]
    assert len(specs) >= 30
    texts = [*(s for spec in specs for s in _strings(spec)), *_strings(LOCALES), *_names()]
    assert _missing(iter(texts), cmap) == {}


def test_the_check_finds_a_missing_glyph():
    """Liberation Sans has no CJK ideographs: the check must name one."""
    assert _missing(iter(["Lähde: 統計"]), _cmap("LiberationSans-Regular.ttf")) == {
        "統": "Lähde: 統計",
        "計": "Lähde: 統計",
    }

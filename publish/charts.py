"""Charts as Vega-Lite specs rendered offline to SVG and PNG (vl-convert).

Why Vega-Lite with vl-convert: the spec is plain JSON we publish beside the picture, so anyone can
restyle or re-render it, and vl-convert renders it without a browser or network, with Finnish
number locales built in. The specs are written as plain dictionaries: building them through
Altair's object model cost more time than drawing them, for no gain in what the JSON says.
Colours come from the Okabe–Ito colour-blind-safe palette and avoid pink/blue sex stereotypes;
women and men have the same colours in every chart. Every chart carries a title, a subtitle, the
source line and its alt text (also written into the spec's ``description``), and labels its
marks directly instead of sending the reader to a legend.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from publish.chart_drawing import ChartDrawer, Job, draw_all
from publish.numbers import fmt_index, fmt_percent

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
WOMEN_COLOUR = "#E69F00"  # orange
MEN_COLOUR = "#009E73"  # bluish green
FOCUS_COLOUR = "#D55E00"  # vermillion: the region in focus
FOCUS_TEXT = "#B34700"  # a darker vermillion for words: #D55E00 on white is only 3.9:1
REFERENCE_COLOUR = "#6F6F6F"  # grey: the comparison (whole country)
SERIES_COLOURS = ("#0072B2", "#000000")  # further series: blue, black (text-safe on white)
TEXT_COLOUR = "#222222"
# Every colour used for words in a chart, against the background it is written on; each pair
# has a contrast of at least 4.5:1 (WCAG AA for small text), tested in tests/publish.
TEXT_ON = {
    "#ffffff": (TEXT_COLOUR, FOCUS_TEXT, REFERENCE_COLOUR, *SERIES_COLOURS),
    WOMEN_COLOUR: (TEXT_COLOUR,),
    MEN_COLOUR: (TEXT_COLOUR,),
}
BALANCED_BAND = (0.4, 0.6)
# d3-format number locales. Finnish and Swedish write a no-break space before the per cent sign
# ("60 %"); giving it as the locale's ``percent`` formats axis labels without a label expression
# per tick (an expression per label cost about a tenth of the drawing time).
LOCALES: dict[str, dict[str, Any]] = {
    "fi": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "percent": "\u00a0%"},
    "sv": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "percent": "\u00a0%"},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "percent": "%"},
}
# Liberation Sans (Arial's metrics) is built into vl-convert, the only font the drawing processes
# see (publish/chart_worker.py says why), so the pictures do not depend on a machine's fonts.
# Set once in ``config``: Vega passes it to every text.
FONT = "Liberation Sans, sans-serif"
# Charts are drawn narrow (about 420 px in all) with 12 px labels, so that a phone's 343 px
# column shrinks them by a fifth, not by half: unit names wrap onto several lines (LABEL_WRAP
# characters), titles and subtitles too (TEXT_WRAP), instead of widening the picture.
PLOT_WIDTH = 240
LABEL_WRAP = 24
TEXT_WRAP = 54
FONT_SIZE = 12
# Unit names on the y axis are written in full ("labelLimit": 0): a limit made Vega measure every
# name again (a third of a chart's drawing time) only to cut the longest ones to "…", which hid
# what the bar was. The chart grows wider instead.
NAME_AXIS = {"labelLimit": 0}
_STYLE_PROPERTIES = ("align", "baseline", "dx", "dy", "fontSize", "fontWeight")
CONFIG = {
    "background": "#ffffff",
    "font": FONT,
    "view": {"stroke": None},
    "axis": {"labelColor": TEXT_COLOUR, "labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE},
    "title": {"fontSize": 15, "subtitleFontSize": FONT_SIZE},
}


def wrap(text: str, width: int = LABEL_WRAP) -> list[str]:
    """A text as lines of at most ``width`` characters (a longer word stays whole)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [text]


def unit_label(name: str) -> str:
    """A unit name with ``|`` where the axis breaks it into lines (see ``_unit_axis``)."""
    return "|".join(wrap(name))


def _unit_axis() -> dict[str, Any]:
    return {**NAME_AXIS, "labelExpr": "split(datum.label, '|')", "labelLineHeight": 14}


def _row_heights(names: Iterable[str], per_line: int = 15, minimum: int = 30) -> int:
    return sum(max(minimum, per_line * (n.count("|") + 1) + 12) for n in names)


@dataclass(frozen=True)
class ChartTexts:
    """What a chart says in words, in one language."""

    title: str
    subtitle: str
    source_line: str
    alt_text: str
    value_title: str = ""


@dataclass(frozen=True)
class RenderedChart:
    """A chart's spec and words; the SVG and PNG are drawn on first use and kept.

    Drawing is the slow part of an article (Vega runs in an embedded JavaScript engine), so text
    can be generated and checked without drawing, and ``draw_charts`` draws the charts of many
    articles at once in a few processes (``publish.chart_drawing``).
    """

    spec: dict[str, Any]
    alt_text: str
    title: str
    lang: str
    _drawn: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    @property
    def spec_bytes(self) -> bytes:
        return (json.dumps(self.spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()

    @property
    def svg(self) -> bytes:
        draw_charts([self])
        return self._drawn["svg"]

    @property
    def png(self) -> bytes:
        """The PNG at 2× the chart's size (sharp in print and on high-density screens)."""
        draw_charts([self])
        return self._drawn["png"]


def _jobs(charts: Iterable[RenderedChart]) -> tuple[list[RenderedChart], list[Job]]:
    todo = list({id(c): c for c in charts if not c._drawn}.values())
    return todo, [Job(spec=c.spec, locale=LOCALES[c.lang], name=c.title) for c in todo]


def start_drawing(charts: Iterable[RenderedChart], drawer: ChartDrawer) -> None:
    """Have ``drawer`` start on the charts now; ``draw_charts`` with it collects them."""
    drawer.start(_jobs(charts)[1])


def draw_charts(charts: Iterable[RenderedChart], drawer: ChartDrawer | None = None) -> None:
    """Draw every chart not drawn yet, up to ``chart_drawing.WORKERS`` at a time (in
    ``drawer``'s processes if given: started earlier, they are ready)."""
    todo, jobs = _jobs(charts)
    drawn = drawer.draw(jobs) if drawer is not None and jobs else draw_all(jobs)
    for chart, (svg, png) in zip(todo, drawn, strict=True):
        chart._drawn.update(svg=svg, png=png)


def _finish(
    layers: list[dict[str, Any]], texts: ChartTexts, lang: str, *, width: int, height: int
) -> RenderedChart:
    spec = {
        "$schema": SCHEMA,
        "config": CONFIG,
        "title": {
            "text": wrap(texts.title, TEXT_WRAP - 10),
            "subtitle": [*wrap(texts.subtitle, TEXT_WRAP), *wrap(texts.source_line, TEXT_WRAP)],
            "anchor": "start",
            "color": TEXT_COLOUR,
            "subtitleColor": TEXT_COLOUR,
        },
        "description": texts.alt_text,
        "width": width,
        "height": height,
        "layer": layers,
    }
    return RenderedChart(spec=spec, alt_text=texts.alt_text, title=texts.title, lang=lang)


def _values(frame: pd.DataFrame) -> dict[str, Any]:
    return {"values": frame.to_dict("records")}


def _percent_axis(title: str | None = None) -> dict[str, Any]:
    """Axis labels '60 %' in Finnish and Swedish, '60%' in English (the sign comes from LOCALES)."""
    return {"format": ".0%", "title": title or None}


def _share_x(title: str | None = None, field: str = "women_share") -> dict[str, Any]:
    return {
        "field": field,
        "type": "quantitative",
        "scale": {"domain": [0, 1]},
        "axis": _percent_axis(title),
    }


def _band() -> dict[str, Any]:
    """The balanced band (40–60 % women) drawn lightly behind the marks."""
    return {
        "data": {"values": [{"lo": BALANCED_BAND[0], "hi": BALANCED_BAND[1]}]},
        "mark": {"type": "rect", "color": "#000000", "opacity": 0.06},
        "encoding": {
            "x": {"field": "lo", "type": "quantitative", "title": None},
            "x2": {"field": "hi"},
        },
    }


def _text(values: list[dict] | pd.DataFrame, mark: dict[str, Any], **encoding: Any) -> dict:
    rows = values.to_dict("records") if isinstance(values, pd.DataFrame) else values
    return {
        "data": {"values": rows},
        "mark": {"type": "text", **mark},
        "encoding": encoding,
    }


def _styled_text(rows: list[dict[str, Any]], **encoding: Any) -> dict[str, Any]:
    """One text layer whose rows carry their own style (the mark properties present in the first
    row, e.g. ``align``, ``dx``, ``fontWeight``) and colour (``ink``), instead of a layer per style.
    """
    style = [k for k in rows[0] if k in _STYLE_PROPERTIES]
    return {
        "data": {"values": rows},
        "mark": {"type": "text", **{k: {"expr": f"datum.{k}"} for k in style}},
        "encoding": {**encoding, "color": {"field": "ink", "type": "nominal", "scale": None}},
    }


def women_men_bars(
    units: pd.DataFrame,
    *,
    labels: tuple[str, str],
    texts: ChartTexts,
    lang: str,
) -> RenderedChart:
    """One 100 % bar per unit: women (orange) from the left, men (green) from the right.

    ``units`` has columns ``unit`` and ``women_share``; the bars keep its order. Women's share is
    written on each bar; the two sexes are named once above the first bar instead of in a legend.
    """
    units = units.assign(unit=[unit_label(u) for u in units["unit"]])
    order = list(units["unit"])
    women_label, men_label = labels
    segs = []
    for unit, share in zip(units["unit"], units["women_share"], strict=True):
        segs.append({"unit": unit, "sex": women_label, "start": 0.0, "end": float(share)})
        segs.append({"unit": unit, "sex": men_label, "start": float(share), "end": 1.0})
    y = {
        "field": "unit",
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": _unit_axis(),
    }
    bars = {
        "data": {"values": segs},
        "mark": {"type": "bar", "height": {"band": 0.8}},
        "encoding": {
            "y": y,
            "x": _share_x(None, "start"),
            "x2": {"field": "end"},
            "color": {
                "field": "sex",
                "type": "nominal",
                "scale": {"domain": [women_label, men_label], "range": [WOMEN_COLOUR, MEN_COLOUR]},
                "legend": None,
            },
        },
    }
    # Women's share sits inside the orange bar, or just right of it (dark on green) when the
    # bar is too short; the two sexes are named above the first bar, at its two ends, in dark
    # text (orange and green words on white would be below 4.5:1). All these words are one text
    # layer styled per row: each layer costs Vega a dataflow of its own.
    value_style = {"dy": 0, "baseline": "middle", "fontSize": FONT_SIZE, "fontWeight": "normal"}
    words = [
        {
            "unit": u,
            "x": float(v),
            "text": fmt_percent(v, 1, lang),
            **(
                {"align": "right", "dx": -4, "ink": TEXT_COLOUR}
                if v >= 0.2
                else {"align": "left", "dx": 4, "ink": TEXT_COLOUR}
            ),
            **value_style,
        }
        for u, v in zip(units["unit"], units["women_share"], strict=True)
    ]
    head_style = {"dx": 0, "dy": -13, "baseline": "bottom", "fontSize": 12, "fontWeight": "bold"}
    words += [
        {"unit": order[0], "x": 0.0, "text": women_label, "align": "left", "ink": TEXT_COLOUR},
        {"unit": order[0], "x": 1.0, "text": men_label, "align": "right", "ink": TEXT_COLOUR},
    ]
    for row in words[-2:]:
        row.update(head_style)
    labels = _styled_text(
        words,
        y=y,
        x={"field": "x", "type": "quantitative", "title": None},
        text={"field": "text", "type": "nominal"},
    )
    height = max(120, _row_heights(order))
    return _finish([_band(), bars, labels], texts, lang, width=PLOT_WIDTH, height=height)


def region_dots(
    data: pd.DataFrame,
    *,
    focus: str,
    texts: ChartTexts,
    lang: str,
) -> RenderedChart:
    """Women's share per unit, one dot per area (focus region vermillion, country grey).

    ``data`` has ``unit``, ``area`` and ``women_share``; the areas are named beside the dots of the
    first unit, so no legend is needed.
    """
    data = data.assign(unit=[unit_label(u) for u in data["unit"]])
    order = list(dict.fromkeys(data["unit"]))
    areas = list(dict.fromkeys(data["area"]))
    colours = [FOCUS_COLOUR if a == focus else REFERENCE_COLOUR for a in areas]
    y = {
        "field": "unit",
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": _unit_axis(),
    }
    colour = {
        "field": "area",
        "type": "nominal",
        "scale": {"domain": areas, "range": colours},
        "legend": None,
    }
    dots = {
        "data": _values(data),
        "mark": {"type": "point", "filled": True, "size": 110, "opacity": 1},
        "encoding": {
            "y": y,
            "x": _share_x(texts.value_title),
            "color": colour,
            "shape": {
                "field": "area",
                "type": "nominal",
                "scale": {"domain": areas, "range": ["circle", "diamond"][: len(areas)]},
                "legend": None,
            },
        },
    }
    # The focus area is named above its dot and the others below theirs, so that two dots close
    # together never get overlapping names; one text layer styled per row does both.
    first = data[data["unit"] == order[0]]
    names = _styled_text(
        [
            {
                "unit": order[0],
                "women_share": float(v),
                "label": f"{a} {fmt_percent(v, 1, lang)}",
                "dy": -13 if a == focus else 15,
                "fontSize": FONT_SIZE,
                "fontWeight": "bold",
                "ink": FOCUS_TEXT if a == focus else REFERENCE_COLOUR,
            }
            for a, v in zip(first["area"], first["women_share"], strict=True)
        ],
        y=y,
        x={"field": "women_share", "type": "quantitative", "title": None},
        text={"field": "label", "type": "nominal"},
    )
    height = max(120, _row_heights(order, minimum=40))
    return _finish([_band(), dots, names], texts, lang, width=PLOT_WIDTH, height=height)


def trend_lines(
    data: pd.DataFrame,
    *,
    focus: tuple[str, ...],
    kind: str,
    texts: ChartTexts,
    lang: str,
) -> RenderedChart:
    """A value over the years, one line per series, each labelled at its last point.

    ``data`` has ``year``, ``series`` and ``value``; ``kind`` is ``share`` (0–1, percent axis) or
    ``index`` (0–1, three decimals). Focus series (the region) are vermillion, the first other
    series (the whole country) grey, further ones blue and black; at most four series. Years
    stand on a quantitative axis, so that a gap between published years shows as a gap.
    """
    series = list(dict.fromkeys(data["series"]))
    others = iter((REFERENCE_COLOUR, *SERIES_COLOURS))
    colours = [FOCUS_COLOUR if s in focus else next(others) for s in series]
    fmt = (lambda v: fmt_percent(v, 1, lang)) if kind == "share" else (lambda v: fmt_index(v, lang))
    data = data.assign(label=[fmt(v) for v in data["value"]])
    axis = (
        _percent_axis(texts.value_title)
        if kind == "share"
        else {"format": ".2f", "title": texts.value_title or None}
    )
    colour = {
        "field": "series",
        "type": "nominal",
        "scale": {"domain": series, "range": colours},
        "legend": None,
    }
    # Years on a quantitative axis: 2013 and 2018 stand five years apart, not side by side.
    years = sorted({int(y) for y in data["year"]})
    x = {
        "field": "year",
        "type": "quantitative",
        "title": None,
        "scale": {"domain": [years[0], years[-1]], "nice": False, "zero": False},
        "axis": {
            "format": "d",
            "labelAngle": 0,
            "values": years,
            "grid": False,
            "labelOverlap": False,
            "labelFontSize": FONT_SIZE - 1,
        },
    }
    y = {
        "field": "value",
        "type": "quantitative",
        "scale": {"domain": [0, 1] if kind == "share" else [0, 0.8]},
        "axis": axis,
    }
    lines = {
        "data": _values(data),
        "mark": {"type": "line", "point": True, "strokeWidth": 2.5},
        "encoding": {"x": x, "y": y, "color": colour},
    }
    layers = [lines]
    if len(series) == 1:
        # One series: every point carries its value.
        layers.append(
            _text(
                data,
                {"dy": -10, "fontSize": FONT_SIZE - 1, "color": TEXT_COLOUR},
                x=x,
                y=y,
                text={"field": "label", "type": "nominal"},
            )
        )
    if len(series) > 1:
        # Each series is named with its newest value at its last point: the focus above the
        # line, the others below, so that two close lines never get overlapping words. One
        # series needs no name: the subtitle says what is drawn.
        text_colours = dict(zip(series, colours, strict=True))
        last = data.sort_values("year").groupby("series", sort=False).tail(1)
        layers.append(
            _styled_text(
                [
                    {
                        "year": int(r["year"]),
                        "value": float(r["value"]),
                        "text": f"{r['series']} {r['label']}",
                        "align": "right",
                        "dx": 0,
                        "dy": -12 if r["series"] in focus or i == 0 else 18,
                        "fontSize": FONT_SIZE,
                        "fontWeight": "bold",
                        "ink": FOCUS_TEXT
                        if text_colours[r["series"]] == FOCUS_COLOUR
                        else text_colours[r["series"]],
                    }
                    for i, (_, r) in enumerate(last.iterrows())
                ],
                x=x,
                y=y,
                text={"field": "text", "type": "nominal"},
            )
        )
    return _finish(layers, texts, lang, width=PLOT_WIDTH + 80, height=240)

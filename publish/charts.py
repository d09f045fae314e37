"""Charts as Vega-Lite specs rendered offline to SVG and PNG (Altair + vl-convert).

Why Altair 6 with vl-convert: the spec is plain JSON we can publish beside the picture, and
vl-convert renders it without a browser or network, with Finnish number locales built in.
Colours come from the Okabe–Ito colour-blind-safe palette and avoid pink/blue sex stereotypes;
women and men have the same colours in every chart. Every chart carries a title, a subtitle, the
source line and its alt text (also written into the spec's ``description``), and labels its
marks directly instead of sending the reader to a legend.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import altair as alt
import pandas as pd

from publish.numbers import fmt_index, fmt_percent

WOMEN_COLOUR = "#E69F00"  # orange
MEN_COLOUR = "#009E73"  # bluish green
FOCUS_COLOUR = "#D55E00"  # vermillion: the region in focus
REFERENCE_COLOUR = "#6F6F6F"  # grey: the comparison (whole country)
SERIES_COLOURS = ("#0072B2", "#56B4E9", "#000000")  # further series: blue, sky blue, black
TEXT_COLOUR = "#222222"
BALANCED_BAND = (0.4, 0.6)
LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}
FONT = "DejaVu Sans, Arial, sans-serif"
WIDTH = 560


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
    can be generated and checked without drawing, and the PNG is rasterised from the same SVG
    instead of running Vega twice.
    """

    spec: dict[str, Any]
    alt_text: str
    title: str
    lang: str

    @property
    def spec_bytes(self) -> bytes:
        return (json.dumps(self.spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()

    @cached_property
    def svg(self) -> bytes:
        return render_svg(self.spec, self.lang)

    @cached_property
    def png(self) -> bytes:
        return svg_to_png(self.svg)


def render_svg(spec: dict[str, Any], lang: str) -> bytes:
    """The SVG of a Vega-Lite spec, numbers formatted in the language's locale."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec, format_locale=LOCALES[lang]).encode("utf-8")


def svg_to_png(svg: bytes, scale: float = 2) -> bytes:
    """A PNG at ``scale`` × the chart's size (2× for sharp print and high-density screens)."""
    import vl_convert as vlc

    return vlc.svg_to_png(svg.decode("utf-8"), scale=scale)


def _finish(chart: alt.TopLevelMixin, texts: ChartTexts, lang: str) -> RenderedChart:
    chart = (
        chart.properties(
            title=alt.TitleParams(
                text=texts.title,
                subtitle=[texts.subtitle, texts.source_line],
                anchor="start",
                font=FONT,
                subtitleFont=FONT,
                subtitleColor=TEXT_COLOUR,
            ),
            description=texts.alt_text,
        )
        .configure_axis(labelFont=FONT, titleFont=FONT, labelColor=TEXT_COLOUR)
        .configure_legend(labelFont=FONT)
        .configure_view(stroke=None)
        .configure(background="#ffffff")
    )
    return RenderedChart(
        spec=chart.to_dict(validate=False), alt_text=texts.alt_text, title=texts.title, lang=lang
    )


def _percent_axis(lang: str, title: str | None = None) -> alt.Axis:
    """Axis labels '60 %' in Finnish and Swedish (a no-break space before %), '60%' in English."""
    expr = "replace(datum.label, '%', '\u00a0%')" if lang in ("fi", "sv") else "datum.label"
    return alt.Axis(format=".0%", labelExpr=expr, title=title)


def _band(y_field: str | None = None) -> alt.Chart:
    """The balanced band (40–60 % women) drawn lightly behind the marks."""
    band = pd.DataFrame([{"lo": BALANCED_BAND[0], "hi": BALANCED_BAND[1]}])
    return (
        alt.Chart(band)
        .mark_rect(color="#000000", opacity=0.06)
        .encode(x=alt.X("lo:Q"), x2=alt.X2("hi:Q"))
    )


def share_bars(
    data: pd.DataFrame,
    *,
    x: str,
    group: str,
    value: str,
    focus: str,
    texts: ChartTexts,
    lang: str,
) -> RenderedChart:
    """Grouped bars of a share (0–1) by year with direct value labels, the focus highlighted."""
    data = data.assign(label=[fmt_percent(v, 1, lang) for v in data[value]])
    groups = list(dict.fromkeys(data[group]))
    colours = [FOCUS_COLOUR if g == focus else REFERENCE_COLOUR for g in groups]
    base = alt.Chart(data).encode(
        x=alt.X(f"{x}:O", title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset(f"{group}:N", sort=groups),
        color=alt.Color(
            f"{group}:N",
            sort=groups,
            scale=alt.Scale(domain=groups, range=colours),
            legend=alt.Legend(title=None, orient="top", labelFontSize=12),
        ),
    )
    bars = base.mark_bar().encode(
        y=alt.Y(
            f"{value}:Q",
            scale=alt.Scale(domain=[0, 1]),
            axis=_percent_axis(lang, texts.value_title),
        ),
    )
    labels = base.mark_text(dy=-6, fontSize=10, font=FONT).encode(
        y=alt.Y(f"{value}:Q"),
        text=alt.Text("label:N"),
        color=alt.value(TEXT_COLOUR),
    )
    return _finish((bars + labels).properties(width=WIDTH, height=300), texts, lang)


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
    order = list(units["unit"])
    women_label, men_label = labels
    segs = []
    for unit, share in zip(units["unit"], units["women_share"], strict=True):
        segs.append({"unit": unit, "sex": women_label, "start": 0.0, "end": float(share)})
        segs.append({"unit": unit, "sex": men_label, "start": float(share), "end": 1.0})
    seg = pd.DataFrame(segs)
    y = alt.Y("unit:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    bars = (
        alt.Chart(seg)
        .mark_bar(height={"band": 0.8})
        .encode(
            y=y,
            x=alt.X("start:Q", scale=alt.Scale(domain=[0, 1]), axis=_percent_axis(lang, None)),
            x2="end:Q",
            color=alt.Color(
                "sex:N",
                scale=alt.Scale(domain=[women_label, men_label], range=[WOMEN_COLOUR, MEN_COLOUR]),
                legend=None,
            ),
        )
    )
    lab = units.assign(
        label=[fmt_percent(v, 1, lang) for v in units["women_share"]],
        inside=[v >= 0.15 for v in units["women_share"]],
    )
    inside = (
        alt.Chart(lab[lab["inside"]])
        .mark_text(align="right", dx=-4, fontSize=11, font=FONT, color=TEXT_COLOUR)
        .encode(y=y, x=alt.X("women_share:Q"), text="label:N")
    )
    outside = (
        alt.Chart(lab[~lab["inside"]])
        .mark_text(align="left", dx=4, fontSize=11, font=FONT, color="#ffffff")
        .encode(y=y, x=alt.X("women_share:Q"), text="label:N")
    )
    heads = pd.DataFrame(
        [
            {"unit": order[0], "x": 0.0, "text": women_label, "align": "left"},
            {"unit": order[0], "x": 1.0, "text": men_label, "align": "right"},
        ]
    )
    head_marks = [
        alt.Chart(heads[heads["align"] == a])
        .mark_text(align=a, baseline="bottom", dy=-13, fontSize=12, fontWeight="bold", font=FONT)
        .encode(
            y=y,
            x=alt.X("x:Q"),
            text="text:N",
            color=alt.value(WOMEN_COLOUR if a == "left" else MEN_COLOUR),
        )
        for a in ("left", "right")
    ]
    height = max(120, 28 * len(order))
    layered = alt.layer(_band(), bars, inside, outside, *head_marks).properties(
        width=WIDTH - 200, height=height
    )
    return _finish(layered, texts, lang)


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
    order = list(dict.fromkeys(data["unit"]))
    areas = list(dict.fromkeys(data["area"]))
    colours = [FOCUS_COLOUR if a == focus else REFERENCE_COLOUR for a in areas]
    y = alt.Y("unit:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    colour = alt.Color("area:N", scale=alt.Scale(domain=areas, range=colours), legend=None)
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, size=110, opacity=1)
        .encode(
            y=y,
            x=alt.X(
                "women_share:Q",
                scale=alt.Scale(domain=[0, 1]),
                axis=_percent_axis(lang, texts.value_title),
            ),
            color=colour,
            shape=alt.Shape(
                "area:N",
                scale=alt.Scale(domain=areas, range=["circle", "diamond"][: len(areas)]),
                legend=None,
            ),
        )
    )
    first = data[data["unit"] == order[0]].assign(
        label=lambda d: [
            f"{a} {fmt_percent(v, 1, lang)}"
            for a, v in zip(d["area"], d["women_share"], strict=True)
        ]
    )
    # The focus area is named above its dot and the others below theirs, so that two dots
    # close together never get overlapping names.
    names = [
        alt.Chart(first[(first["area"] == focus) == above])
        .mark_text(dy=-13 if above else 15, fontSize=11, font=FONT, fontWeight="bold")
        .encode(y=y, x="women_share:Q", text="label:N", color=colour)
        for above in (True, False)
    ]
    height = max(120, 34 * len(order))
    layered = alt.layer(_band(), dots, *names).properties(width=WIDTH - 200, height=height)
    return _finish(layered, texts, lang)


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
    series (the whole country) grey, further ones blue; at most five series.
    """
    series = list(dict.fromkeys(data["series"]))
    others = iter((REFERENCE_COLOUR, *SERIES_COLOURS))
    colours = [FOCUS_COLOUR if s in focus else next(others) for s in series]
    fmt = (lambda v: fmt_percent(v, 1, lang)) if kind == "share" else (lambda v: fmt_index(v, lang))
    data = data.assign(label=[fmt(v) for v in data["value"]])
    axis = (
        _percent_axis(lang, texts.value_title)
        if kind == "share"
        else alt.Axis(format=".2f", title=texts.value_title)
    )
    colour = alt.Color("series:N", scale=alt.Scale(domain=series, range=colours), legend=None)
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", scale=alt.Scale(domain=[0, 1] if kind == "share" else [0, 0.8]), axis=axis)
    lines = alt.Chart(data).mark_line(point=True, strokeWidth=2.5).encode(x=x, y=y, color=colour)
    values = (
        alt.Chart(data)
        .mark_text(dy=-10, fontSize=10, font=FONT, color=TEXT_COLOUR)
        .encode(x=x, y=y, text="label:N")
    )
    last = data.sort_values("year").groupby("series", sort=False).tail(1)
    names = (
        alt.Chart(last)
        .mark_text(align="left", dx=8, dy=4, fontSize=11, fontWeight="bold", font=FONT)
        .encode(x=x, y=y, text="series:N", color=colour)
    )
    layered = alt.layer(lines, values, names).properties(width=WIDTH - 140, height=280)
    return _finish(layered, texts, lang)

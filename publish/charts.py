"""Charts as Vega-Lite specs rendered offline to SVG and PNG (Altair + vl-convert).

Why Altair 6 with vl-convert: the spec is plain JSON we can publish beside the picture, and
vl-convert renders it without a browser or network, with Finnish number locales built in.
Colours come from the Okabe–Ito colour-blind-safe palette and avoid pink/blue sex stereotypes;
women and men have the same colours in every chart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from publish.numbers import fmt_percent

WOMEN_COLOUR = "#E69F00"  # orange
MEN_COLOUR = "#009E73"  # bluish green
FOCUS_COLOUR = "#D55E00"  # vermillion: the region in focus
REFERENCE_COLOUR = "#6F6F6F"  # grey: the comparison (whole country)
LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}
FONT = "DejaVu Sans, Arial, sans-serif"


@dataclass(frozen=True)
class RenderedChart:
    spec: dict[str, Any]
    svg: bytes
    alt_text: str

    @property
    def spec_bytes(self) -> bytes:
        return (json.dumps(self.spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def render_svg(spec: dict[str, Any], lang: str) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec, format_locale=LOCALES[lang]).encode("utf-8")


def share_bars(
    data: pd.DataFrame,
    *,
    x: str,
    group: str,
    value: str,
    title: str,
    subtitle: str,
    source_line: str,
    focus: str,
    y_title: str,
    lang: str,
    alt_text: str,
) -> RenderedChart:
    """Grouped bars of a share (0–1) with direct value labels, the focus group highlighted."""
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
            legend=alt.Legend(title=None, orient="top"),
        ),
    )
    bars = base.mark_bar().encode(
        y=alt.Y(
            f"{value}:Q",
            title=y_title,
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format=".0%", labelExpr=_percent_axis_expr(lang)),
        ),
        tooltip=[
            alt.Tooltip(f"{group}:N"),
            alt.Tooltip(f"{x}:O"),
            alt.Tooltip(f"{value}:Q", format=".1%"),
        ],
    )
    labels = base.mark_text(dy=-6, fontSize=10, font=FONT).encode(
        y=alt.Y(f"{value}:Q"),
        text=alt.Text("label:N"),
        color=alt.value("#222222"),
    )
    chart = (
        (bars + labels)
        .properties(
            width=520,
            height=300,
            title=alt.TitleParams(
                text=title,
                subtitle=[subtitle, source_line],
                anchor="start",
                font=FONT,
                subtitleFont=FONT,
            ),
            description=alt_text,
        )
        .configure_axis(labelFont=FONT, titleFont=FONT)
        .configure_legend(labelFont=FONT)
        .configure_view(stroke=None)
    )
    spec = chart.to_dict()
    return RenderedChart(spec=spec, svg=render_svg(spec, lang), alt_text=alt_text)


def _percent_axis_expr(lang: str) -> str:
    """Axis labels '60 %' in Finnish and Swedish (a no-break space before %), '60%' in English."""
    if lang in ("fi", "sv"):
        return "replace(datum.label, '%', '\u00a0%')"
    return "datum.label"

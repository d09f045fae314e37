"""Drawing charts in worker processes: answers in the order asked whatever the number of workers,
a spec that cannot be drawn named in one clear error, and the system's fonts hidden from the
workers (they draw with vl-convert's built-in Liberation Sans only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.chart_drawing import ChartDrawer, ChartDrawingError, Job, draw_all
from publish.charts import LOCALES


def _spec(title: str, font: str = "Liberation Sans") -> dict:
    return {
        "data": {"values": [{"share": 0.586}]},
        "mark": {"type": "text", "fontSize": 20},
        "encoding": {"text": {"field": "share", "type": "quantitative", "format": ".1%"}},
        "title": title,
        "config": {"font": font},
    }


def test_answers_keep_the_order_of_the_jobs_and_the_same_bytes_with_one_or_two_workers():
    titles = ["Ensimmäinen", "Toinen", "Kolmas", "Neljäs", "Viides"]
    jobs = [Job(spec=_spec(t), locale=LOCALES["fi"], name=t) for t in titles]
    two = draw_all(jobs, workers=2)
    for title, (svg, png) in zip(titles, two, strict=True):
        assert title in svg.decode()
        assert "58,6\u00a0%" in svg.decode() or "58,6&#160;%" in svg.decode()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert draw_all(jobs, workers=1) == two


def test_a_spec_vl_convert_rejects_is_named_in_the_error():
    jobs = [
        Job(spec=_spec("Hyvä"), locale=LOCALES["fi"], name="Hyvä"),
        Job(spec={"mark": "no-such-mark"}, locale=LOCALES["fi"], name="Rikki"),
    ]
    with pytest.raises(ChartDrawingError, match="chart 'Rikki' could not be drawn"):
        draw_all(jobs, workers=2)


def test_drawing_outside_the_with_block_is_refused():
    with pytest.raises(RuntimeError, match="outside its 'with' block"):
        ChartDrawer(1).draw([Job(spec=_spec("A"), locale=LOCALES["fi"])])


@pytest.mark.skipif(
    not Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf").is_file(),
    reason="needs a system font vl-convert does not carry (DejaVu Serif)",
)
def test_workers_do_not_see_the_systems_fonts():
    import vl_convert as vlc

    jobs = [Job(spec=_spec("Työ", font), locale={}) for font in ("DejaVu Serif", "No Such Font")]
    (svg_system, png_system), (_, png_missing) = draw_all(jobs, workers=1)
    # In this process the system's DejaVu Serif is found and draws differently from a missing
    # font; in a worker it is as missing as a font that exists nowhere.
    here = vlc.svg_to_png(svg_system.decode(), scale=2)
    assert here != png_missing
    assert png_system == png_missing

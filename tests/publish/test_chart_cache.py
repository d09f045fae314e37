"""Charts kept between runs: the same bytes as drawing them, no drawing process when every
chart is kept, a changed chart or a damaged entry drawn again, failures never kept, the folder
kept within its size."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from publish import chart_cache
from publish.chart_cache import ChartCache
from publish.chart_drawing import ChartDrawer, ChartDrawingError, Job
from publish.charts import LOCALES


def _job(title: str) -> Job:
    spec = {
        "data": {"values": [{"share": 0.586}]},
        "mark": {"type": "text", "fontSize": 20},
        "encoding": {"text": {"field": "share", "type": "quantitative", "format": ".1%"}},
        "title": title,
    }
    return Job(spec=spec, locale=LOCALES["fi"], name=title)


def _entries(cache: ChartCache) -> list:
    return sorted(cache.folder.glob("*.chart"))


def test_a_kept_chart_has_the_drawn_bytes_and_starts_no_process(tmp_path):
    cache = ChartCache(tmp_path)
    jobs = [_job("Naiset"), _job("Miehet")]
    with ChartDrawer(1, cache=cache) as drawer:
        drawn = drawer.draw(jobs)
    assert len(_entries(cache)) == 2
    with ChartDrawer(1) as drawer:  # no cache: really drawn
        assert drawer.draw(jobs) == drawn
    with ChartDrawer(1, cache=cache) as drawer:
        drawer.start(jobs[:1])
        assert drawer.draw(jobs) == drawn
        assert multiprocessing.active_children() == []


def test_a_changed_chart_is_drawn_and_kept_beside_the_old_one(tmp_path):
    cache = ChartCache(tmp_path)
    with ChartDrawer(1, cache=cache) as drawer:
        (old,) = drawer.draw([_job("Vuosi 2023")])
    with ChartDrawer(1, cache=cache) as drawer:
        (new,) = drawer.draw([_job("Vuosi 2024")])
    assert b"2024" in new[0] and new != old
    assert len(_entries(cache)) == 2


def test_a_damaged_entry_is_drawn_again(tmp_path):
    cache = ChartCache(tmp_path)
    with ChartDrawer(1, cache=cache) as drawer:
        (drawn,) = drawer.draw([_job("Ehjä")])
    (entry,) = _entries(cache)
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert cache.get(entry.stem) is None
    with ChartDrawer(1, cache=cache) as drawer:
        assert drawer.draw([_job("Ehjä")]) == [drawn]
    assert cache.get(entry.stem) == drawn


def test_a_chart_that_cannot_be_drawn_is_not_kept(tmp_path):
    cache = ChartCache(tmp_path)
    broken = Job(spec={"mark": "no-such-mark"}, locale=LOCALES["fi"], name="Rikki")
    with pytest.raises(ChartDrawingError, match="chart 'Rikki'"), ChartDrawer(1, cache=cache) as d:
        d.draw([_job("Hyvä"), broken])
    assert _entries(cache) == []


def test_another_vl_convert_or_drawing_code_is_another_entry(tmp_path, monkeypatch):
    cache = ChartCache(tmp_path)
    before = cache.key("same spec")
    assert cache.key("same spec") == before and cache.key("other spec") != before
    monkeypatch.setattr(chart_cache, "drawing_version", lambda: "vl-convert-python 9.9")
    assert cache.key("same spec") != before


def test_the_entries_used_longest_ago_go_first(tmp_path):
    cache = ChartCache(tmp_path, max_bytes=2_500)
    now = time.time()
    for age, name in enumerate(["newest", "middle", "oldest"]):
        cache.put(name, b"<svg/>", bytes(1_000))
        os.utime(tmp_path / f"{name}.chart", (now - 60 * age, now - 60 * age))
    assert cache.get("oldest") is not None  # read now: used most recently
    cache.prune()
    assert [p.stem for p in _entries(cache)] == ["newest", "oldest"]


def test_no_cache_where_none_can_be_written_or_when_turned_off(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TASAPAINO_CACHE_DIR", str(blocker))
    assert ChartCache.default() is None
    monkeypatch.setenv("TASAPAINO_CACHE_DIR", str(tmp_path / "cache"))
    assert ChartCache.default().folder == tmp_path / "cache" / "charts"
    monkeypatch.setenv("TASAPAINO_CHART_CACHE", "0")
    assert ChartCache.default() is None

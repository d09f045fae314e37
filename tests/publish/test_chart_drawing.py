"""Drawing charts in worker processes: answers in the order asked whatever the number of workers,
a spec that cannot be drawn named in one clear error, the system's fonts hidden from the
workers (they draw with vl-convert's built-in Liberation Sans only), and no worker left behind
when the drawing process is stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publish.chart_drawing import ChartDrawer, ChartDrawingError, Job, draw_all
from publish.charts import LOCALES

ROOT = Path(__file__).resolve().parents[2]


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
    with pytest.raises(ChartDrawingError, match="chart 'Rikki' could not be drawn: ValueError"):
        draw_all(jobs, workers=2)


def test_drawing_outside_the_with_block_is_refused():
    with pytest.raises(RuntimeError, match="outside its 'with' block"):
        ChartDrawer(1).draw([Job(spec=_spec("A"), locale=LOCALES["fi"])])


def test_a_worker_that_dies_is_named_and_the_pool_still_closes():
    jobs = [Job(spec=_spec(f"K{i}"), locale=LOCALES["fi"], name=f"K{i}") for i in range(3)]
    with ChartDrawer(1) as drawer:
        assert len(drawer.draw(jobs[:1])) == 1
        (worker,) = _children(os.getpid(), "spawn_main")
        os.kill(worker, signal.SIGKILL)
        with pytest.raises(ChartDrawingError, match="chart 'K0': the drawing process stopped"):
            drawer.draw(jobs)
    assert not _alive(worker)


DRAWING_SCRIPT = """
import sys
from publish.chart_drawing import Job, draw_all

if __name__ == "__main__":
    spec = {"mark": "text", "encoding": {"text": {"value": "x"}}}
    print("drawing", flush=True)
    draw_all([Job(spec=spec, locale={}, name=str(i)) for i in range(100_000)])
"""


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_no_worker_outlives_a_stopped_drawing_process(tmp_path, stop):
    script = tmp_path / "draw.py"
    script.write_text(DRAWING_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
        preexec_fn=_default_signals,
    )
    try:
        assert parent.stdout is not None and parent.stdout.readline() == b"drawing\n"
        workers = _wait_for(lambda: _children(parent.pid, "spawn_main"), count=2)
        parent.send_signal(stop)
        parent.wait(timeout=30)
        _wait_for(lambda: [w for w in workers if _alive(w)], count=0)
    finally:
        parent.kill()
        parent.wait()


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


def _default_signals() -> None:
    """The drawing process starts as a service manager starts it: SIGTERM and SIGINT at their
    defaults. (An ignored signal is inherited across exec, and a test run in the same worker
    process may have left one ignored.)"""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})


def _children(pid: int, marker: str) -> list[int]:
    """Processes whose parent is ``pid`` and whose command line holds ``marker`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:  # ended meanwhile
            continue
        if int(stat[1]) == pid and marker.encode() in command:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(probe, count: int, seconds: float = 30) -> list[int]:
    deadline = time.monotonic() + seconds
    while True:
        found = probe()
        if len(found) == count:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {count} processes, found {found}")
        time.sleep(0.05)

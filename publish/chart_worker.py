"""A chart-drawing process: Vega-Lite specs in, SVG and PNG (2×) out, one chart at a time.

``publish.chart_drawing`` runs ``start`` once in each process of its pool, then ``draw`` per
chart.

Why processes of their own, with the system's fonts hidden from them: vl-convert 1.9 opens,
maps and unmaps the system's font *file* for every letter it measures or draws (about 0.1 ms a
letter, two thirds of a chart's drawing time), but serves its own built-in copy of Liberation Sans
from memory. Its font list is read once per process, from the fontconfig file named by
``FONTCONFIG_FILE``; pointing that at a configuration with one empty folder before the first
drawing leaves vl-convert its built-in Liberation Sans only. That must not leak into the
parent, whose other programs (Chromium in the page tests, for one) need the system's fonts, so
it is done here, in a process that does nothing else. A side effect wanted for reproducibility:
the pictures no longer depend on which fonts a machine happens to have installed.

Only the standard library and vl-convert are imported: the process starts in about half a
second, most of it vl-convert's JavaScript engine.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{folder}</dir></fontconfig>
"""


def font_config(empty_folder: Path) -> Path:
    """Write, in ``empty_folder`` (which must hold no fonts), a fontconfig file naming only it.

    A configuration naming no folder at all would not do: vl-convert then scans the usual
    system font folders instead.
    """
    config = empty_folder / "fonts.conf"
    config.write_text(FONTCONFIG.format(folder=empty_folder), encoding="utf-8")
    return config


def hide_system_fonts(empty_folder: Path) -> None:
    """Point this process's fontconfig at ``empty_folder`` (which must hold no fonts).

    Call before vl-convert draws anything in this process: it reads the font list once.
    """
    os.environ["FONTCONFIG_FILE"] = str(font_config(empty_folder))


def start(config: Path) -> None:
    """Set up a pool process: fonts hidden (``config`` from ``font_config``), vl-convert loaded.

    Descriptor 1 goes to standard error, so that nothing the engine prints can end up in the
    output of a command whose standard output is data. Ctrl-C reaches the whole process group:
    the workers ignore it and the parent, which gets it too, ends the pool in order. A parent
    killed outright cannot do that, so a thread ends this process when the parent is gone.
    """
    os.environ["FONTCONFIG_FILE"] = str(config)
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # even if the parent's was ignored
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    import vl_convert  # noqa: F401  (loaded here, in parallel, not at the first chart)


def _end_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)


def ready() -> bool:
    """Nothing: submitted once per process to start the pool's processes before any chart."""
    return True


def draw(spec: dict[str, Any], locale: dict[str, Any], scale: float) -> tuple[bytes, bytes]:
    """The SVG of a Vega-Lite spec (numbers in ``locale``) and that SVG rasterised at ``scale``.

    The PNG is rasterised from the SVG instead of running Vega a second time (about 40 % less
    time), so the two always show the same picture.
    """
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec, format_locale=locale)
    return svg.encode("utf-8"), vlc.svg_to_png(svg, scale=scale)

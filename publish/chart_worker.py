"""A chart-drawing process: Vega-Lite specs in, SVG and PNG (2×) out, one chart at a time.

Started by ``publish.chart_drawing`` as ``python -m publish.chart_worker``. Each job is one line
of JSON on standard input (``spec``, ``locale``, ``scale``); each answer is a header line on
standard output, ``ok <svg bytes> <png bytes>`` followed by the SVG and the PNG, or
``error <bytes>`` followed by the message.

Why a process of its own, with the system's fonts hidden from it: vl-convert 1.9 opens,
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

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{folder}</dir></fontconfig>
"""


def hide_system_fonts(empty_folder: Path) -> None:
    """Point this process's fontconfig at ``empty_folder`` (which must hold no fonts).

    Call before vl-convert draws anything in this process: it reads the font list once.
    A configuration naming no folder at all would not do: vl-convert then scans the usual
    system font folders instead.
    """
    config = empty_folder / "fonts.conf"
    config.write_text(FONTCONFIG.format(folder=empty_folder), encoding="utf-8")
    os.environ["FONTCONFIG_FILE"] = str(config)


def draw(spec: dict[str, Any], locale: dict[str, Any], scale: float) -> tuple[bytes, bytes]:
    """The SVG of a Vega-Lite spec (numbers in ``locale``) and that SVG rasterised at ``scale``.

    The PNG is rasterised from the SVG instead of running Vega a second time (about 40 % less
    time), so the two always show the same picture.
    """
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec, format_locale=locale)
    return svg.encode("utf-8"), vlc.svg_to_png(svg, scale=scale)


def serve(jobs: BinaryIO, answers: BinaryIO) -> None:
    """Answer each job line until the input closes (the parent is done, or gone)."""
    for line in jobs:
        job = json.loads(line)
        try:
            svg, png = draw(job["spec"], job["locale"], job["scale"])
        except Exception as err:  # vl-convert raises ValueError for specs it cannot draw
            message = f"{type(err).__name__}: {err}".encode()
            answers.write(b"error %d\n" % len(message) + message)
        else:
            answers.write(b"ok %d %d\n" % (len(svg), len(png)) + svg + png)
        answers.flush()


def main() -> None:
    # The answers get a descriptor of their own and descriptor 1 goes to standard error, so
    # that nothing the engine prints can end up inside a picture.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    with tempfile.TemporaryDirectory(prefix="tasapaino-no-fonts-") as folder:
        hide_system_fonts(Path(folder))
        serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()

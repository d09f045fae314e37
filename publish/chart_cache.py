"""Drawn charts kept between runs, looked up by everything that decides their bytes.

A monthly run whose data did not change draws the same charts again: about 70 pictures and
two vl-convert processes to start, seconds of CPU on a two-core machine. A chart's SVG and PNG
depend only on its Vega-Lite spec, the number locale, the PNG's scale, the vl-convert release
and the drawing code (``publish.chart_worker``: the fonts it hides), so those, hashed, name the
entry. A changed chart has another name and is drawn; nothing is ever invalidated by hand.

An entry is one file: the SVG's length, the SVG, the PNG and the SHA-256 of all of that. A
file that does not check out (a disk error, a write cut short by another process) is treated
as missing and drawn again, so a cache can make a run faster but never change what it
publishes. Writes go to a temporary file renamed into place, so concurrent runs sharing the
folder see whole entries or none. The folder is kept below ``MAX_BYTES`` by removing the
entries used longest ago.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
import tempfile
import time
from functools import cache
from importlib import metadata
from pathlib import Path

from publish import chart_worker
from publish.local_cache import writable_folder

# About 2,000 charts of a typical size: years of monthly runs of one region.
MAX_BYTES = 256 * 1024 * 1024
_SUFFIX = ".chart"
_PARTIAL = ".tmp"
_HEADER = struct.Struct(">Q")  # the SVG's length
_DIGEST = hashlib.sha256().digest_size


@cache
def drawing_version() -> str:
    """What besides the spec decides a chart's bytes: vl-convert's release and the drawing
    process's code (the fonts it hides and how it rasterises)."""
    try:
        vl_convert = metadata.version("vl-convert-python")
    except metadata.PackageNotFoundError:
        vl_convert = "unknown"
    code = hashlib.sha256(Path(chart_worker.__file__).read_bytes()).hexdigest()
    return f"vl-convert-python {vl_convert}; chart_worker {code}"


class ChartCache:
    """Drawn (SVG, PNG) pairs in ``folder``, one file each."""

    def __init__(self, folder: Path, max_bytes: int = MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes

    @classmethod
    def default(cls) -> ChartCache | None:
        """The cache in the user's cache folder (``TASAPAINO_CACHE_DIR`` to choose it;
        ``TASAPAINO_CHART_CACHE=0`` to draw every chart); None where it cannot be written."""
        if os.environ.get("TASAPAINO_CHART_CACHE", "1") == "0":
            return None
        folder = writable_folder("charts")
        return None if folder is None else cls(folder)

    def is_empty(self) -> bool:
        return next(self.folder.glob(f"*{_SUFFIX}"), None) is None

    def key(self, identity: str) -> str:
        """The entry's name for a chart whose spec, locale and scale ``identity`` spells out."""
        text = f"{drawing_version()}\n{identity}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, key: str) -> tuple[bytes, bytes] | None:
        path = self.folder / f"{key}{_SUFFIX}"
        try:
            data = path.read_bytes()
        except OSError:
            return None
        body, digest = data[:-_DIGEST], data[-_DIGEST:]
        if len(data) < _HEADER.size + _DIGEST or hashlib.sha256(body).digest() != digest:
            path.unlink(missing_ok=True)
            return None
        (svg_length,) = _HEADER.unpack_from(body)
        svg = body[_HEADER.size : _HEADER.size + svg_length]
        png = body[_HEADER.size + svg_length :]
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: pruned last
        return svg, png

    def put(self, key: str, svg: bytes, png: bytes) -> None:
        """Store a drawn chart; a full disk or a removed folder only costs the next run time."""
        body = _HEADER.pack(len(svg)) + svg + png
        try:
            handle, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=_PARTIAL)
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(body + hashlib.sha256(body).digest())
            os.replace(tmp, self.folder / f"{key}{_SUFFIX}")
        except OSError:
            Path(tmp).unlink(missing_ok=True)

    def prune(self) -> None:
        """Remove the entries used longest ago until the folder holds at most ``max_bytes``,
        and what a process stopped while writing left behind."""
        stale = time.time() - 3600
        for path in self.folder.glob(f".*{_PARTIAL}"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < stale:
                    path.unlink()
        entries = []
        for path in self.folder.glob(f"*{_SUFFIX}"):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size

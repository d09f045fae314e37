"""The Jinja2 environment of the release's own HTML pages (data page, explorer): one set of
settings, so that every page escapes the same way and fails on a missing value the same way."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent / "templates"


@functools.cache
def environment() -> Any:
    """Templates under ``publish/templates`` by their path (``data_page/index.html``): escaped,
    strict about undefined names. Built once per process; jinja2 is imported only here, so the
    code location loads without it."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )

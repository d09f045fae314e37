"""The release's quality pages, rendered by us from the outcomes GX produced.

GX's own Data Docs cost about 10 s per run (hundreds of Jinja compiles inside GX) and load ten
files from CDNs and a logo from S3, so a release opened offline showed empty pages. These pages
say the same — each expectation with its arguments, outcome, observed value and unexpected
examples — from files that are all in the release (one stylesheet, no scripts). Two templates,
compiled once per process; the same outcomes and date give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from checks.gx_runner import Outcome
from checks.suites import Rule

TEMPLATES = Path(__file__).with_name("templates")
CSS = "quality.css"


@cache
def _environment() -> Any:
    import jinja2  # only when pages are rendered: the code location loads without it

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _gx_version() -> str:
    try:
        return version("great-expectations")
    except PackageNotFoundError:
        return ""


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1, default=str)


def _state(o: Outcome) -> str:
    if o.passed:
        return "passed"
    return "failed" if o.severity == "error" else "warning"


def _rule_entry(o: Outcome, rule: Rule) -> dict[str, Any]:
    columns = list(dict.fromkeys(k for row in o.sample for k in row))
    return {
        "name": o.rule,
        "severity": o.severity.upper(),
        "state": _state(o),
        "passed": o.passed,
        "what": o.what,
        "fix": o.fix,
        "checked": o.checked,
        "failing": o.failing,
        "expectation": rule.expectation,
        "kwargs": _text(rule.kwargs),
        "observed": None if o.observed is None else _text(o.observed),
        "error": o.error,
        "sample": [{k: _cell(v) for k, v in row.items()} for row in o.sample],
        "columns": columns,
        "value_counts": [{k: _cell(v) for k, v in row.items()} for row in o.values],
    }


def _cell(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def render(
    outcomes: Iterable[Outcome],
    rules: dict[str, list[Rule]],
    *,
    run_date: str,
    rows: dict[tuple[str, str], int] | None = None,
) -> dict[str, bytes]:
    """``index.html``, ``quality.css`` and ``validations/<dataset>/<view>/index.html``.

    ``rows``: how many rows each (dataset, view) had; else the largest ``checked`` of its rules.
    """
    by_key = {(o.dataset, o.rule): o for o in outcomes}
    env = _environment()
    view_page = env.get_template("view.html.j2")
    files: dict[str, bytes] = {}
    datasets = []
    for dataset in dict.fromkeys(o.dataset for o in by_key.values()):
        views = []
        for view in dict.fromkeys(r.view for r in rules[dataset]):
            entries = [
                _rule_entry(by_key[(dataset, r.name)], r)
                for r in rules[dataset]
                if r.view == view and (dataset, r.name) in by_key
            ]
            if not entries:
                continue
            n = (rows or {}).get((dataset, view), max(e["checked"] for e in entries))
            failed = [e for e in entries if not e["passed"]]
            state = (
                "passed"
                if not failed
                else "failed"
                if any(e["state"] == "failed" for e in failed)
                else "warning"
            )
            entry = {
                "name": view,
                "rows": n,
                "rules": entries,
                "passed": len(entries) - len(failed),
                "failed": len(failed),
                "state": state,
                "href": f"validations/{dataset}/{view}/index.html",
            }
            views.append(entry)
            html = view_page.render(dataset=dataset, view=entry, run_date=run_date)
            files[entry["href"]] = html.encode("utf-8")
        datasets.append({"name": dataset, "views": views})
    all_outcomes = list(by_key.values())
    summary = {
        "rules": len(all_outcomes),
        "errors": sum(o.blocking for o in all_outcomes),
        "warnings": sum(not o.passed and o.severity == "warn" for o in all_outcomes),
    }
    index = env.get_template("index.html.j2").render(
        datasets=datasets, run_date=run_date, summary=summary, gx_version=_gx_version()
    )
    files["index.html"] = index.encode("utf-8")
    files[CSS] = (TEMPLATES / CSS).read_bytes()
    return files

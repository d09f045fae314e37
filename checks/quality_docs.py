"""The release's quality report: every suite's outcome as pages and JSON under ``quality/``.

Maintainers open ``quality/index.html`` in a release to see each expectation, its result and the
failing values. In a run the outcomes are those of the blocking checks (each dataset is
validated once per run; ``checks/assets.py`` reads them back from the run's check evaluations),
and the pages are rendered once from them (``checks/report.py``). Everything is pinned to the
release date, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from checks.gate import check_dataset, rules, summary
from checks.gate import datasets as checked_datasets
from checks.gx_runner import Outcome
from checks.report import render

PREFIX = "quality/"


def build_quality_files(
    datasets: dict[str, pd.DataFrame],
    *,
    run_date: dt.date,
    previous: pd.DataFrame | None = None,
    outcomes: dict[str, list[Outcome]] | None = None,
) -> tuple[dict[str, bytes], list[Outcome]]:
    """``quality/…`` files (pages + summary.json) and every outcome behind them.

    ``outcomes``: what the run's checks already found, per dataset; a dataset missing there is
    validated here (a table checked outside a run, or a run whose checks left no record).
    """
    found = dict(outcomes or {})
    every: list[Outcome] = []
    for name in checked_datasets():
        if name not in found and name not in datasets:
            continue
        if name not in found:
            found[name] = check_dataset(name, datasets[name], previous=previous)
        every.extend(found[name])
    pages = render(every, rules(), run_date=run_date.isoformat())
    files = {PREFIX + rel: data for rel, data in pages.items()}
    files[PREFIX + "summary.json"] = _summary_json(every)
    return files, every


def warnings_table(outcomes: list[Outcome]) -> pd.DataFrame:
    """WARN-severity failures, one row each: what the release's changelog lists."""
    rows = [
        {
            "dataset": o.dataset,
            "check": o.rule,
            "what": o.what,
            "failing": o.failing,
            "checked": o.checked,
            "fix": o.fix,
            "sample": json.dumps(o.sample[:5], ensure_ascii=False, sort_keys=True),
        }
        for o in outcomes
        if not o.passed and o.severity == "warn"
    ]
    return pd.DataFrame(
        rows, columns=["dataset", "check", "what", "failing", "checked", "fix", "sample"]
    )


def _summary_json(outcomes: list[Outcome]) -> bytes:
    doc = {
        "summary": summary(outcomes),
        "checks": [
            {
                "dataset": o.dataset,
                "check": o.rule,
                "severity": o.severity,
                "passed": o.passed,
                "failing": o.failing,
                "checked": o.checked,
                "what": o.what,
            }
            for o in outcomes
        ],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")

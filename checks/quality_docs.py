"""The release's quality report: GX Data Docs of every suite, as files for ``quality/``.

Maintainers open ``quality/index.html`` in a release to see each expectation, its result and the
failing values. The pages are rebuilt from the published datasets with a run id pinned to the
release date, and GX's per-build noise is removed, so the same inputs give the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from checks.gate import DATASETS, dataset_views, rules, summary
from checks.gx_runner import Outcome, Validator, stable_docs

PREFIX = "quality/"


def build_quality_files(
    datasets: dict[str, pd.DataFrame],
    *,
    run_date: dt.date,
    previous: pd.DataFrame | None = None,
) -> tuple[dict[str, bytes], list[Outcome]]:
    """``quality/…`` files (Data Docs + summary.json) and every outcome behind them."""
    with tempfile.TemporaryDirectory(prefix="tasapaino-quality-") as tmp, _utc_local_time():
        validator = Validator(docs_dir=Path(tmp))
        run_time = dt.datetime.combine(run_date, dt.time(), tzinfo=dt.UTC)
        validator.pin_run("release", run_time)
        outcomes: list[Outcome] = []
        for name in DATASETS:
            views = dataset_views(name, datasets[name], previous=previous)
            outcomes.extend(validator.validate(name, rules()[name], views))
        docs = stable_docs(Path(tmp))
    files = {PREFIX + rel: data for rel, data in docs.items()}
    files[PREFIX + "summary.json"] = _summary_json(outcomes)
    return files, outcomes


@contextlib.contextmanager
def _utc_local_time() -> Iterator[None]:
    """GX stores run times in the machine's local time zone (``RunIdentifierSchema`` dumps them
    with ``astimezone()``) and its pages label that time "Z"; with local time UTC while the
    pages are built they show the run date at 00:00 UTC in any time zone."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


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

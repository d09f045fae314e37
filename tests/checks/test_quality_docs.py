"""The release's quality/ folder: GX Data Docs, the same bytes for the same inputs."""

from __future__ import annotations

import datetime as dt
import json

from checks.quality_docs import build_quality_files, warnings_table


def test_data_docs_are_reproducible_and_complete(counts, shares, indices, changes):
    criteria = _criteria()
    datasets = {
        "counts": counts,
        "unit_shares": shares,
        "segregation_indices": indices,
        "criteria_results": criteria,
        "segregation_change": changes,
    }
    first, outcomes = build_quality_files(datasets, run_date=dt.date(2026, 11, 28))
    second, _ = build_quality_files(datasets, run_date=dt.date(2026, 11, 28))
    assert first == second
    assert "quality/index.html" in first
    assert any(n.startswith("quality/validations/counts/rows/") for n in first)
    summary = json.loads(first["quality/summary.json"])
    assert summary["summary"]["errors"] == 0
    assert len(summary["checks"]) == len(outcomes)


def test_warnings_table_lists_only_failed_warnings(counts):
    from checks.gate import check_dataset

    previous = counts.copy()
    previous["count"] = previous["count"] * 2  # every count halves: −50 % is still allowed
    previous.loc[previous.index[0], "count"] = previous["count"].iloc[0] * 3
    outcomes = check_dataset("counts", counts, previous=previous)
    table = warnings_table(outcomes)
    assert list(table["check"]) == ["plausible_change_since_previous_release"]
    assert table["failing"].iloc[0] == 1


def _criteria():
    import pandas as pd

    from assets.contracts import CRITERIA_RESULTS

    return pd.DataFrame(columns=CRITERIA_RESULTS.names)

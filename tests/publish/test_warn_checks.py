"""WARN-severity check failures of the run reach the release (and so its changelog)."""

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    DagsterInstance,
    asset,
    asset_check,
    materialize,
)

from publish.assets import _warn_checks
from publish.changelog import CheckWarning, merge_warnings, warnings_from_table


@asset
def numbers() -> int:
    return 1


# Declared blocking so that `downstream` waits for it (a WARN result still does not block);
# non-blocking checks may run after the release, which is why the release also reads the
# quality report's own table of warnings.
@asset_check(asset=numbers, blocking=True)
def moved_a_lot() -> AssetCheckResult:
    return AssetCheckResult(
        passed=False, severity=AssetCheckSeverity.WARN, description="MK17 moved 40 %"
    )


@asset_check(asset=numbers, blocking=True)
def fine() -> AssetCheckResult:
    return AssetCheckResult(passed=True, severity=AssetCheckSeverity.WARN)


seen: list = []


@asset(deps=[numbers])
def downstream(context: AssetExecutionContext) -> None:
    seen.extend(_warn_checks(context))


def test_only_failed_warn_checks_are_collected():
    with DagsterInstance.ephemeral() as instance:
        result = materialize([numbers, downstream, moved_a_lot, fine], instance=instance)
    assert result.success
    assert [(w.asset, w.check, w.description) for w in seen] == [
        ("numbers", "moved_a_lot", "MK17 moved 40 %")
    ]


def test_quality_table_rows_become_entries_and_duplicates_merge():
    table = pd.DataFrame(
        [
            {
                "dataset": "counts",
                "check": "year_over_year",
                "what": "a count moved more than 50 %",
                "failing": 2,
                "checked": 756,
                "fix": "compare with the source table",
                "sample": "[]",
            }
        ]
    )
    from_table = warnings_from_table(table)
    assert from_table == [
        CheckWarning(
            "counts",
            "year_over_year",
            "a count moved more than 50 % (2 / 756); compare with the source table",
        )
    ]
    from_events = [CheckWarning("counts", "year_over_year", "[WARN] other words")]
    assert merge_warnings(from_table, from_events) == from_table

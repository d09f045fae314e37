"""CHANGELOG.md: new years, revised cells, largest revisions and WARN checks, by hand."""

import pandas as pd

from assets.contracts import COUNTS
from publish.changelog import CheckWarning, compare_counts, render


def _counts(rows: list[tuple[str, int, str, str, int | None]]) -> pd.DataFrame:
    """Synthetic counts: (measure, year, unit_code, sex, count) on one table and region."""
    records = [
        {
            "source_table": "t1",
            "measure": measure,
            "classification": "c",
            "level": 1,
            "region_code": "SSS",
            "year": year,
            "unit_code": unit,
            "sex": sex,
            "count": count,
        }
        for measure, year, unit, sex, count in rows
    ]
    df = pd.DataFrame.from_records(records)
    assert set(COUNTS.primary_key) <= set(df.columns)
    df["count"] = df["count"].astype("Int64")
    return df


OLD = _counts(
    [
        ("degrees", 2018, "01", "women", 100),
        ("degrees", 2018, "01", "men", 50),
        ("degrees", 2018, "02", "women", 10),
        ("degrees", 2018, "02", "men", None),
    ]
)
NEW = _counts(
    [
        ("degrees", 2018, "01", "women", 130),  # +30
        ("degrees", 2018, "01", "men", 45),  # -5
        ("degrees", 2018, "02", "women", 10),  # unchanged
        ("degrees", 2018, "02", "men", 7),  # was suppressed: revised
        ("degrees", 2019, "01", "women", 120),  # new year
        ("degrees", 2019, "01", "men", 60),
        ("students", 2019, "01", "women", 1),  # new measure
    ]
)


def test_compare_counts_by_hand():
    diff = compare_counts(OLD, NEW)
    assert diff.new_years == {"degrees": [2019], "students": [2019]}
    assert len(diff.revised) == 3
    assert diff.added == 3 and diff.removed == 0
    # the suppressed cell has no numeric change and sorts first; then +30, then -5
    assert diff.revised["change"].tolist()[1:] == [30, -5]
    assert pd.isna(diff.revised["change"].iloc[0])


def test_identical_releases_have_no_changes():
    diff = compare_counts(OLD, OLD.copy())
    assert diff.new_years == {} and diff.revised.empty and diff.added == diff.removed == 0


def test_rendered_changelog_keeps_history_and_names_warnings():
    first = render("r1", None, None, []).decode()
    assert "Ensimmäinen julkaisu" in first and "Ei varoituksia" in first
    warn = CheckWarning("counts", "year_over_year", "MK17 degrees moved 40 %")
    second = render("r2", "r1", compare_counts(OLD, NEW), [warn], first).decode()
    assert second.startswith("# Muutosloki (changelog)\n\n## r2\n")
    assert "3 solua muuttui (cells changed); 3 lisätty (added), 0 poistettu (removed)." in second
    assert "| t1 | degrees | SSS | 2018 | 01 | women | 100 | 130 | +30 |" in second
    assert "- degrees: 2019" in second
    assert "- counts / year_over_year: MK17 degrees moved 40 %" in second
    assert second.index("## r2") < second.index("## r1")
    assert second.count("# Muutosloki") == 1

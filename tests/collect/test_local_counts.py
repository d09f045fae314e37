"""Local counts files (`tasapaino run --counts`): read to the contract, replace whole tables."""

from __future__ import annotations

import pandas as pd
import pytest

from assets.collect.local_counts import LocalCountsError, read_local_counts, replace_tables
from assets.contracts import COUNTS
from tests.checks.corpus import CORPUS

VALID = CORPUS / "counts_valid.csv"  # SYNTHETIC copy of the lukio table in the counts contract


def test_a_valid_csv_and_its_parquet_twin_read_to_the_same_typed_table():
    csv = read_local_counts(VALID)
    parquet = read_local_counts(CORPUS / "counts_valid.parquet")
    assert list(csv.frame.columns) == COUNTS.names
    assert str(csv.frame["count"].dtype) == "Int64" and len(csv.frame) == 84
    same = ["derivation"]
    pd.testing.assert_frame_equal(csv.frame.drop(columns=same), parquet.frame.drop(columns=same))
    assert len(csv.sha256) == 64


def test_every_row_says_it_came_from_the_file():
    local = read_local_counts(VALID)
    note = (
        f"from the local file counts_valid.csv (SHA-256 {local.sha256[:12]}), given with --counts"
    )
    derivations = local.frame["derivation"].tolist()
    assert all(d.endswith(note) for d in derivations)
    # a derivation the file already had stays first
    assert "men = total − women (the source publishes total and women); " + note in derivations
    assert note in derivations


def _counts(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """Tiny counts-like frame: (source_table, measure, sex, count)."""
    return pd.DataFrame(rows, columns=["source_table", "measure", "sex", "count"])


def _local(frame: pd.DataFrame, name: str = "fix.csv"):
    from pathlib import Path

    from assets.collect.local_counts import LocalCounts

    return LocalCounts(Path(name), "0" * 64, frame)


def test_a_local_table_replaces_exactly_its_own_table():
    run = _counts([("a", "m", "women", 1), ("a", "m", "men", 2), ("b", "m", "women", 3)])
    fix = _local(_counts([("a", "m", "women", 10), ("a", "m", "men", 20)]))
    out = replace_tables(run, [fix])
    assert sorted(zip(out["source_table"], out["count"], strict=True)) == [
        ("a", 10),
        ("a", 20),
        ("b", 3),
    ]


def test_a_table_the_run_does_not_know_is_refused():
    run = _counts([("a", "m", "women", 1)])
    with pytest.raises(LocalCountsError, match=r"fix.csv: table\(s\) a / other are not tables"):
        replace_tables(run, [_local(_counts([("a", "other", "women", 1)]))])


def test_the_same_table_in_two_files_is_refused():
    run = _counts([("a", "m", "women", 1)])
    one, two = _local(_counts([("a", "m", "women", 5)])), _local(_counts([("a", "m", "men", 5)]))
    with pytest.raises(LocalCountsError, match="also in an earlier --counts file"):
        replace_tables(run, [one, two])


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace(",43407,", ",43 407,", 1), r"column count has 1 value\(s\) that are "),
        (lambda t: t.replace(",43407,", ",12.5,", 1), r"first '12.5' on data row 1"),
        (lambda t: t.replace(",status,", ",tila,", 1), r"missing status; unknown tila"),
        (lambda t: t.replace(",", ";"), "separated by semicolons"),
        (lambda t: "", "the file is empty"),
        (lambda t: t.splitlines()[0] + "\n", "a header but no rows"),
        (lambda t: t.replace(",2018,", ",2018-ish,", 1), r"column year has 1 value"),
    ],
)
def test_a_mistyped_file_is_one_line_naming_the_file_and_the_fix(tmp_path, edit, message):
    bad = tmp_path / "fix.csv"
    bad.write_text(edit(VALID.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(LocalCountsError, match=message) as caught:
        read_local_counts(bad)
    assert str(caught.value).startswith(f"--counts {bad}: ") and "\n" not in str(caught.value)


def test_latin1_text_is_refused_not_guessed(tmp_path):
    bad = tmp_path / "fix.csv"
    bad.write_bytes(VALID.read_text(encoding="utf-8").encode("latin-1", "replace"))
    with pytest.raises(LocalCountsError, match=r"not UTF-8 text \(byte 0xe4 on line 2"):
        read_local_counts(bad)


def test_an_empty_count_is_a_suppressed_cell(tmp_path):
    text = VALID.read_text(encoding="utf-8").replace(",43407,,", ",,..,", 1)
    path = tmp_path / "fix.csv"
    path.write_text(text, encoding="utf-8")
    frame = read_local_counts(path).frame
    assert frame["count"].isna().sum() == 1 and (frame["status"] == "..").sum() == 1

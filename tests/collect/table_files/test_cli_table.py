"""``tasapaino run --table FILE`` end to end: a hand-given file's counts are published and
traced to the file in ``sources.csv``; a file of an unknown table stops the run in one line.

The fixtures are SYNTHETIC (tests/fixtures/table_files/README.md); the releases are written to
temporary folders only."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from pipelines.cli import main

HERE = Path(__file__).resolve().parents[2] / "fixtures" / "table_files"


def run_with(tmp_path_factory, name: str) -> Path:
    out = tmp_path_factory.mktemp("dist")
    code = main(["run", "--out", str(out), "--run-date", "2026-12-03", "--table", str(HERE / name)])
    assert code == 0
    return out / "latest"


@pytest.fixture(scope="module")
def px_release(tmp_path_factory) -> Path:
    return run_with(tmp_path_factory, "115s_utf8.px")


@pytest.fixture(scope="module")
def csv_release(tmp_path_factory) -> Path:
    return run_with(tmp_path_factory, "115s_fi.csv")


def source_row(release: Path) -> pd.Series:
    sources = pd.read_csv(release / "data" / "sources.csv", dtype=str, keep_default_na=False)
    rows = sources[(sources["source_table"] == "tyokay/115s") & (sources["measure"] == "employed")]
    assert len(rows) == 1
    return rows.iloc[0]


def published(release: Path) -> pd.DataFrame:
    counts = pd.read_csv(release / "data" / "counts.csv", dtype={"unit_code": str})
    return counts[counts["source_table"] == "tyokay/115s"]


@pytest.mark.parametrize(
    ("release", "name"), [("px_release", "115s_utf8.px"), ("csv_release", "115s_fi.csv")]
)
def test_the_release_traces_the_table_to_the_hand_given_file(request, release, name):
    row = source_row(request.getfixturevalue(release))
    assert row["file"] == name
    assert row["file_sha256"] == hashlib.sha256((HERE / name).read_bytes()).hexdigest()
    assert name in row["note"]


@pytest.mark.parametrize("release", ["px_release", "csv_release"])
def test_the_files_counts_are_published(request, release):
    counts = published(request.getfixturevalue(release))
    assert len(counts) == 56
    men_211 = counts[
        (counts["unit_code"] == "211")
        & (counts["region_code"] == "SSS")
        & (counts["year"] == 2021)
        & (counts["sex"] == "men")
    ]
    assert men_211["count"].tolist() == [5000]
    assert counts["derivation"].str.contains("hand-given file", regex=False).all()


def test_a_px_file_of_an_unknown_table_is_refused_in_one_line(capsys, tmp_path):
    unknown = HERE / "11re_unknown.px"
    code = main(
        ["run", "--out", str(tmp_path), "--run-date", "2026-12-03", "--table", str(unknown)]
    )
    assert code == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "11re_unknown.px" in lines[0] and "statfin_vaerak_pxt_11re" in lines[0]
    assert "not a configured source table" in lines[0]
    assert "Traceback" not in captured.err
    assert not (tmp_path / "latest").exists()

"""``tasapaino indices``: exact JSON keys, nulls, --within, --by, formats and one-line errors."""

import csv
import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from pipelines.cli import main
from tests.indices.reference import REFERENCE

KEYS = [
    "dissimilarity",
    "karmel_maclachlan",
    "gini",
    "theil_h",
    "mutual_information_m",
    "hutchens",
    "charles_grusky_a",
    "balanced_share",
    "size_standardized_dissimilarity",
    "mutual_information_m_log2",
]
WITHIN = ["M_total", "M_between", "M_within", "H_total", "H_between", "H_within"]
WITHIN += ["S_total", "S_between", "S_within"]


def run(capsys, *argv):
    code = main(["indices", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def write_long(tmp_path, rows, name="t.csv"):
    path = tmp_path / name
    pd.DataFrame(rows, columns=["unit", "group", "count"]).to_csv(path, index=False)
    return path


def test_json_has_exactly_the_keys_and_hand_worked_values(tmp_path, capsys):
    path = write_long(
        tmp_path, [("a", "women", 30), ("a", "men", 10), ("b", "women", 10), ("b", "men", 30)]
    )
    code, out, _ = run(capsys, "--input", str(path))
    assert code == 0
    got = json.loads(out)
    assert list(got) == KEYS
    assert got["dissimilarity"] == pytest.approx(0.5)
    assert got["karmel_maclachlan"] == pytest.approx(0.25)
    assert got["charles_grusky_a"] == pytest.approx(3.0)
    assert got["balanced_share"] == 0.0


def test_undefined_is_null_and_the_reason_goes_to_stderr(tmp_path, capsys):
    path = write_long(
        tmp_path, [("a", "women", 5), ("a", "men", 0), ("b", "women", 1), ("b", "men", 3)]
    )
    code, out, err = run(capsys, "--input", str(path))
    assert code == 0
    got = json.loads(out)
    assert got["charles_grusky_a"] is None
    assert got["dissimilarity"] is not None
    assert "charles_grusky_a undefined" in err


def test_a_missing_sex_gives_nulls(tmp_path, capsys):
    path = write_long(tmp_path, [("a", "women", 5), ("b", "women", 7)])
    code, out, err = run(capsys, "--input", str(path))
    assert code == 0
    assert all(v is None for v in json.loads(out).values())
    assert "one sex has no persons" in err


def test_within_reproduces_the_published_decomposition(capsys):
    path = REFERENCE / "schools00_race_by_state.csv"
    code, out, err = run(capsys, "--input", str(path), "--within", "region")
    assert code == 0
    got = json.loads(out)
    assert list(got) == KEYS + WITHIN
    assert round(got["mutual_information_m"], 3) == 0.426
    assert round(got["M_between"], 4) == 0.0992
    assert round(got["M_within"], 3) == 0.326
    assert round(got["H_within"], 3) == 0.321
    assert got["dissimilarity"] is None and got["S_total"] is None  # five groups
    assert "needs exactly the two groups" in err


def test_within_two_groups_gives_s(capsys):
    path = REFERENCE / "schools00_white_black_by_state.csv"
    code, out, _ = run(capsys, "--input", str(path), "--within", "region")
    assert code == 0
    got = json.loads(out)
    assert got["S_between"] + got["S_within"] == pytest.approx(got["S_total"], rel=1e-12)
    assert got["S_total"] == pytest.approx(got["hutchens"], rel=1e-12)


def test_by_gives_one_row_per_group_in_csv_and_parquet(tmp_path, capsys):
    path = REFERENCE / "schools00_white_black_by_state.csv"
    code, out, _ = run(capsys, "--input", str(path), "--by", "region", "--format", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == ",".join(["region", *KEYS])
    assert [line.split(",")[0] for line in lines[1:]] == ["A", "B", "C"]
    target = tmp_path / "out.parquet"
    code, _, _ = run(
        capsys,
        "--input",
        str(path),
        "--by",
        "region",
        "--format",
        "parquet",
        "--output",
        str(target),
    )
    df = pd.read_parquet(target)
    assert df.columns.tolist() == ["region", *KEYS]
    state_a = pd.read_csv(path).query("region == 'A'")
    wide = state_a.pivot(index="unit", columns="group", values="count").fillna(0)
    d = 0.5 * (wide["women"] / wide["women"].sum() - wide["men"] / wide["men"].sum()).abs().sum()
    assert df.loc[df["region"] == "A", "dissimilarity"].item() == pytest.approx(d, rel=1e-12)


def test_by_json_lines_and_parquet_input(tmp_path, capsys):
    src = pd.read_csv(REFERENCE / "schools00_white_black_by_state.csv")
    path = tmp_path / "in.parquet"
    src.to_parquet(path, index=False)
    code, out, _ = run(capsys, "--input", str(path), "--by", "region")
    assert code == 0
    rows = [json.loads(line) for line in out.strip().splitlines()]
    assert [r["region"] for r in rows] == ["A", "B", "C"]
    assert list(rows[0]) == ["region", *KEYS]


def test_a_missing_count_leaves_the_unit_out(tmp_path, capsys):
    path = write_long(
        tmp_path,
        [
            ("a", "women", 30),
            ("a", "men", 10),
            ("b", "women", 10),
            ("b", "men", 30),
            ("c", "women", None),
            ("c", "men", 50),
        ],
    )
    code, out, err = run(capsys, "--input", str(path))
    assert code == 0
    assert json.loads(out)["dissimilarity"] == pytest.approx(0.5)
    assert "1 unit(s) with a missing count left out" in err


@pytest.mark.parametrize(
    ("rows", "argv", "message"),
    [
        ([("a", "women", -1)], [], "negative count"),
        ([("a", "women", "many")], [], "is not a number"),
        ([("a", "women", 1), ("a", "women", 2)], [], "repeats the table, unit and group"),
        ([("a", "women", 1)], ["--count-col", "n"], "no column 'n'"),
        ([("a", "women", 1)], ["--format", "parquet"], "needs --output"),
        ([("a", "women", 1)], ["--by", "unit"], "named twice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, rows, argv, message):
    path = write_long(tmp_path, rows)
    code, out, err = run(capsys, "--input", str(path), *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_missing_file_from_the_shell_exits_2_without_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "indices", "--input", str(tmp_path / "no.csv")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"tasapaino indices: --input {tmp_path / 'no.csv'}: no such file; give a CSV or "
        "Parquet file"
    )


def test_row_order_does_not_matter(tmp_path, capsys):
    # Sorted rows are coded run by run, shuffled rows one by one: the results must agree.
    src = pd.read_csv(REFERENCE / "schools00_white_black_by_state.csv")
    shuffled = tmp_path / "shuffled.csv"
    src.sample(frac=1.0, random_state=1).to_csv(shuffled, index=False)
    _, sorted_out, _ = run(
        capsys,
        "--input",
        str(REFERENCE / "schools00_white_black_by_state.csv"),
        "--by",
        "region",
        "--format",
        "csv",
    )
    code, shuffled_out, _ = run(
        capsys, "--input", str(shuffled), "--by", "region", "--format", "csv"
    )
    assert code == 0
    got = pd.read_csv(io.StringIO(shuffled_out))
    expected = pd.read_csv(io.StringIO(sorted_out))
    pd.testing.assert_frame_equal(got, expected, rtol=1e-12)


def test_csv_is_what_the_csv_module_writes_of_the_json_lines(tmp_path, capsys):
    # Labels that need quoting, a number label and undefined (empty) values: the release's CSV
    # writer, which writes this format, must give the bytes the csv module gives (LF line ends,
    # shortest float repr, NaN as an empty cell).
    labels = ['Pohjois-Pohjanmaa, "POP"', "rivi\nrivi", "tavallinen", "ä ö"]
    rows = [
        {"lab": lab, "year": 2000 + y, "unit": u, "group": g, "count": (u + 1) * (y + 2) % 7}
        for lab in labels
        for y in range(2)
        for u in range(3)
        for g in ("women", "men")
    ]
    path = tmp_path / "labels.parquet"
    pd.DataFrame(rows).to_parquet(path, index=False)
    argv = ["--input", str(path), "--by", "lab,year"]
    code, text, _ = run(capsys, *argv, "--format", "csv")
    assert code == 0
    _, lines, _ = run(capsys, *argv, "--format", "json")
    records = [json.loads(line) for line in lines.splitlines()]
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(["lab", "year", *KEYS])
    for record in records:
        writer.writerow(["" if record[k] is None else record[k] for k in ["lab", "year", *KEYS]])
    assert text == expected.getvalue()
    assert '"Pohjois-Pohjanmaa, ""POP"""' in text and '"rivi\nrivi"' in text

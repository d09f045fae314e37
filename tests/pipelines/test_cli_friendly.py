"""`tasapaino check` reads the release's own Excel CSV and names other layouts; `tasapaino
indices` reads women/men in Finnish, Swedish and StatFin codes, or as named."""

import json

import pandas as pd
import pytest

from pipelines.cli import main
from publish import bundle
from publish.release import write_release
from tests.publish.release_fixtures import RUN_DATE


@pytest.fixture(scope="module")
def release(release_datasets, sources, tmp_path_factory):
    root = tmp_path_factory.mktemp("dist")
    files = bundle.build(release_datasets, sources, {}, run_date=RUN_DATE, code_version="test")
    write_release(root, "r1", files)
    return root / "latest" / "data"


def _check(capsys, path):
    code = main(["check", str(path)])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_check_accepts_the_release_counts_in_both_csv_dialects(capsys, release):
    for name in ("counts.csv", "counts_excel.csv", "counts.parquet"):
        code, text = _check(capsys, release / name)
        assert code == 0, text
        assert "valid — counts table, 756 rows" in text
    assert "(Excel CSV)" in _check(capsys, release / "counts_excel.csv")[1]


def test_check_judges_the_excel_values_not_a_lookalike(capsys, release, tmp_path):
    """A negative count in the Excel CSV is still found (the dialect is read, not skipped)."""
    text = (release / "counts_excel.csv").read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    header = lines[0].split(";")
    row = lines[1].split(";")
    row[header.index("count")] = "-5"
    lines[1] = ";".join(row)
    bad = tmp_path / "counts_excel.csv"
    bad.write_bytes(("\ufeff" + "\r\n".join(lines)).encode("utf-8"))
    code, out = _check(capsys, bad)
    assert code == 1 and "-5" in out and "nan" not in out.lower().replace("nan_", "")


@pytest.mark.parametrize(
    "name", ["unit_shares.csv", "unit_shares_excel.csv", "segregation_indices.parquet"]
)
def test_check_names_another_layout_in_one_line(capsys, release, name):
    code, text = _check(capsys, release / name)
    assert code == 2
    assert text.strip().count("\n") == 0
    layout = name.split(".")[0].removesuffix("_excel")
    assert f"this looks like {layout}" in text and "check accepts" in text


def test_check_messages_never_say_nan(capsys, tmp_path, release):
    counts = pd.read_csv(release / "counts.csv", dtype=str, keep_default_na=False)
    counts.loc[0, "count"] = ""
    counts.loc[1, "region_code"] = ""
    counts.loc[2, "year"] = "x"
    path = tmp_path / "gaps.csv"
    counts.to_csv(path, index=False)
    code, text = _check(capsys, path)
    assert code == 1, text
    assert not [w for w in text.replace(",", " ").split() if w.strip("'()=:") in ("nan", "<NA>")]


def _indices(capsys, *argv):
    code = main(["indices", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _long(tmp_path, groups, name="t.csv"):
    rows = [("a", groups[0], 10), ("a", groups[1], 5), ("b", groups[0], 3), ("b", groups[1], 9)]
    path = tmp_path / name
    pd.DataFrame(rows, columns=["unit", "group", "count"]).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "groups", [("women", "men"), ("Naiset", "MIEHET"), ("kvinnor", "Män"), (2, 1)]
)
def test_indices_reads_women_and_men_in_every_usual_spelling(capsys, tmp_path, groups):
    code, out, _ = _indices(capsys, "--input", str(_long(tmp_path, groups)))
    assert code == 0
    # women 13 (10 + 3), men 14 (5 + 9): D = ½ (|10/13 − 5/14| + |3/13 − 9/14|)
    want = 0.5 * (abs(10 / 13 - 5 / 14) + abs(3 / 13 - 9 / 14))
    assert json.loads(out)["dissimilarity"] == pytest.approx(want, rel=1e-12)


def test_indices_with_named_groups(capsys, tmp_path):
    path = _long(tmp_path, ("F", "M"))
    code, out, err = _indices(capsys, "--input", str(path))
    assert code == 0 and json.loads(out)["dissimilarity"] is None
    assert "groups seen in column 'group': 'F', 'M'" in err and "--women LABEL" in err
    code, out, _ = _indices(capsys, "--input", str(path), "--women", "f", "--men", "M")
    assert code == 0 and json.loads(out)["dissimilarity"] == pytest.approx(0.4120879120879)


def test_indices_unknown_group_is_one_clear_line(capsys, tmp_path):
    path = _long(tmp_path, ("F", "M"))
    code, _, err = _indices(capsys, "--input", str(path), "--women", "W", "--men", "M")
    assert code == 2 and err.strip().count("\n") == 0
    assert "--women W: no such group" in err and "groups seen: 'F', 'M'" in err
    rows = pd.read_csv(_long(tmp_path, ("2", "1")))
    rows.loc[len(rows)] = ["a", "SSS", 15]
    rows.to_csv(tmp_path / "total.csv", index=False)
    code, _, err = _indices(capsys, "--input", str(tmp_path / "total.csv"))
    assert code == 2 and err.strip().count("\n") == 0
    assert "groups other than women and men: 'SSS'" in err


def test_check_names_a_damaged_copy_of_another_layout(capsys, release, tmp_path):
    shares = pd.read_csv(release / "unit_shares.csv").drop(columns=["m_contribution"])
    shares.to_csv(tmp_path / "shares.csv", index=False)
    code, text = _check(capsys, tmp_path / "shares.csv")
    assert code == 2 and "this looks like unit_shares" in text
    assert text.strip().count("\n") == 0

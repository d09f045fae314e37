"""Every file of the bad-input corpus behaves as its manifest says through `tasapaino check`."""

from __future__ import annotations

import pytest

from pipelines.cli import main
from tests.checks.corpus import CORPUS, manifest

MANIFEST = manifest()


def test_corpus_is_complete_and_large_enough():
    on_disk = {p.name for p in CORPUS.iterdir() if p.suffix in {".csv", ".json", ".parquet"}}
    assert on_disk == set(MANIFEST)
    assert len(MANIFEST) >= 30


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_check_command(name, capsys):
    spec = MANIFEST[name]
    code = main(["check", str(CORPUS / name)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == spec["check"], out + err
    if code == 0:
        assert out.splitlines()[0].startswith(f"{CORPUS / name}: valid — ")
        assert not err
    elif code == 1:
        failed = {line.split()[1].rstrip(":") for line in out.splitlines() if "  ERROR " in line}
        assert set(spec["fails"]) <= failed, out
        # every failure says what (the ERROR line), where (at …) and what to do (→ …)
        blocks = out.split("\n  ERROR ")[1:]
        assert blocks and all("\n    at " in b and "\n    → " in b for b in blocks), out
    else:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and not out
        assert spec["message"] in lines[0]


def test_where_names_row_and_codes(capsys):
    assert main(["check", str(CORPUS / "negative_count.csv")]) == 1
    out = capsys.readouterr().out
    # data row 4 of the file is Uusimaa (MK01), men, 2018, count -5
    assert "at row 4 (" in out and "region_code=MK01" in out and "sex=men" in out
    assert "value -5" in out


def test_raw_failure_names_the_cell(capsys):
    assert main(["check", str(CORPUS / "unknown_region.json")]) == 1
    out = capsys.readouterr().out
    assert "region_code_known" in out and "'MK99'" in out and "at cell " in out


def test_missing_file_is_one_line(capsys, tmp_path):
    assert main(["check", str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "no such file" in err


def test_directory_is_one_line(capsys, tmp_path):
    assert main(["check", str(tmp_path)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1

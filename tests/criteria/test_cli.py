"""``tasapaino criteria`` validates the catalogue and responses in one line each."""

from __future__ import annotations

import yaml

from pipelines.cli import main
from tests.criteria.conftest import SYNTHETIC_RESPONSES


def test_the_shipped_catalogue_is_valid(capsys):
    assert main(["criteria"]) == 0
    out = capsys.readouterr().out
    assert "3 criteria sets valid" in out
    assert "osmo2-equality 0.1.1" in out


def test_a_broken_catalogue_is_one_line_naming_file_and_entry(capsys, catalogue_copy):
    path = catalogue_copy / "tasapaino-trends.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["criteria"][0]["metric"] = "no_such_metric"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert main(["criteria", "--catalogue", str(catalogue_copy)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("tasapaino criteria: ")
    assert "tasapaino-trends.yaml" in err and "criterion 'toward_balance'" in err


def test_responses_are_summarised_without_names(capsys):
    # SYNTHETIC responses: 15 rows, 9 organisations, 18 aggregates of which 8 suppressed.
    assert main(["criteria", "--responses", str(SYNTHETIC_RESPONSES)]) == 0
    out = capsys.readouterr().out
    assert "15 rows from 9 organisations valid; 18 aggregates, 8 of them suppressed" in out
    assert "SYNTHETIC" not in out


def test_a_missing_responses_folder_is_a_usage_error(capsys, tmp_path):
    assert main(["criteria", "--responses", str(tmp_path / "nope")]) == 2
    assert "not a folder" in capsys.readouterr().err

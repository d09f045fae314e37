"""`tasapaino run` end to end on the bundled snapshot, into a temporary folder."""

import json

import pandas as pd
import pytest

from pipelines.cli import main


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    assert main(["run", "--out", str(out), "--run-date", "2026-11-28"]) == 0
    return out / "latest"


def test_release_has_data_metadata_and_article(release):
    names = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    for ds in (
        "counts",
        "unit_shares",
        "segregation_indices",
        "criteria_results",
        "segregation_change",
    ):
        assert f"data/{ds}.csv" in names and f"data/{ds}.parquet" in names
    assert "datapackage.json" in names and "SHA256SUMS" in names
    assert any(n.startswith("articles/fi/") and n.endswith("index.md") for n in names)
    assert any(n.startswith("articles/fi/") and n.endswith(".svg") for n in names)


def test_csv_and_parquet_agree(release):
    csv = pd.read_csv(release / "data" / "counts.csv")
    parquet = pd.read_parquet(release / "data" / "counts.parquet")
    assert len(csv) == len(parquet) == 756
    assert csv["count"].sum() == parquet["count"].sum()


def test_datapackage_names_every_resource(release):
    doc = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    datasets = {
        "counts",
        "unit_shares",
        "segregation_indices",
        "criteria_results",
        "segregation_change",
        "self_assessment_summary",
    }
    twins = {f"{name}_{kind}" for name in datasets for kind in ("excel", "parquet")}
    assert {r["name"] for r in doc["resources"]} == {
        *datasets,
        *twins,
        "sources",
        "measures",
        "indices",
        "key_figures_fi",
        "key_figures_sv",
        "key_figures_en",
    }
    on_disk = {p.relative_to(release).as_posix() for p in (release / "data").iterdir()}
    assert on_disk == {r["path"] for r in doc["resources"]}
    assert doc["licenses"][0]["name"] == "CC-BY-4.0"
    assert doc["version"] == "20201105-20261128"


def test_a_live_run_with_a_malformed_api_root_is_a_usage_error(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("TASAPAINO_STATFIN_URL", "pxdata.stat.fi/PxWeb/api/v1")
    assert main(["run", "--out", str(tmp_path), "--source", "live"]) == 2
    assert "TASAPAINO_STATFIN_URL=pxdata.stat.fi/PxWeb/api/v1: not an http(s) URL" in (
        capsys.readouterr().err
    )


def test_snapshot_folder_is_checked(capsys, tmp_path):
    assert main(["run", "--out", str(tmp_path), "--snapshot", str(tmp_path / "nope")]) == 2
    assert "not a snapshot folder" in capsys.readouterr().err


def test_full_refresh_without_live_is_a_usage_error(capsys, tmp_path):
    assert main(["run", "--out", str(tmp_path), "--full-refresh"]) == 2
    assert "--full-refresh: only meaningful with --source live" in capsys.readouterr().err


def test_a_missing_counts_file_is_a_usage_error(capsys, tmp_path):
    assert main(["run", "--out", str(tmp_path), "--counts", str(tmp_path / "nope.csv")]) == 2
    assert f"--counts {tmp_path / 'nope.csv'}: no such file" in capsys.readouterr().err


def test_a_bad_counts_file_stops_the_run_with_the_check_and_no_traceback(capsys, tmp_path):
    from tests.checks.corpus import CORPUS

    bad = CORPUS / "counts_negative.parquet"  # SYNTHETIC: one count made negative
    assert main(["run", "--out", str(tmp_path), "--counts", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "check counts:count_not_negative failed: count is negative (1 of 756)" in err
    assert "value=-3" in err and "Nothing was published" in err
    assert "Traceback" not in err and "Stack Trace" not in err
    assert not (tmp_path / "latest").exists()

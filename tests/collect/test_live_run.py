"""``tasapaino run --source live`` against an imitation of StatFin with the real tables' layouts.

The imitation (tests/collect/live_services.py) serves 115q, 115s and 12br with every variable
the real tables have, splits nothing for the client (the client must split queries under the
120 000-cell limit itself) and can fail on purpose. SYNTHETIC numbers: each cell's value is
computed from its coordinates, so a published count can be checked against the server's.
"""

from __future__ import annotations

import io
import time

import pandas as pd
import pytest

from pipelines.cli import main
from tests.collect import live_services
from tests.collect.pxweb_mock import cell_value

RUN_DATE = "2026-12-03"


@pytest.fixture
def services(tmp_path, monkeypatch):
    yield from live_services.start(tmp_path, monkeypatch, vipunen=False)


@pytest.fixture
def small_services(tmp_path, monkeypatch):
    yield from live_services.start(tmp_path, monkeypatch, years=2, vipunen=True)


def release_csv(out, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "latest" / "data" / name, dtype=str, keep_default_na=False)


def run(out, *extra: str) -> int:
    return main(["run", "--source", "live", "--out", str(out), "--run-date", RUN_DATE, *extra])


@pytest.mark.slow
def test_live_run_publishes_the_statfin_tables_beside_the_bundled_ones(services, tmp_path, capsys):
    out = tmp_path / "dist"
    assert run(out) == 0
    printed = capsys.readouterr().out
    assert "published with 3 stale/missing tables:" in printed
    assert "vipunen/amk_opiskelijat_ja_tutkinnot (polytechnic_degrees): missing" in printed
    assert "opiskt/12bd (new_students): missing" in printed
    assert "fix: confirm the id of opiskt/12bd with `tasapaino sources check`" in printed

    counts = release_csv(out, "counts.csv")
    level1 = counts[
        counts["source_table"].eq("tyokay/115s")
        & counts["level"].eq("1")
        & counts["region_code"].isin(["MK17", "SSS"])
    ]
    assert sorted(level1["year"].astype(int).unique()) == list(range(2010, 2024))
    assert set(level1["region_code"]) == {"MK17", "SSS"}
    assert len(level1) == 11 * 2 * 14 * 2  # 10 major groups + X, two regions, 14 years, 2 sexes
    code = {"women": "2", "men": "1"}
    for row in level1.itertuples():
        coords = (row.unit_code, row.region_code, code[row.sex], row.year, "tyokay-tyolliset2")
        assert int(row.count) == cell_value(coords), coords
    assert {"transcribed", "statfin"} <= set(counts["source"])

    sources = release_csv(out, "sources.csv").set_index(["source_table", "measure"])
    assert sources.loc[("tyokay/115s", "employed"), "status"] == "current"
    missing = sources[sources["status"].eq("missing")]
    assert set(missing.index) == {
        ("opiskt/12bd", "new_students"),
        ("opiskt/12bd", "degrees"),
        ("vipunen/amk_opiskelijat_ja_tutkinnot", "polytechnic_degrees"),
    }
    assert "is not in the folder listing" in missing.loc[("opiskt/12bd", "degrees"), "note"]
    assert (
        "connection failed"
        in missing.loc[("vipunen/amk_opiskelijat_ja_tutkinnot", "polytechnic_degrees"), "note"]
    )
    # 12br covers 2019 like the bundled transcription: the API table is used, the other gives
    # way for that statistic, and says so; the same for 115q's national levels 1-3 against 115s.
    vkour = sources.loc[("vkour_2019_2020-11-05_tau_001", "population_with_qualification")]
    assert "set aside in favour of vkour/12br" in vkour["note"]
    assert "set aside in favour of tyokay/115s" in sources.loc[("tyokay/115q", "employed"), "note"]
    indices = release_csv(out, "segregation_indices.csv")
    key = ["dimension", "classification", "level", "measure", "region_code", "year", "index"]
    assert not indices.duplicated(key).any()


@pytest.mark.slow
def test_strict_fails_as_soon_as_one_table_cannot_be_read(services, tmp_path, capsys):
    out = tmp_path / "dist"
    assert run(out, "--strict") == 1
    err = capsys.readouterr().err
    assert "statfin opiskt/12bd: table '12bd' is not in the folder listing" in err
    assert "Nothing was published" in err
    assert not (out / "latest").exists()


@pytest.mark.slow
def test_a_table_failing_every_time_is_missing_then_stale_with_its_old_rows(
    small_services, tmp_path, capsys
):
    out = tmp_path / "dist"
    assert run(out) == 0  # every imitated table answers: only the unconfirmed ids are missing
    before = release_csv(out, "counts.csv")
    old = before[before["source_table"].eq("vkour/12br")]
    assert len(old) > 0
    small_services.misbehave(lambda m, p: "/12br.px" in p, "500")  # metadata and data
    capsys.readouterr()
    assert main(["run", "--source", "live", "--out", str(out), "--run-date", "2026-12-04"]) == 0
    printed = capsys.readouterr().out
    assert "vkour/12br (population_with_qualification): stale" in printed
    assert "HTTP 500" in printed
    after = release_csv(out, "counts.csv")
    kept = after[after["source_table"].eq("vkour/12br")]
    assert kept.reset_index(drop=True).equals(old.reset_index(drop=True))  # byte for byte
    sources = release_csv(out, "sources.csv").set_index(["source_table", "measure"])
    row = sources.loc[("vkour/12br", "population_with_qualification")]
    assert row["status"] == "stale"
    assert row["referred"] == before_referred(out)
    assert "the rows of the previous release are kept" in row["note"]


def before_referred(out) -> str:
    """The retrieval date of 12br in the first release (kept by the stale copy)."""
    releases = sorted((out / "releases").iterdir())
    first = pd.read_csv(io.StringIO((releases[0] / "data" / "sources.csv").read_text()), dtype=str)
    row = first[first["source_table"].eq("vkour/12br")]
    return str(row["referred"].iloc[0])


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("hang", "TASAPAINO_HTTP_"),
        ("trickle", "still arriving after the deadline"),
        ("html", "Huoltokatko"),
    ],
)
def test_a_misbehaving_service_ends_the_strict_run_quickly_in_one_line(
    small_services, tmp_path, capsys, action, expected
):
    small_services.misbehave(lambda m, p: "/pxweb/" in p, action, seconds=60)
    out = tmp_path / "dist"
    started = time.monotonic()
    assert run(out, "--strict") == 1
    assert time.monotonic() - started < 60  # the deadline here is 5 s a table (live_services)
    err = capsys.readouterr().err
    step_lines = [line for line in err.splitlines() if "step source_tables" in line]
    assert step_lines and all("\n" not in line for line in step_lines)
    assert any(expected in line for line in step_lines), err
    assert "Traceback" not in err
    assert not (out / "latest").exists()


def test_an_absurd_retry_after_ends_the_strict_run_at_once(small_services, tmp_path, capsys):
    small_services.pxweb.fail_next(*[(429, {"Retry-After": "99999"})] * 20)
    out = tmp_path / "dist"
    assert run(out, "--strict") == 1
    err = capsys.readouterr().err
    assert "asks to wait 99999 s (HTTP 429 Retry-After)" in err
    assert not (out / "latest").exists()

"""Acceptance on real `tasapaino run` output (bundled snapshot, pinned run date).

Two runs into separate folders must give byte-identical releases; the latest release must
validate with the `frictionless` command, DuckDB must read every Parquet with the same column
sums as the CSV, and the data page must pass the browser checks with every article linked.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pandas as pd
import pytest

from assets.reference.version import code_version
from pipelines.cli import main
from tests.browser.harness import check_page, serve_directory

pytestmark = pytest.mark.slow
RUN = ["run", "--run-date", "2026-11-28"]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> Iterator[tuple[Path, Path]]:
    first = tmp_path_factory.mktemp("first")
    second = tmp_path_factory.mktemp("second")
    # The code version is an input too: pin it, since colleagues may commit between two runs
    # in a shared checkout (a CI clone has one commit, so this changes nothing there).
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TASAPAINO_CODE_VERSION", code_version())
        assert main([*RUN, "--out", str(first)]) == 0
        assert main([*RUN, "--out", str(second)]) == 0
        yield first, second


def test_two_runs_give_identical_sha256sums(two_runs):
    first, second = two_runs
    sums = (first / "latest" / "SHA256SUMS").read_bytes()
    assert sums == (second / "latest" / "SHA256SUMS").read_bytes()
    assert sums.count(b"\n") > 20


def test_a_rerun_into_the_same_folder_keeps_the_release(two_runs):
    first, _ = two_runs
    before = (first / "latest" / "SHA256SUMS").read_bytes()
    assert main([*RUN, "--out", str(first)]) == 0
    assert (first / "latest" / "SHA256SUMS").read_bytes() == before
    assert [p.name for p in (first / "releases").iterdir()] == ["20201105-20261128"]


def test_frictionless_validate_command(two_runs):
    package = two_runs[0] / "latest" / "datapackage.json"
    frictionless = Path(sys.executable).with_name("frictionless")
    done = subprocess.run(
        [str(frictionless), "validate", str(package)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-2000:]
    assert "INVALID" not in done.stdout


def test_duckdb_column_sums_equal_the_csv(two_runs):
    latest = two_runs[0] / "latest"
    doc = json.loads((latest / "datapackage.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    checked = 0
    twins = {r["twin_of"]: r["path"] for r in doc["resources"] if r["format"] == "parquet"}
    for res in doc["resources"]:
        parquet = twins.get(res["name"]) if "twin_of" not in res else None
        if parquet is None:
            continue
        csv = pd.read_csv(latest / res["path"], keep_default_na=False, na_values=[""])
        table = f"read_parquet('{latest / parquet}')"
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == len(csv)
        for field in res["schema"]["fields"]:
            if field["type"] not in ("integer", "number"):
                continue
            # SQL sums nothing to NULL, pandas to 0 (an empty or all-empty column)
            got = con.execute(f'SELECT coalesce(sum("{field["name"]}"), 0) FROM {table}')
            got = got.fetchone()[0]
            want = csv[field["name"]].sum()
            assert got == pytest.approx(want, rel=1e-12, abs=1e-9), (res["name"], field["name"])
            checked += 1
    assert checked >= 15


def test_data_page_in_the_browser_links_every_article(browser, two_runs):
    root = two_runs[0]
    latest = root / "latest"
    articles = sorted(
        p.relative_to(latest).as_posix()
        for p in (latest / "articles").rglob("index.*")
        if p.name in ("index.html", "index.md")
    )
    html = (latest / "index.html").read_text(encoding="utf-8")
    folders = {a.rsplit("/", 1)[0] for a in articles}
    assert folders and all(f'href="{f}/index.' in html for f in folders)
    with serve_directory(root) as base:
        report = check_page(browser, f"{base}/latest/index.html", "release-data-page")
    report.assert_ok()


# Hosts a release may name besides its sources' own table pages (the hosts of data/sources.csv's
# url column). Each is an identifier or a reference, never a file the pages load:
ALLOWED_HOSTS = {
    "creativecommons.org",  # the data licence, CC BY 4.0 (datapackage.json, pages, CITATION.cff)
    "www.w3.org",  # XML namespace names in the SVG charts (xmlns), not fetched by a browser
    "vega.github.io",  # the Vega-Lite "$schema" of each chart's .vl.json spec
    "datapackage.org",  # Frictionless profile/schema URLs in datapackage.json
    "specs.frictionlessdata.io",  # the same profiles under their older address
}
URL = re.compile(r"(?:https?:)?//([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
TEXT = {".html", ".md", ".json", ".csv", ".cff", ".svg", ".txt", ".css"}


def test_release_references_no_outside_host(two_runs):
    """Everything a release shows comes with it (the quality pages' stylesheet included, no
    CDN, no scripts); the only outside names are the sources' own pages and ALLOWED_HOSTS."""
    release = (two_runs[0] / "latest").resolve()
    sources = pd.read_csv(release / "data" / "sources.csv", dtype=str)
    allowed = ALLOWED_HOSTS | {urlsplit(u).hostname for u in sources["url"].dropna()}
    found: dict[str, set[str]] = {}
    for path in release.rglob("*"):
        if path.is_file() and (path.suffix in TEXT or path.name in {"SHA256SUMS", "latest"}):
            for host in URL.findall(path.read_text(encoding="utf-8", errors="replace")):
                if host.lower() not in allowed:
                    found.setdefault(host, set()).add(str(path.relative_to(release)))
    assert not found, found
    quality = (release / "quality" / "index.html").read_text(encoding="utf-8")
    assert 'href="quality.css"' in quality and (release / "quality" / "quality.css").exists()
    assert "<script" not in quality

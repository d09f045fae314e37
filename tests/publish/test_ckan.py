"""`tasapaino publish`: the avoindata.fi payload (dry run only), listing, verifying, rollback."""

import datetime as dt
import json

import pytest

from pipelines.cli import main
from publish import bundle
from publish.release import write_release
from tests.publish.release_fixtures import RUN_DATE

BASE = "https://data.example.org/tasapaino/latest"


@pytest.fixture(scope="module")
def dist(release_datasets, sources, tmp_path_factory):
    root = tmp_path_factory.mktemp("dist")
    for day in (dt.date(2026, 10, 1), RUN_DATE):
        files = bundle.build(release_datasets, sources, {}, run_date=day, code_version="test")
        write_release(root, bundle.release_id(release_datasets["counts"], day), files)
    return root


def _payload(capsys, dist, *extra: str) -> dict:
    assert main(["publish", "--out", str(dist), "--ckan-dry-run", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_ckan_payload_describes_every_file_of_the_latest_release(capsys, dist):
    payload = _payload(
        capsys, dist, "--base-url", BASE, "--owner-org", "pop-elo", "--email", "data@example.org"
    )
    ckan = payload["ckan_package"]
    assert ckan["owner_org"] == "pop-elo" and ckan["license_id"] == "cc-by-4.0"
    assert ckan["version"] == "20201105-20261128"
    assert set(ckan["title_translated"]) == {"fi", "sv", "en"}
    assert "Pohjois-Pohjanmaa" in ckan["keywords"]["fi"]
    urls = {r["url"] for r in ckan["resources"]}
    # 5 datasets x (CSV, Excel CSV, Parquet) + sources, 2 code lists, 3 key-figure workbooks
    assert len(urls) == 21
    assert f"{BASE}/data/segregation_change.parquet" in urls
    assert f"{BASE}/data/counts.parquet" in urls and f"{BASE}/data/counts_excel.csv" in urls
    doc = json.loads((dist / "latest" / "datapackage.json").read_text(encoding="utf-8"))
    counts = next(r for r in ckan["resources"] if r["url"].endswith("/data/counts.csv"))
    assert counts["hash"] == doc["resources"][0]["hash"] and counts["size"] > 100_000


def test_dcat_ap_dataset(capsys, dist):
    dcat = _payload(capsys, dist, "--base-url", BASE, "--email", "data@example.org")["dcat"]
    assert dcat["@type"] == "dcat:Dataset"
    assert dcat["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
    assert {t["@language"] for t in dcat["dct:title"]} == {"fi", "sv", "en"}
    formats = {d["dct:format"]["@id"].rsplit("/", 1)[-1] for d in dcat["dcat:distribution"]}
    assert formats == {"CSV", "PARQUET", "XLSX"}
    assert all(s["@id"].startswith("http") for s in dcat["dct:source"])


def test_without_base_url_the_links_are_relative_and_say_so(capsys, dist):
    assert main(["publish", "--out", str(dist), "--ckan-dry-run", "--email", "a@example.org"]) == 0
    out, err = capsys.readouterr()
    assert '"url": "data/counts.csv"' in out
    assert "no --base-url" in err


def test_no_release_is_one_clear_line(capsys, tmp_path):
    argv = ["publish", "--out", str(tmp_path), "--ckan-dry-run", "--email", "a@example.org"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no release yet" in err


def test_bad_base_url_is_a_usage_error(capsys, dist):
    argv = ["publish", "--out", str(dist), "--ckan-dry-run", "--email", "a@example.org"]
    assert main([*argv, "--base-url", "ftp://x"]) == 2
    assert "must start with https://" in capsys.readouterr().err


def test_list_verify_and_rollback(capsys, dist, tmp_path):
    assert main(["publish", "--out", str(dist), "--list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "20201105-20261128  ok  * latest",
        "20201105-20261001  ok",
    ]
    assert main(["publish", "--out", str(dist), "--verify"]) == 0
    assert main(["publish", "--out", str(dist), "--rollback"]) == 0
    assert "latest -> releases/20201105-20261001" in capsys.readouterr().out
    assert main(["publish", "--out", str(dist), "--rollback", "20201105-20261128"]) == 0
    assert main(["publish", "--out", str(dist), "--rollback", "nope"]) == 2
    assert "no release 'nope'" in capsys.readouterr().err

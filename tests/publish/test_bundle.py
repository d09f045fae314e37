"""A whole release bundle from the bundled snapshot: metadata, validity, formats agree."""

import hashlib
import io
import json

import duckdb
import frictionless
import pandas as pd
import pytest

from publish import bundle, codelists
from publish.release import write_release
from tests.publish.release_fixtures import RUN_DATE

DATASETS = (
    "counts",
    "unit_shares",
    "segregation_indices",
    "criteria_results",
    "segregation_change",
)


@pytest.fixture(scope="module")
def written(release_files, tmp_path_factory):
    root = tmp_path_factory.mktemp("dist")
    write_release(root, "20201105-20261128", release_files)
    return root / "latest"


def test_every_dataset_in_three_forms(release_files):
    for name in DATASETS:
        for path in (f"data/{name}.csv", f"data/{name}_excel.csv", f"data/{name}.parquet"):
            assert path in release_files, path
    for name in ("datapackage.json", "CHANGELOG.md", "CITATION.cff", "index.html"):
        assert name in release_files


def test_release_id_is_vintage_and_run_date(release_datasets):
    # newest source update in the snapshot: 5.11.2020 (vkour 2019 table)
    assert bundle.release_id(release_datasets["counts"], RUN_DATE) == "20201105-20261128"


def test_datapackage_metadata(release_files):
    doc = json.loads(release_files["datapackage.json"])
    assert doc["version"] == "20201105-20261128"
    assert doc["licenses"][0]["name"] == "CC-BY-4.0"
    assert all(s["path"].startswith("http") and s["updated"] for s in doc["sources"])
    assert (
        "Tilastokeskus" in doc["citation"]["fi"] and "Statistics Finland" in doc["citation"]["en"]
    )
    assert doc["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    resources = {r["name"]: r for r in doc["resources"]}
    twins = {f"{n}_{kind}" for n in DATASETS for kind in ("excel", "parquet")}
    key_figures = {"key_figures_fi", "key_figures_sv", "key_figures_en"}
    assert set(resources) == {*DATASETS, *twins, "sources", "measures", "indices", *key_figures}
    for r in resources.values():
        assert r["title"] and r["title_fi"] and r["description"] and r["description_fi"]
        assert r["hash"] == "sha256:" + hashlib.sha256(release_files[r["path"]]).hexdigest()
    # Every data file of the release is a resource of its own.
    data_files = {p for p in release_files if p.startswith("data/")}
    assert data_files == {r["path"] for r in resources.values()}
    counts = resources["counts"]["schema"]
    assert counts["primaryKey"][:2] == ["source_table", "measure"]
    assert counts["foreignKeys"][0]["reference"]["resource"] == "sources"
    fields = {f["name"]: f for f in counts["fields"]}
    assert fields["count"]["type"] == "integer"
    assert fields["count"]["constraints"] == {"minimum": 0}
    assert fields["sex"]["constraints"] == {"enum": ["women", "men"], "required": True}
    assert resources["counts_parquet"]["format"] == "parquet"
    assert resources["counts_parquet"]["twin_of"] == "counts"
    excel = resources["counts_excel"]
    assert excel["dialect"]["delimiter"] == ";" and excel["encoding"] == "utf-8-sig"
    assert resources["key_figures_fi"]["format"] == "xlsx"
    assert resources["key_figures_fi"]["path"] == "data/avainluvut.xlsx"


def test_frictionless_validates_the_package(written):
    report = frictionless.validate(str(written / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_frictionless_catches_a_dangling_foreign_key(release_datasets, sources, tmp_path):
    broken = dict(release_datasets)
    counts = broken["counts"].copy()
    counts.loc[0, "measure"] = "no_such_measure"
    broken["counts"] = counts
    files = bundle.build(broken, sources, {}, run_date=RUN_DATE, code_version="test")
    write_release(tmp_path, "r1", files)
    report = frictionless.validate(str(tmp_path / "latest" / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {e[0] for e in report.flatten(["type"])}


def test_duckdb_reads_every_parquet_and_sums_equal_the_csv(written):
    con = duckdb.connect()
    doc = json.loads((written / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {r["name"]: r["schema"]["fields"] for r in doc["resources"] if "schema" in r}
    for name in DATASETS:
        parquet = str(written / "data" / f"{name}.parquet")
        csv = pd.read_csv(written / "data" / f"{name}.csv")
        excel = pd.read_csv(written / "data" / f"{name}_excel.csv", sep=";", decimal=",")
        numeric = [f["name"] for f in schemas[name] if f["type"] in ("integer", "number")]
        assert numeric, name
        table = f"read_parquet('{parquet}')"
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == len(csv)
        columns = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
        assert columns == list(csv.columns)
        for col in numeric:
            got = con.execute(f'SELECT sum("{col}") FROM {table}').fetchone()[0]
            want = csv[col].sum()
            assert got == pytest.approx(want, rel=1e-12, abs=1e-9), (name, col)
            # The Excel CSV rounds floats to the decimals of the code lists.
            decimals = codelists.excel_decimals(name).get(col)
            slack = 0.5 * 10.0**-decimals * len(csv) if decimals is not None else 1e-9
            assert excel[col].sum() == pytest.approx(want, rel=1e-12, abs=slack), (name, col)


def test_segregation_change_is_published_with_its_schema(written, release_datasets):
    from assets.contracts import SEGREGATION_CHANGE

    doc = json.loads((written / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in doc["resources"] if r["name"] == "segregation_change")
    assert resource["title_fi"] == "Eriytymisen muutos ja sen lähteet"
    assert resource["title_sv"] and resource["description_sv"]
    schema = resource["schema"]
    assert [f["name"] for f in schema["fields"]] == SEGREGATION_CHANGE.names
    assert schema["primaryKey"] == list(SEGREGATION_CHANGE.primary_key)
    assert all(f["description"] and f["description_fi"] for f in schema["fields"])
    types = {f["name"]: f["type"] for f in schema["fields"]}
    assert types["ip_mix_effect"] == "number" and types["year_start"] == "integer"
    referenced = {tuple(fk["fields"]) for fk in schema["foreignKeys"]}
    assert ("source_table_end", "measure") in referenced
    published = pd.read_parquet(written / "data" / "segregation_change.parquet")
    expected = release_datasets["segregation_change"]
    assert resource["rows"] == len(published) == len(expected) > 0
    pd.testing.assert_series_equal(
        published["ip_composition_effect"], expected["ip_composition_effect"], check_exact=True
    )
    csv = pd.read_csv(written / "data" / "segregation_change.csv")
    parts = csv[["ip_mix_effect", "ip_composition_effect", "ip_units_changed"]].sum(axis=1)
    assert (parts - csv["ip_change"]).abs().max() <= 1e-9


def test_counts_total_matches_the_snapshot(written):
    # Hand check from data/snapshot: Pohjois-Pohjanmaa, general upper secondary students 2012:
    # 7 905 students, 4 522 women (fi_lop_2012_2013 file, Norra Österbotten row).
    df = pd.read_parquet(io.BytesIO((written / "data" / "counts.parquet").read_bytes()))
    rows = df[
        df["region_code"].eq("MK17")
        & df["year"].eq(2012)
        & df["measure"].astype(str).str.contains("general_upper_secondary")
    ]
    assert dict(zip(rows["sex"].astype(str), rows["count"], strict=True)) == {
        "women": 4522,
        "men": 7905 - 4522,
    }


def test_same_inputs_give_the_same_bytes(release_datasets, sources, synthetic_articles):
    args = (release_datasets, sources, synthetic_articles)
    one = bundle.build(*args, run_date=RUN_DATE, code_version="test")
    two = bundle.build(*args, run_date=RUN_DATE, code_version="test")
    assert one == two


def test_optional_self_assessment_summary_is_published_when_present(
    release_datasets, sources, tmp_path
):
    from assets.contracts import ALL, conform

    if "self_assessment_summary" not in ALL:
        pytest.skip("the criteria stage has no self_assessment_summary contract yet")
    contract = ALL["self_assessment_summary"]
    # SYNTHETIC aggregates (never published): one theme row without criterion, one suppressed.
    rows = []
    for i, (criterion, n, score) in enumerate([("", 4, 3.5), ("c1", None, None)]):
        row = {c: "" for c in contract.names}
        row.update(criteria_set="synthetic-set", criteria_version="0.0.1", theme="t")
        row.update(aggregate_level=["theme", "criterion"][i], criterion_id=criterion)
        row.update(region_code="MK17", year=2026, n_organisations=n, n_responses=n)
        row.update(mean_score=score, suppressed=n is None)
        rows.append(row)
    summary = conform(pd.DataFrame(rows), contract)
    files = bundle.build(
        {**release_datasets, "self_assessment_summary": summary},
        sources,
        {},
        run_date=RUN_DATE,
        code_version="test",
    )
    assert "data/self_assessment_summary.parquet" in files
    assert b"Itsearvioinnin yhteenveto" in files["index.html"]
    write_release(tmp_path, "r1", files)
    report = frictionless.validate(str(tmp_path / "latest" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_live_sources_name_statfin_and_vipunen():
    catalog = pd.DataFrame(
        [
            {
                "source": "vipunen",
                "source_table": "vipunen/amk_opiskelijat",
                "measure": "polytechnic_students",
                "title_fi": "Ammattikorkeakoulujen opiskelijat",
                "title_en": "",
                "statistic_fi": "Vipunen – opetushallinnon tilastopalvelu",
                "url": "https://api.vipunen.fi/api/resources/amk_opiskelijat/data",
                "published": "2026-10-01",
            },
            {
                "source": "statfin",
                "source_table": "tyokay/115s",
                "measure": "employed",
                "title_fi": "Työlliset ammatin mukaan",
                "title_en": "Employed persons by occupation",
                "statistic_fi": "Tilastokeskus, StatFin-tietokanta",
                "url": "https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/tyokay/115s.px",
                "published": "2025-11-20",
            },
        ]
    )
    statfin, vipunen = bundle.sources_list(catalog)
    assert statfin["title"].startswith("Tilastokeskus / Statistics Finland: ")
    assert statfin["updated"] == "2025-11-20" and statfin["path"].endswith("115s.px")
    assert vipunen["title"].startswith("Vipunen")
    assert vipunen["title"].endswith("— Ammattikorkeakoulujen opiskelijat")

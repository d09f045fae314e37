"""The release for people and portals: code lists, key-figure workbooks, formula-safe
spreadsheets and the avoindata.fi payload's refusal without a maintainer e-mail."""

import datetime as dt
import io
import json

import openpyxl
import pandas as pd
import pytest

from pipelines.cli import main
from publish import bundle, codelists, key_figures
from publish.csv_text import neutralise_formula
from publish.release import write_release
from publish.tables import to_csv_bytes, to_excel_csv_bytes
from tests.publish.release_fixtures import RUN_DATE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv(files, name: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(files[f"data/{name}.csv"]), dtype=str, keep_default_na=False)


def test_every_code_in_the_data_is_in_its_code_list(release_files):
    measures = set(_csv(release_files, "measures")["code"])
    indices = set(_csv(release_files, "indices")["code"])
    for name in ("counts", "unit_shares", "segregation_indices"):
        assert set(_csv(release_files, name)["measure"]) <= measures, name
    assert set(_csv(release_files, "segregation_indices")["index"]) == indices


def test_code_lists_have_labels_and_definitions_in_three_languages(release_files):
    for name in ("measures", "indices"):
        df = _csv(release_files, name)
        assert list(df.columns) == codelists.CONTRACTS[name].names
        for lang in ("fi", "sv", "en"):
            assert (df[f"label_{lang}"] != "").all() and (df[f"definition_{lang}"] != "").all()
    indices = _csv(release_files, "indices").set_index("code")
    assert indices.loc["hutchens", "reference"].startswith("Hutchens, R. M. (2004)")
    assert indices.loc["karmel_maclachlan", "range"] == "0–0.5"
    assert indices.loc["charles_grusky_a", "range"] == "≥ 1"
    assert indices.loc["mutual_information_m_log2", "unit"] == "bits"
    # The Finnish definition is the one docs/methods.md gives, not a copy that could drift.
    methods = codelists.METHODS_FILE.read_text(encoding="utf-8")
    assert (
        indices.loc["dissimilarity", "definition_fi"].split()[:4]
        == (methods.split("**`dissimilarity`**", 1)[1].split("- fi:", 1)[1].split()[:4])
    )
    measures = _csv(release_files, "measures").set_index("code")
    assert measures.loc["wage_earners_in_families", "label_fi"] == "Perheelliset palkansaajat"


def test_foreign_keys_point_at_the_code_lists(release_files):
    doc = json.loads(release_files["datapackage.json"])
    schemas = {r["name"]: r.get("schema", {}) for r in doc["resources"]}
    for name in ("counts", "unit_shares", "segregation_indices"):
        refs = {
            (tuple(fk["fields"]), fk["reference"]["resource"])
            for fk in schemas[name]["foreignKeys"]
        }
        assert (("measure",), "measures") in refs, name
    refs = [fk["reference"] for fk in schemas["segregation_indices"]["foreignKeys"]]
    assert {"resource": "indices", "fields": ["code"]} in refs


def test_the_intervals_are_explained_as_not_sampling_error(release_files):
    doc = json.loads(release_files["datapackage.json"])
    res = next(r for r in doc["resources"] if r["name"] == "segregation_indices")
    assert "not sampling error" in res["description"] and "multinomial" in res["description"]
    assert "otantavirhettä" in res["description_fi"]
    fields = {f["name"]: f for f in res["schema"]["fields"]}
    assert "not survey sampling error" in fields["ci_low"]["description"]


def test_frictionless_rejects_a_code_missing_from_the_code_list(
    release_datasets, sources, tmp_path
):
    import frictionless

    broken = dict(release_datasets)
    indices = broken["segregation_indices"].copy()
    indices["index"] = indices["index"].astype("string")
    indices.loc[indices.index[0], "index"] = "no_such_index"
    broken["segregation_indices"] = indices
    files = bundle.build(broken, sources, {}, run_date=RUN_DATE, code_version="test")
    write_release(tmp_path, "r1", files)
    report = frictionless.validate(str(tmp_path / "latest" / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {e[0] for e in report.flatten(["type"])}


def _workbook(release_files, name: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(release_files[f"data/{name}"]))


@pytest.mark.parametrize(
    ("name", "sheets", "header"),
    [
        (
            "avainluvut.xlsx",
            ["Koulutusalat", "Ammatit", "README"],
            ["Ala", "Mittari", "Vuosi", "Alue", "Naisia", "Miehiä", "Naisten osuus %"],
        ),
        (
            "nyckeltal.xlsx",
            ["Utbildningsområden", "Yrken", "README"],
            ["Område", "Mått", "År", "Region", "Kvinnor", "Män", "Kvinnornas andel %"],
        ),
        (
            "key_figures.xlsx",
            ["Fields of education", "Occupations", "README"],
            ["Field of education", "Measure", "Year", "Region", "Women", "Men"],
        ),
    ],
)
def test_key_figure_workbooks(release_files, release_datasets, name, sheets, header):
    book = _workbook(release_files, name)
    assert book.sheetnames == sheets
    rows = list(book[sheets[0]].iter_rows(values_only=True))
    assert list(rows[0][: len(header)]) == header
    share_cell = book[sheets[0]].cell(row=2, column=7)
    assert isinstance(share_cell.value, float) and share_cell.number_format == "0.0"
    assert round(share_cell.value, 1) == share_cell.value
    # The first row is the data's own: women, men and the share of the same unit.
    women, men = rows[1][4], rows[1][5]
    assert share_cell.value == round(100 * women / (women + men), 1)
    classes = {r[7] for r in rows[1:]}
    assert classes & {"naisvaltainen ala", "kvinnodominerat", "female-dominated"}
    # Totals (upper secondary students: one unit) have a share but no class.
    totals = [r for r in rows[1:] if r[1] in {"Lukiolaiset", "Gymnasiestuderande"}]
    assert name == "key_figures.xlsx" or (totals and not any(r[7] for r in totals))
    readme = [c for row in book["README"].iter_rows(values_only=True) for c in row if c]
    text = " ".join(map(str, readme))
    assert "CC BY 4.0" in text and "https://creativecommons.org/licenses/by/4.0/" in text
    assert "20201105-20261128" in text
    assert "https://www.tilastokeskus.fi/" in text or "http://www.stat.fi/" in text


def test_workbooks_are_the_same_bytes_for_the_same_input(release_datasets, sources):
    args = (release_datasets["unit_shares"], sources, "fi")
    one = key_figures.workbook(*args, release_id="r", created=dt.date(2026, 12, 1))
    two = key_figures.workbook(*args, release_id="r", created=dt.date(2026, 12, 1))
    assert one == two


HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\tx", "\rx"]


def test_excel_csv_neutralises_formulas_and_keeps_numbers_numbers():
    df = pd.DataFrame(
        {
            "label": pd.array([*HOSTILE, "-5", "plain"], dtype="string"),
            "value": [-1.25, 0.6767377201112141, 1.0, -0.5, 2.0, 3.0, 4.0, 5.0],
            "n": pd.array([-3, 1, 2, 3, 4, 5, 6, 7], dtype="Int64"),
            "at": pd.to_datetime(["2026-12-01 10:00:00"] * 8, utc=True),
        }
    )
    excel = to_excel_csv_bytes(df, {"value": 4}).decode("utf-8-sig")
    rows = [line.split(";", 1)[0] for line in excel.split("\r\n")[1:] if line]
    assert excel.split("\r\n")[1].startswith('"\'=HYPERLINK(""http://x"",""y"")";-1,25;-3;')
    assert "2026-12-01 10:00:00" in excel and "T10" not in excel
    assert ";0,6767;" in excel
    for cell in rows:
        cell = cell.strip('"')
        assert not cell.startswith(FORMULA_STARTS) or cell == "-5", cell
    # The plain CSV keeps the exact text and full precision.
    plain = to_csv_bytes(df).decode("utf-8")
    assert "+cmd|' /C calc'!A0" in plain and "\n@SUM(1)," in plain
    assert "0.6767377201112141" in plain and "2026-12-01T10:00:00Z" in plain
    assert neutralise_formula("-5") == "-5" and neutralise_formula("-2+3") == "'-2+3"


def test_ckan_payload_refuses_without_a_maintainer_email(release_files, tmp_path, capsys):
    write_release(tmp_path, "20201105-20261128", release_files)
    assert main(["publish", "--out", str(tmp_path), "--ckan-dry-run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "maintainer e-mail" in err and "--email" in err
    assert main(["publish", "--out", str(tmp_path), "--ckan-dry-run", "--email", "nope"]) == 2
    assert "'nope' is not an address" in capsys.readouterr().err


def test_ckan_and_dcat_carry_what_avoindata_and_dcat_ap_require(
    release_files, tmp_path, capsys, monkeypatch
):
    write_release(tmp_path, "20201105-20261128", release_files)
    monkeypatch.setenv("TASAPAINO_CONTACT_EMAIL", "data@example.org")
    assert main(["publish", "--out", str(tmp_path), "--ckan-dry-run"]) == 0
    payload = json.loads(capsys.readouterr().out)
    ckan, dcat = payload["ckan_package"], payload["dcat"]
    assert ckan["maintainer_email"] == "data@example.org" and ckan["maintainer"]
    assert ckan["license_id"] == "cc-by-4.0" and ckan["owner_org"]
    for key in ("title_translated", "notes_translated", "keywords"):
        assert set(ckan[key]) == {"fi", "sv", "en"} and all(ckan[key].values()), key
    assert {r["format"] for r in ckan["resources"]} == {"CSV", "PARQUET", "XLSX"}
    themes = {t["@id"].rsplit("/", 1)[1] for t in dcat["dcat:theme"]}
    assert themes == {"SOCI", "EDUC"}
    assert dcat["dct:accrualPeriodicity"]["@id"].endswith("/frequency/MONTHLY")
    period = dcat["dct:temporal"]
    assert period["dcat:startDate"]["@value"] == "2003-01-01"
    assert period["dcat:endDate"]["@value"].endswith("-12-31")
    assert dcat["dct:spatial"]["@id"].endswith("/country/FIN")
    assert dcat["dcat:contactPoint"]["vcard:hasEmail"]["@id"] == "mailto:data@example.org"

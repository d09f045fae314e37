"""Adding a published dataset takes one asset, one metadata file and its rules, nothing else.

The toy dataset below lives only in this test: its asset is defined here, its metadata file is
written into a temporary folder that joins the registry's roots, and its one cross-row rule is
the function ``toy_rules`` here, which the metadata file names. No project file is edited. The
whole release job then runs in process on the bundled snapshot, and the toy dataset must be in
the release (CSV, Excel CSV and Parquet), in datapackage.json, in the quality report and in the
CKAN dry run; a row that breaks its rule fails its blocking check.

The toy rows are synthetic (made up for this test, marked so in every row and in the title).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dagster import AssetKey, DagsterInstance, asset

from assets import dataset_registry
from checks.suites import Rule
from pipelines.cli import main
from pipelines.definitions import build_definitions

NAME = "synthetic_toy"

META = textwrap.dedent(
    f"""\
    name: {NAME}
    title:
      fi: Synteettinen testiaineisto
      sv: Syntetiskt testmaterial
      en: Synthetic test dataset
    description:
      fi: Keksittyjä lukuja, joilla testataan uuden aineiston lisäämistä; ei oikeaa tietoa.
      sv: Påhittade siffror för att testa hur ett nytt material läggs till; inga verkliga data.
      en: Made-up numbers that test adding a dataset; not real data.
    release: {{order: 45, files: [csv, excel_csv, parquet]}}
    dagster:
      checks: true
      freshness: true
      rules: "{__name__}:toy_rules"
    schema:
      fields:
        - name: code
          type: string
          code: true
          description: {{en: synthetic code, fi: synteettinen koodi}}
          constraints: {{required: true}}
        - name: women
          type: integer
          description: {{en: synthetic number of women, fi: synteettinen naisten määrä}}
          constraints: {{minimum: 0}}
        - name: men
          type: integer
          description: {{en: synthetic number of men, fi: synteettinen miesten määrä}}
          constraints: {{minimum: 0}}
        - name: total
          type: integer
          description: {{en: women + men, fi: naiset + miehet}}
        - name: share
          type: number
          decimals: 2
          description: {{en: women / total, fi: naisten osuus}}
          constraints: {{minimum: 0, maximum: 1}}
        - name: note
          type: string
          description: {{en: always 'synthetic', fi: aina 'synthetic'}}
      primaryKey: [code]
      missingValues: [""]
    """
)


def toy_rules(config: object) -> list[Rule]:
    """The toy dataset's one cross-column rule: no total below its number of women."""
    return [
        Rule(
            "total_not_below_women",
            "rows",
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {"column_A": "total", "column_B": "women", "or_equal": True},
            "total is below the number of women",
            "recompute the synthetic toy rows",
        )
    ]


def toy_asset(total_of_b: int):
    @asset(name=NAME, group_name="toy", description="Synthetic rows for a test (not real data).")
    def synthetic_toy() -> pd.DataFrame:
        frame = pd.DataFrame(
            {"code": ["a", "b"], "women": [3, 1], "men": [1, 3], "total": [4, total_of_b]}
        )
        frame["share"] = frame["women"] / (frame["women"] + frame["men"])
        frame["note"] = "synthetic"
        return dataset_registry.conform(frame, dataset_registry.dataset(NAME))

    return synthetic_toy


def run(tmp_path: Path, total_of_b: int):
    """The release job with the toy dataset, into ``tmp_path/dist``."""
    with dataset_registry.extra_root(tmp_path / "meta"):
        defs = build_definitions(extra_assets=[toy_asset(total_of_b)])
        with DagsterInstance.ephemeral() as instance:
            return defs.resolve_job_def("release_job").execute_in_process(
                run_config={
                    "resources": {
                        "release_target": {
                            "config": {"out_dir": str(tmp_path / "dist"), "run_date": "2026-11-28"}
                        }
                    },
                    "loggers": {"console": {"config": {"log_level": "ERROR"}}},
                },
                instance=instance,
                raise_on_error=False,
            )


@pytest.fixture
def meta_root(tmp_path: Path) -> Path:
    (tmp_path / "meta").mkdir()
    (tmp_path / "meta" / f"{NAME}.meta.yml").write_text(META, encoding="utf-8")
    return tmp_path


def test_a_toy_dataset_reaches_release_package_quality_report_and_ckan(meta_root, capsys):
    result = run(meta_root, total_of_b=4)
    assert result.success
    latest = meta_root / "dist" / "latest"

    csv = pd.read_csv(latest / "data" / f"{NAME}.csv")
    assert list(csv.columns) == ["code", "women", "men", "total", "share", "note"]
    assert set(csv["note"]) == {"synthetic"}
    parquet = pq.read_table(latest / "data" / f"{NAME}.parquet")
    assert pa.types.is_dictionary(parquet.schema.field("code").type)  # a code column
    assert parquet.column("note").to_pylist() == ["synthetic", "synthetic"]
    assert (latest / "data" / f"{NAME}_excel.csv").read_text("utf-8-sig").splitlines()[1] == (
        "a;3;1;4;0,75;synthetic"
    )

    package = json.loads((latest / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in package["resources"]]
    # In its place in the release order: after criteria_results (40), before the optional 50.
    assert names.index(NAME) == names.index("segregation_change_parquet") + 1  # order 42 < 45
    toy = package["resources"][names.index(NAME)]
    assert toy["title"] == "Synthetic test dataset"
    assert toy["schema"]["primaryKey"] == ["code"]
    assert toy["schema"]["fields"][4]["constraints"] == {"minimum": 0, "maximum": 1}

    summary = json.loads((latest / "quality" / "summary.json").read_text(encoding="utf-8"))
    assert NAME in json.dumps(summary)
    assert (latest / "quality" / "validations" / NAME).is_dir()

    capsys.readouterr()
    argv = ["publish", "--out", str(meta_root / "dist"), "--ckan-dry-run", "--email", "a@b.fi"]
    assert main(argv) == 0
    payload = json.loads(capsys.readouterr().out)
    urls = [r["url"] for r in payload["ckan_package"]["resources"]]
    assert any(u.endswith(f"data/{NAME}.csv") for u in urls)


def test_the_toy_rule_is_a_blocking_check_that_fails_on_a_bad_row(meta_root):
    """Its rule is a blocking check like every other (the gate tests show that a failing
    blocking check stops the release); here only the toy asset and its checks run."""
    with dataset_registry.extra_root(meta_root / "meta"):
        defs = build_definitions(extra_assets=[toy_asset(total_of_b=0)])  # b: 1 woman, total 0
        specs = {
            spec.name: spec
            for checks in defs.asset_checks or []
            for spec in checks.check_specs
            if spec.asset_key == AssetKey(NAME)
        }
        assert {"columns_match_contract", "keys_unique", "total_not_below_women"} <= set(specs)
        assert all(spec.blocking for spec in specs.values())
        with DagsterInstance.ephemeral() as instance:
            result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
                asset_selection=[AssetKey(NAME)], instance=instance, raise_on_error=False
            )
    failed = {
        e.asset_check_evaluation_data.check_name
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and not e.asset_check_evaluation_data.passed
    }
    assert failed == {"total_not_below_women"}

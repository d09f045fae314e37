"""The dataset registry: one metadata file per dataset, read by one pure module."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from assets import dataset_registry
from assets.contracts import COUNTS, ContractError, conform
from assets.indices import batch
from pipelines.freshness import PUBLISHED
from publish import bundle


def test_every_metadata_file_sits_beside_python_code_and_has_its_stem():
    for spec in dataset_registry.registry().values():
        assert spec.path.name == f"{spec.name}.meta.yml"
        assert any(spec.path.parent.glob("*.py")), spec.path


def test_the_release_keeps_its_dataset_order():
    assert [d.name for d in dataset_registry.release_datasets()] == [
        "counts",
        "unit_shares",
        "segregation_indices",
        "criteria_results",
        "segregation_change",
        "self_assessment_summary",
        "sources",
        "measures",
        "indices",
    ]
    assert bundle.optional_datasets() == ["self_assessment_summary"]
    assert {k.to_user_string() for k in PUBLISHED} == {
        "counts",
        "unit_shares",
        "segregation_indices",
        "criteria_results",
        "segregation_change",
        "articles",
        "release",
    }


def test_the_index_registry_covers_every_published_index_once():
    registry = dataset_registry.index_registry()
    assert list(registry) == list(batch.DATASET_INDEX_IDS)
    assert registry["mutual_information_m"].range == (0.0, math.log(2))
    assert registry["charles_grusky_a"].range == (1.0, None)
    assert registry["karmel_maclachlan"].symbol == "IP"


def test_conform_keeps_its_message():
    with pytest.raises(ContractError, match=r"^counts: missing column\(s\) source, "):
        conform(pd.DataFrame({"x": [1]}), COUNTS)


def test_the_table_schema_marks_keys_required_except_the_nullable_ones():
    fields = {
        f["name"]: f
        for f in dataset_registry.dataset("self_assessment_summary").table_schema()["fields"]
    }
    assert fields["criteria_set"]["constraints"] == {"required": True}
    assert "constraints" not in fields["theme_dimension"]


def test_a_malformed_file_is_named_in_one_line(tmp_path: Path):
    (tmp_path / "broken.meta.yml").write_text("name: other\nschema: {}\n", encoding="utf-8")
    with pytest.raises(dataset_registry.MetadataError, match=r"broken\.meta\.yml: 'name' must be"):
        dataset_registry.parse(tmp_path / "broken.meta.yml")


def test_a_second_file_for_one_dataset_is_refused(tmp_path: Path):
    (tmp_path / "counts.meta.yml").write_text(
        dataset_registry.dataset("counts").path.read_text(encoding="utf-8"), encoding="utf-8"
    )
    with (
        dataset_registry.extra_root(tmp_path),
        pytest.raises(dataset_registry.MetadataError, match="already described"),
    ):
        dataset_registry.registry()


def test_the_reader_stands_below_dagster_pipelines_checks_and_publish():
    code = (
        "import sys, assets.dataset_registry as r; r.registry(); r.index_ranges(); "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('dagster', 'pipelines', 'checks', 'publish')]; print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == ""


def test_the_parquet_schema_of_the_registry_is_the_one_the_release_writes():
    from assets.contracts import contract
    from publish.tables import arrow_schema

    for spec in dataset_registry.release_datasets():
        assert spec.arrow_schema() == arrow_schema(contract(spec.name), spec.codes), spec.name

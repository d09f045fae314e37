"""The checks are part of the code location, with their metadata, and GX is not loaded with it."""

from __future__ import annotations

import subprocess
import sys

from dagster import AssetKey

from checks.asset_checks import QUALITY_CHECKS
from checks.gate import rules
from pipelines.definitions import defs

DATASETS = (
    "counts",
    "unit_shares",
    "segregation_indices",
    "criteria_results",
    "segregation_change",
)


def test_every_rule_is_a_blocking_check_with_metadata():
    graph = defs.resolve_asset_graph()
    specs = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    for dataset in DATASETS:
        for rule in rules()[dataset]:
            assert (dataset, rule.name) in specs
    for checks_def in QUALITY_CHECKS:
        for spec in checks_def.check_specs:
            assert spec.blocking
            assert spec.metadata["severity"] in {"error", "warn"}
            assert spec.description and "fix:" in spec.description


def test_counts_checks_include_the_issue_rules():
    names = {
        k.name
        for k in defs.resolve_asset_graph().asset_check_keys
        if k.asset_key == AssetKey("counts")
    }
    assert {
        "columns_match_contract",
        "count_not_negative",
        "count_is_whole_number",
        "sex_is_women_or_men",
        "region_is_known",
        "unit_in_classification",
        "keys_unique",
        "both_sexes_in_every_cell",
        "suppressed_share_under_limit",
        "expected_years_and_regions_present",
        "plausible_change_since_previous_release",
    } <= names


def test_release_waits_for_the_quality_report():
    graph = defs.resolve_asset_graph()
    parents = {k.to_user_string() for k in graph.get(AssetKey("release")).parent_keys}
    assert "quality_report" in parents


def test_definitions_load_without_great_expectations():
    code = (
        "import sys, pipelines.definitions as d; d.defs.resolve_asset_graph(); "
        "heavy = ('great_expectations', 'altair', 'vl_convert', 'httpx'); "
        "heavy = [m for m in heavy if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert out.stdout.strip() == ""

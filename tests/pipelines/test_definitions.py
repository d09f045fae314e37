"""The code location loads and keeps its shape."""

from dagster import AssetKey

from pipelines.definitions import defs

EXPECTED_ASSETS = {
    "transcribed_tables",
    "api_counts",
    "source_catalog",
    "counts",
    "unit_shares",
    "segregation_indices",
    "criteria_results",
    "segregation_change",
    "articles",
    "release",
}


def test_definitions_load_with_every_stage():
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys >= EXPECTED_ASSETS


def test_release_depends_on_every_dataset():
    graph = defs.resolve_asset_graph()
    parents = {k.to_user_string() for k in graph.get(AssetKey("release")).parent_keys}
    assert {
        "counts",
        "unit_shares",
        "segregation_indices",
        "criteria_results",
        "segregation_change",
        "articles",
    } <= parents


def test_release_job_exists():
    assert defs.resolve_job_def("release_job").name == "release_job"


def test_counts_reads_transcribed_and_api_tables_in_group_collect():
    graph = defs.resolve_asset_graph()
    node = graph.get(AssetKey("counts"))
    assert {k.to_user_string() for k in node.parent_keys} >= {"transcribed_tables", "api_counts"}
    assert graph.get(AssetKey("api_counts")).group_name == "collect"

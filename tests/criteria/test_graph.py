"""The criteria assets sit where the release expects them."""

from dagster import AssetKey

from pipelines.definitions import defs


def parents(name):
    graph = defs.resolve_asset_graph()
    return {k.to_user_string() for k in graph.get(AssetKey(name)).parent_keys}


def test_criteria_results_reads_shares_indices_and_the_self_assessment_summary():
    assert parents("criteria_results") == {
        "unit_shares",
        "segregation_indices",
        "self_assessment_summary",
    }


def test_the_release_publishes_the_self_assessment_summary():
    assert "self_assessment_summary" in parents("release")


def test_the_summary_has_a_blocking_disclosure_check():
    key = AssetKey("self_assessment_summary")
    (check,) = defs.resolve_asset_graph().get(key).check_keys
    assert check.name == "only_safe_aggregates"
    assert defs.resolve_assets_def(key).get_spec_for_check_key(check).blocking

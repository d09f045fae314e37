"""Scale-out path: executor chosen by environment, year × region slices fetched in parallel.

The slices come from the collect tests' in-memory PxWeb service (SYNTHETIC numbers computed
from each cell's coordinates), answered through respx at the transport layer.
"""

from __future__ import annotations

import threading

import pandas as pd
import pytest
import respx
from dagster import DagsterInstance, MultiPartitionKey

from assets.contracts import COUNTS, conform
from pipelines.definitions import defs
from pipelines.executors import ExecutorConfigError, executor_from_env, executor_settings
from pipelines.partitions import STATFIN_SLICES, slice_years
from pipelines.slices import merge_slice
from tests.collect.pxweb_mock import ROOT, PxWebMock, table_115s


def test_default_executor_stays_in_process():
    assert executor_from_env({}).name == "in_process"


def test_multiprocess_executor_with_bounded_concurrency():
    env = {"TASAPAINO_EXECUTOR": "multiprocess", "TASAPAINO_MAX_CONCURRENT": "3"}
    assert executor_settings(env) == ("multiprocess", 3)
    assert executor_from_env(env).name == "multiprocess"
    assert executor_settings({"TASAPAINO_EXECUTOR": "multiprocess"}) == ("multiprocess", 2)


@pytest.mark.parametrize(
    "env",
    [
        {"TASAPAINO_EXECUTOR": "k8s"},
        {"TASAPAINO_EXECUTOR": "multiprocess", "TASAPAINO_MAX_CONCURRENT": "0"},
    ],
)
def test_bad_executor_settings_name_the_variable(env):
    with pytest.raises(ExecutorConfigError, match="TASAPAINO_"):
        executor_from_env(env)


def test_partitions_are_years_times_regions():
    keys = STATFIN_SLICES.get_partition_keys()
    assert "MK17|2023" in keys and "SSS|2010" in keys
    assert slice_years(pd.Timestamp("2026-11-28").date())[-1] == "2025"


def test_two_slices_fetched_in_parallel_merge_into_one_store(tmp_path):
    service = PxWebMock()
    service.add(table_115s())
    run_config = {
        "resources": {"statfin": {"config": {"url": ROOT, "archive_dir": str(tmp_path)}}},
        "ops": {"fetch_statfin_slice": {"config": {"tables": ["tyokay/115s"]}}},
    }
    results: dict[str, bool] = {}

    def run(region: str) -> None:
        with DagsterInstance.ephemeral() as instance:
            result = defs.resolve_job_def("statfin_slices_job").execute_in_process(
                run_config=run_config,
                instance=instance,
                partition_key=MultiPartitionKey({"year": "2022", "region": region}),
                raise_on_error=False,
            )
            results[region] = result.success

    with respx.mock(assert_all_mocked=True) as router:
        router.route(url__startswith=ROOT).mock(side_effect=service.handle)
        threads = [threading.Thread(target=run, args=(r,)) for r in ("MK17", "SSS")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert results == {"MK17": True, "SSS": True}

    stores = list((tmp_path / "counts").glob("*.parquet"))
    assert len(stores) == 1  # one table key: tyokay/115s employed
    merged = pd.read_parquet(stores[0])
    assert set(merged["region_code"]) == {"MK17", "SSS"}
    assert set(merged["year"].astype(int)) == {2022}
    # Each slice asked for its own region only, one year: 2 data queries in all.
    bodies = service.data_requests()
    assert len(bodies) == 2
    regions = sorted(
        tuple(q["selection"]["values"])
        for b in bodies
        for q in b["query"]
        if q["code"].startswith("alue")
    )
    assert regions == [("MK17",), ("SSS",)]


def synthetic_rows(region: str, units: int) -> pd.DataFrame:
    """``units`` × 2 sexes of SYNTHETIC counts rows for one region in 2022."""
    n = units * 2
    df = pd.DataFrame({c: [""] * n for c in COUNTS.names})
    df["source"], df["source_table"], df["measure"] = "statfin", "tyokay/115s", "employed"
    df["dimension"], df["classification"], df["level"] = "occupation", "ammatti_2010", 1
    df["region_code"], df["year"] = region, 2022
    df["unit_code"] = [str(i // 2) for i in range(n)]
    df["sex"] = ["women", "men"] * units
    df["count"] = range(n)
    return conform(df, COUNTS)


def test_merging_a_slice_again_replaces_it(tmp_path):
    assert merge_slice(tmp_path, "k", "2022", "MK17", synthetic_rows("MK17", 2)) == 4
    assert merge_slice(tmp_path, "k", "2022", "SSS", synthetic_rows("SSS", 2)) == 8
    # The same slice fetched again replaces its rows instead of adding to them.
    assert merge_slice(tmp_path, "k", "2022", "MK17", synthetic_rows("MK17", 1)) == 6
    stored = pd.read_parquet(tmp_path / "k.parquet")
    assert stored.groupby("region_code").size().to_dict() == {"MK17": 2, "SSS": 4}

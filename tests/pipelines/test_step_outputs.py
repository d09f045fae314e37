"""Each ``tasapaino run`` keeps its steps' outputs under its own run id, so runs at once never
read each other's outputs, and only the newest runs' local outputs are kept."""

from __future__ import annotations

import os
import pickle
import uuid

import dagster as dg

from pipelines import step_outputs


def test_each_run_has_its_own_base_path(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    local = step_outputs.io_manager_config("run-a", env={})
    assert local == {"config": {"base_dir": str(tmp_path / "storage" / "run-a" / "outputs")}}
    assert step_outputs.io_manager_config("run-b", env={}) != local
    s3 = step_outputs.io_manager_config("run-a", env={"TASAPAINO_IO_BASE": "s3://io/steps/"})
    assert s3 == {"config": {"base_path": "s3://io/steps/runs/run-a"}}


def test_two_runs_write_their_outputs_apart(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))

    @dg.asset(config_schema={"n": int})
    def counts(context) -> int:
        return context.op_config["n"]

    @dg.asset
    def doubled(counts: int) -> int:
        return 2 * counts

    job = dg.Definitions(assets=[counts, doubled], jobs=[dg.define_asset_job("j")]).resolve_job_def(
        "j"
    )
    run_a, run_b = str(uuid.uuid4()), str(uuid.uuid4())
    for run_id, n in ((run_a, 1), (run_b, 5)):
        config = {
            "ops": {"counts": {"config": {"n": n}}},
            "resources": {"io_manager": step_outputs.io_manager_config(run_id, env={})},
        }
        assert job.execute_in_process(run_config=config, run_id=run_id).success
    stored = tmp_path / "storage"
    assert pickle.loads((stored / run_a / "outputs" / "doubled").read_bytes()) == 2
    assert pickle.loads((stored / run_b / "outputs" / "doubled").read_bytes()) == 10
    assert not (stored / "counts").exists()  # nothing at the path all runs would share


def test_only_the_newest_runs_outputs_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    for age in range(13):
        folder = tmp_path / "storage" / f"run-{age:02d}" / "outputs"
        folder.mkdir(parents=True)
        (folder / "counts").write_bytes(b"x")
        os.utime(folder, (1_000_000 - age, 1_000_000 - age))
    (tmp_path / "storage" / "run-99" / "compute_logs").mkdir(parents=True)  # not outputs
    removed = step_outputs.prune_local(keep=10)
    assert sorted(p.parent.name for p in removed) == ["run-10", "run-11", "run-12"]
    kept = sorted(p.parent.name for p in (tmp_path / "storage").glob("*/outputs"))
    assert kept == [f"run-{age:02d}" for age in range(10)]
    assert (tmp_path / "storage" / "run-99" / "compute_logs").exists()

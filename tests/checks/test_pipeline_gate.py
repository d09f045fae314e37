"""Bad files stop a full pipeline run before publishing, and dist/latest keeps its bytes.

The whole release job runs in process with one shared ephemeral Dagster instance, on a copy of
the bundled snapshot in which one transcribed table is replaced by a corpus file, or a corpus
json-stat2 file is recorded as the StatFin 115s response that the run replays, or a
counts-contract file is handed to the run as a local table (``tasapaino run --counts``).
Before every run the output folder holds a previous release; after a failing run every byte
under it must be unchanged. One file per kind of fault runs by default (a run costs seconds); with
``TASAPAINO_FULL_CORPUS=1`` every pipeline file of the corpus runs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
from pathlib import Path

import pytest
from dagster import DagsterInstance

from assets.collect.recorded import exchange_dir, write_exchanges
from assets.reference.paths import snapshot_dir
from pipelines.definitions import defs
from tests.checks.corpus import CORPUS, TARGET, manifest
from tests.collect.fixtures import regional_exchanges, spec_115s

PIPELINE_FILES = {n: s for n, s in manifest().items() if s.get("pipeline")}
REPRESENTATIVES = [
    "utf8_bom.csv",  # accepted: the run publishes
    "latin1.csv",  # unreadable: the counts step fails (as for a missing column or unknown code)
    "negative_count.csv",  # a value: a blocking check fails
    "duplicate_rows.csv",  # keys
    "missing_year.csv",  # coverage
    "all_suppressed.csv",  # suppression
    "size_mismatch.json",  # a broken response: the collect step fails
    "total_mismatch.json",  # a response whose women + men differ from its total
    "counts_negative.parquet",  # a local counts file (--counts): the same blocking checks
    "not_parquet.parquet",  # a local counts file that cannot be read: the counts step fails
]


@pytest.fixture(scope="module")
def instance():
    with DagsterInstance.ephemeral() as inst:
        yield inst


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """An output folder holding an earlier release (any bytes will do: they must not change)."""
    out = tmp_path_factory.mktemp("dist")
    release = out / "releases" / "20201105-20261127"
    (release / "data").mkdir(parents=True)
    (release / "data" / "counts.csv").write_text("earlier release\n", encoding="utf-8")
    (release / "SHA256SUMS").write_text("", encoding="utf-8")
    (out / "latest").symlink_to(Path("releases") / "20201105-20261127")
    return out


def tree_digest(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[rel] = "link:" + str(path.readlink())
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def is_local_counts(name: str) -> bool:
    return name.startswith("counts_") or name.endswith(".parquet")


def inject(name: str, snapshot: Path) -> None:
    """A CSV replaces the lukio table; a json-stat2 file becomes a recorded 115s response.
    (Counts-contract files are not injected: they go to the run as ``local_counts``.)"""
    if is_local_counts(name):
        return
    if name.endswith(".csv"):
        shutil.copyfile(CORPUS / name, snapshot / "transcribed" / TARGET)
        return
    metadata, data = regional_exchanges()
    data = dataclasses.replace(data, body=(CORPUS / name).read_bytes())
    spec = spec_115s()
    directory = exchange_dir(snapshot / "recorded", "statfin", spec.id, spec.measure)
    write_exchanges(directory, [metadata, data])


def run_with(name: str, instance: DagsterInstance, out_dir: Path, tmp_path: Path):
    snapshot = tmp_path / "snapshot"
    shutil.copytree(snapshot_dir(), snapshot)
    inject(name, snapshot)
    job = defs.resolve_job_def("release_job")
    local = [str(CORPUS / name)] if is_local_counts(name) else []
    return job.execute_in_process(
        run_config={
            "resources": {
                "snapshot": {"config": {"directory": str(snapshot)}},
                "local_counts": {"config": {"files": local}},
                "release_target": {"config": {"out_dir": str(out_dir), "run_date": "2026-11-28"}},
            },
            "loggers": {"console": {"config": {"log_level": "ERROR"}}},
        },
        instance=instance,
        raise_on_error=False,
    )


def failed_evaluations(result) -> list:
    return [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and not e.asset_check_evaluation_data.passed
        and e.asset_check_evaluation_data.severity.value == "ERROR"
    ]


def failed_checks(result) -> set[str]:
    return {evaluation.check_name for evaluation in failed_evaluations(result)}


def assert_behaves(name: str, instance, dist: Path, tmp_path: Path) -> None:
    spec = PIPELINE_FILES[name]
    # Each run publishes into its own copy of the folder holding the earlier release.
    scratch = tmp_path / "dist"
    shutil.copytree(dist, scratch, symlinks=True)
    before = tree_digest(scratch)
    result = run_with(name, instance, scratch, tmp_path)
    released = {
        e.asset_key.to_user_string()
        for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION"
    }
    if spec["pipeline"] == "fails":
        assert not result.success
        assert "release" not in released
        assert tree_digest(scratch) == before
        failing_steps = [e.step_key for e in result.all_events if e.is_step_failure]
        assert failing_steps or failed_checks(result), name
        expected = spec.get("pipeline_fails", spec.get("fails", []))
        if not failing_steps:  # the collect steps read the file: the gate must say why
            assert set(expected) <= failed_checks(result), (name, failed_checks(result))
            for evaluation in failed_evaluations(result):  # what the UI shows for the failure
                assert {"failing", "checked", "sample", "failing_values", "fix"} <= set(
                    evaluation.metadata
                )
                assert evaluation.metadata["failing"].value >= 1
    else:
        assert "counts" in released and not failed_checks(result), failed_checks(result)


@pytest.mark.parametrize("name", REPRESENTATIVES)
def test_pipeline_stops_before_publishing(name, instance, dist, tmp_path):
    assert_behaves(name, instance, dist, tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("TASAPAINO_FULL_CORPUS"), reason="set TASAPAINO_FULL_CORPUS=1 to run"
)
@pytest.mark.parametrize("name", sorted(set(PIPELINE_FILES) - set(REPRESENTATIVES)))
def test_every_pipeline_file(name, instance, dist, tmp_path):
    assert_behaves(name, instance, dist, tmp_path)

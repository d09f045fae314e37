"""The release store (the ``release_target`` resource): ids, ``latest`` and the previous release,
which is read once per run however many steps ask for it."""

import io

import pandas as pd
from dagster import AssetCheckResult, asset, asset_check, materialize

import publish.history
from assets.resources import ReleaseTarget
from publish.release import write_release

COUNTS = pd.DataFrame({"source_updated": ["2020-11-05", "2019-01-01"], "count": [1, 2]})


def _parquet(frame: pd.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.to_parquet(out, index=False)
    return out.getvalue()


def _counting(monkeypatch) -> list[str]:
    """Replace ``load_previous`` with a wrapper that records each release id it reads for."""
    calls: list[str] = []
    real = publish.history.load_previous

    def counted(root, release_id):
        calls.append(release_id)
        return real(root, release_id)

    monkeypatch.setattr(publish.history, "load_previous", counted)
    return calls


def test_ids_latest_and_previous(tmp_path):
    old = pd.DataFrame({"count": [7]})
    write_release(tmp_path, "20200101-20260101", {"data/counts.parquet": _parquet(old)})
    store = ReleaseTarget(out_dir=str(tmp_path), run_date="2026-12-04")
    assert store.release_id(COUNTS) == "20201105-20261204"
    assert store.latest_id() == "20200101-20260101"
    previous = store.previous(COUNTS)
    assert previous.release_id == "20200101-20260101"
    assert previous.counts is not None and previous.counts["count"].tolist() == [7]
    assert store.latest_counts() is not None


def test_a_first_release_has_no_previous(tmp_path):
    store = ReleaseTarget(out_dir=str(tmp_path / "dist"), run_date="2026-12-04")
    assert store.latest_id() is None and store.latest_counts() is None
    assert store.previous(COUNTS).counts is None


def test_the_previous_release_is_read_once(tmp_path, monkeypatch):
    calls = _counting(monkeypatch)
    store = ReleaseTarget(out_dir=str(tmp_path), run_date="2026-12-04")
    assert store.previous(COUNTS) is store.previous(COUNTS)
    assert calls == ["20201105-20261204"]


def test_every_step_of_a_run_shares_one_read(tmp_path, monkeypatch):
    """The gate, the quality report, the articles and the release each ask; one read serves
    them all (the in-process executor gives the run's steps one resource instance)."""
    calls = _counting(monkeypatch)
    write_release(tmp_path, "20200101-20260101", {"data/counts.parquet": _parquet(COUNTS)})

    @asset
    def counts() -> pd.DataFrame:
        return COUNTS

    @asset_check(asset=counts)
    def gate(counts: pd.DataFrame, release_target: ReleaseTarget) -> AssetCheckResult:
        return AssetCheckResult(passed=release_target.previous(counts).counts is not None)

    @asset
    def articles(counts: pd.DataFrame, release_target: ReleaseTarget) -> str:
        return str(release_target.previous(counts).release_id)

    @asset
    def release(counts: pd.DataFrame, articles: str, release_target: ReleaseTarget) -> str:
        assert release_target.previous(counts).release_id == articles
        return articles

    resources = {"release_target": ReleaseTarget(out_dir=str(tmp_path), run_date="2026-12-04")}
    result = materialize([counts, articles, release, gate], resources=resources)
    assert result.success
    assert [e.passed for e in result.get_asset_check_evaluations()] == [True]
    assert result.output_for_node("release") == "20200101-20260101"
    assert calls == ["20201105-20261204"]

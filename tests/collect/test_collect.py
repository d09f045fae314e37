"""Live (mocked transport) and replayed responses give identical counts; new years add only
their own work; recordings are verified."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from assets.collect.collect import collect_statfin, record, replay
from assets.collect.recorded import RecordingError, read_exchanges, verify
from assets.collect.statfin import StatFinClient
from assets.contracts import COUNTS
from tests.collect.fixtures import spec_115s
from tests.collect.pxweb_mock import ROOT, PxWebMock, table_115s


def make_client(service: PxWebMock) -> StatFinClient:
    return StatFinClient(
        ROOT,
        http=service.client(),
        clock=service.clock,
        sleep=service.clock.sleep,
        languages=("fi", "sv", "en"),
        now=lambda: "2026-11-28T06:00:00Z",
    )


@pytest.fixture
def service() -> PxWebMock:
    mock = PxWebMock()
    mock.add(table_115s(years=3))
    return mock


def test_replaying_recorded_responses_equals_fetching_them_live(service, tmp_path):
    live = collect_statfin(make_client(service), spec_115s())
    record(tmp_path, [live])
    (replayed,) = replay(tmp_path, [spec_115s()], [])
    assert len(live.counts) == 183 * 20 * 3 * 2  # units (total left out) × regions × years × sexes
    pd.testing.assert_frame_equal(live.counts, replayed.counts)


def test_live_counts_follow_the_contract(service):
    counts = collect_statfin(make_client(service), spec_115s()).counts
    assert list(counts.columns) == COUNTS.names
    assert not counts.duplicated(list(COUNTS.primary_key)).any()
    assert set(counts["sex"]) == {"women", "men"}
    assert set(counts["level"]) == {1, 2, 3}
    assert counts["retrieved_at"].eq(pd.Timestamp("2026-11-28T06:00:00Z")).all()
    assert counts["source_updated"].eq(pd.Timestamp("2025-06-03T05:00:00Z")).all()


def test_a_new_year_fetches_only_that_year(service, tmp_path):
    store = tmp_path / "store"
    first = collect_statfin(make_client(service), spec_115s(), store)
    assert first.fetched_years == [2010, 2011, 2012]
    service.add(table_115s(years=4))
    service.log.clear()
    second = collect_statfin(make_client(service), spec_115s(), store)
    assert second.fetched_years == [2013]
    (query,) = service.data_requests()
    years = next(q for q in query["query"] if q["code"] == "timeperiod_y")["selection"]["values"]
    assert years == ["2013"]
    full = collect_statfin(make_client(service), spec_115s(), full=True).counts
    pd.testing.assert_frame_equal(second.counts.reset_index(drop=True), full)


def test_nothing_new_means_no_data_request(service, tmp_path):
    collect_statfin(make_client(service), spec_115s(), tmp_path)
    service.log.clear()
    again = collect_statfin(make_client(service), spec_115s(), tmp_path)
    assert again.fetched_years == [] and service.data_requests() == []
    assert len(again.counts) == 183 * 20 * 3 * 2


def test_a_changed_recording_is_refused(service, tmp_path):
    record(tmp_path, [collect_statfin(make_client(service), spec_115s())])
    directory = tmp_path / "statfin" / "tyokay" / "115s" / "employed"
    data = sorted(directory.glob("*-data.json"))[0]
    data.write_bytes(data.read_bytes().replace(b"1", b"2", 1))
    with pytest.raises(RecordingError, match="differs from the SHA-256"):
        read_exchanges(directory)
    assert len(verify(tmp_path)) == 1


def test_recordings_keep_request_url_and_time(service, tmp_path):
    record(tmp_path, [collect_statfin(make_client(service), spec_115s())])
    exchanges = read_exchanges(tmp_path / "statfin" / "tyokay" / "115s" / "employed")
    assert [e.kind for e in exchanges] == ["metadata-fi", "metadata-sv", "metadata-en", "data"]
    assert exchanges[-1].url == f"{ROOT}/fi/StatFin/tyokay/115s.px"
    assert exchanges[-1].retrieved_at == "2026-11-28T06:00:00Z"
    sidecar = sorted(
        (tmp_path / "statfin" / "tyokay" / "115s" / "employed").glob("*-data.request.json")
    )
    meta = json.loads(sidecar[0].read_text(encoding="utf-8"))
    assert meta["source_updated"] == "2025-06-03T05:00:00Z" and meta["method"] == "POST"
    assert json.loads(meta["request_body"])["query"][0]["code"] == "ammatti_104_20161021"

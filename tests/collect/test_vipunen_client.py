"""The Vipunen client: count, pages, filter, Caller-Id, archive and counts (mocked transport,
SYNTHETIC records from tests/fixtures/vipunen)."""

from __future__ import annotations

import json

import httpx
import pandas as pd
import pytest

from assets.collect.collect import collect_vipunen, record, replay
from assets.collect.http import RetryPolicy, SourceError
from assets.collect.tables import load_vipunen_resources
from assets.collect.vipunen import VipunenClient
from tests.collect.fixtures import VIPUNEN_FIXTURES
from tests.collect.pxweb_mock import FakeClock

ROOT = "https://vipunen.test/api"
RECORDS = json.loads((VIPUNEN_FIXTURES / "amk_records.json").read_text(encoding="utf-8"))


class VipunenMock:
    def __init__(self, records=RECORDS) -> None:
        self.records, self.requests, self.script = records, [], []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.script:
            return httpx.Response(self.script.pop(0), text="busy")
        if request.url.path.endswith("/data/count"):
            return httpx.Response(200, json=len(self.records))
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        return httpx.Response(200, json=self.records[offset : offset + limit])


def make_client(mock: VipunenMock, **kw) -> VipunenClient:
    clock = FakeClock()
    return VipunenClient(
        ROOT,
        http=httpx.Client(transport=httpx.MockTransport(mock.handle)),
        clock=clock,
        sleep=clock.sleep,
        page_size=20,
        now=lambda: "2026-11-28T06:00:00Z",
        policy=RetryPolicy(attempts=3, backoff_s=1.0),
        **kw,
    )


@pytest.fixture
def spec():
    return load_vipunen_resources()[0]


def test_counts_then_reads_every_page_with_filter_and_caller_id(spec):
    mock = VipunenMock()
    exchanges = make_client(mock).fetch_resource(spec)
    assert [e.kind for e in exchanges] == ["count", "data", "data", "data"]  # 49 records / 20
    assert all(r.headers["Caller-Id"] == "tasapaino.opendata" for r in mock.requests)
    assert mock.requests[0].url.path == "/api/resources/amk_opiskelijat_ja_tutkinnot/data/count"
    assert all(r.url.params["filter"] == "tilastovuosi=ge=2017" for r in mock.requests)
    assert [r.url.params.get("offset") for r in mock.requests[1:]] == ["0", "20", "40"]


def test_records_become_counts_summed_over_institutions(spec):
    counts = collect_vipunen(make_client(VipunenMock()), spec).counts
    assert set(counts["region_code"]) == {"MK17", "MK01"} and set(counts["sex"]) == {"women", "men"}
    assert len(counts) == 2 * 2 * 3 * 2  # years × regions × fields × sexes
    cell = counts.set_index(["year", "region_code", "unit_code", "sex"])
    expected = sum(
        r["tutkinnotLkm"]
        for r in RECORDS
        if (r["tilastovuosi"], r["kooditMaakunta"], r["kooditKoulutusalaTaso1"], r["sukupuoli"])
        == (2023, "01", "09", "Mies")
    )
    assert cell.loc[(2023, "MK01", "09", "men"), "count"] == expected
    suppressed = cell.loc[(2022, "MK17", "06", "women")]
    assert pd.isna(suppressed["count"]) and suppressed["status"] == "1-4"
    assert counts["source_updated"].astype(str).str.startswith("2026-05-20").all()


def test_a_page_count_that_does_not_add_up_fails(spec):
    mock = VipunenMock()
    original = mock.handle

    def short_pages(request):
        response = original(request)
        if request.url.params.get("offset") == "40":
            return httpx.Response(200, json=[])
        return response

    mock.handle = short_pages
    with pytest.raises(
        SourceError, match=r"vipunen amk_opiskelijat_ja_tutkinnot: .*said 49 records"
    ):
        make_client(mock).fetch_resource(spec)


def test_server_errors_are_retried(spec):
    mock = VipunenMock()
    mock.script = [503, 500]
    assert len(make_client(mock).fetch_resource(spec)) == 4


def test_replayed_vipunen_counts_equal_live_ones(spec, tmp_path):
    live = collect_vipunen(make_client(VipunenMock()), spec)
    record(tmp_path, [live])
    (replayed,) = replay(tmp_path, [], [spec])
    pd.testing.assert_frame_equal(live.counts, replayed.counts)

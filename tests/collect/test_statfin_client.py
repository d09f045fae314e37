"""The PxWeb v1 client against an in-memory service (httpx.MockTransport): no test touches the
network, and call limits run on a fake clock."""

from __future__ import annotations

import dataclasses
import email.utils
import json

import pytest

from assets.collect.harmonise import statfin_frame
from assets.collect.http import RetryPolicy, SourceError
from assets.collect.statfin import StatFinClient, cell_count, plan_queries
from tests.collect.fixtures import spec_115s
from tests.collect.pxweb_mock import ROOT, PxWebMock, table_115s

FAST = RetryPolicy(attempts=4, backoff_s=1.0, max_backoff_s=8.0, max_retry_after_s=120.0)


@pytest.fixture
def service() -> PxWebMock:
    mock = PxWebMock()
    mock.add(table_115s())
    return mock


def client_for(service: PxWebMock, **kw) -> StatFinClient:
    return StatFinClient(
        ROOT,
        http=service.client(),
        clock=service.clock,
        sleep=service.clock.sleep,
        policy=kw.pop("policy", FAST),
        languages=kw.pop("languages", ("fi",)),
        **kw,
    )


def test_a_153720_cell_query_is_split_under_the_limit_and_reassembled_exactly(service):
    exchanges = client_for(service).fetch_table(spec_115s())
    queries = service.data_requests()
    sizes = [
        cell_count([(q["code"], q["selection"]["values"]) for q in body["query"]])
        for body in queries
    ]
    assert sum(sizes) == 183 * 20 * 3 * 14 == 153_720
    assert len(sizes) == 2 and max(sizes) <= 120_000  # 10 years (109 800 cells) + 4 years
    frame = statfin_frame(spec_115s(), exchanges)
    assert len(frame) == 153_720
    keys = ["ammatti_104_20161021", "alue_28_20250101", "sukupuoli_9_20180101", "timeperiod_y"]
    assert not frame.duplicated(keys).any()
    coords = zip(*(frame[k] for k in [*keys, "contentscode"]), strict=True)
    value = service.tables["tyokay/115s"].value  # totals are men + women, as in the real table
    assert [int(v) for v in frame["value"]] == [value(c) for c in coords]


def test_plan_splits_years_first_and_recurses_when_one_year_is_too_big():
    selection = [
        ("unit", [str(i) for i in range(300)]),
        ("sex", ["1", "2"]),
        ("year", ["2022", "2023"]),
    ]
    parts = plan_queries(selection, max_cells=250, split_first="year")
    assert all(cell_count(p) <= 250 for p in parts)
    assert sum(cell_count(p) for p in parts) == 1200
    covered = {(u, s, y) for p in parts for u in p[0][1] for s in p[1][1] for y in p[2][1]}
    assert len(covered) == 1200


def test_never_more_than_40_calls_in_any_60_second_window(service):
    client = client_for(service)
    client.limits()
    for _ in range(100):
        client.metadata(spec_115s(), "fi")
    times = sorted(t for t, *_ in service.log)
    assert len(times) == 101
    assert max(sum(1 for u in times if t <= u < t + 60) for t in times) == 40
    assert service.clock.now - 1_000.0 >= 120  # 101 calls need at least two full windows


def test_limits_come_from_the_services_config(service):
    service.config = {"maxValues": 50_000, "maxCalls": 10, "timeWindow": 30}
    client = client_for(service)
    client.fetch_table(spec_115s())
    sizes = [
        cell_count([(q["code"], q["selection"]["values"]) for q in body["query"]])
        for body in service.data_requests()
    ]
    assert max(sizes) <= 50_000 and sum(sizes) == 153_720
    times = sorted(t for t, *_ in service.log)
    assert max(sum(1 for u in times if t <= u < t + 30) for t in times) <= 10


def test_429_waits_as_long_as_retry_after_says(service):
    service.fail_next((429, {"Retry-After": "17"}))
    client_for(service).limits()
    assert service.clock.sleeps == [17.0]


def test_429_retry_after_as_an_http_date_is_understood(service):
    import datetime as dt

    when = email.utils.format_datetime(
        dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30), usegmt=True
    )
    service.fail_next((429, {"Retry-After": when}))
    client_for(service).limits()
    assert 25 <= service.clock.sleeps[0] <= 31


def test_429_asking_for_too_long_a_wait_fails_naming_the_table(service):
    service.fail_next((429, {"Retry-After": "3600"}))
    with pytest.raises(SourceError, match=r"statfin tyokay/115s: .*3600 s.*--source snapshot"):
        client_for(service).metadata(spec_115s(), "fi")


def test_500s_then_success_recovers_with_growing_bounded_waits(service):
    service.fail_next(500, 502, 503)
    exchange = client_for(service).metadata(spec_115s(), "fi")
    assert exchange.status == 200
    assert service.clock.sleeps == [1.0, 2.0, 4.0]


def test_persistent_500s_fail_naming_the_table_and_what_to_do(service):
    service.fail_next(500, 500, 500, 500)
    with pytest.raises(SourceError) as err:
        client_for(service).metadata(spec_115s(), "fi")
    message = str(err.value)
    assert "tyokay/115s" in message and "HTTP 500" in message and "4 attempts" in message
    assert "try again later, or run with --source snapshot" in message


def test_timeouts_are_retried(service):
    service.fail_next("timeout", "timeout")
    assert client_for(service).metadata(spec_115s(), "fi").status == 200
    assert len(service.clock.sleeps) == 2


def test_timeouts_every_time_fail_with_a_message(service):
    service.fail_next(*["timeout"] * 4)
    with pytest.raises(
        SourceError, match=r"tyokay/115s: no answer within the timeout .* \(after 4 attempts"
    ):
        client_for(service).metadata(spec_115s(), "fi")


def test_a_truncated_body_is_fetched_again(service):
    client = client_for(service)
    client.limits()
    client.check_listed(spec_115s())
    client.metadata(spec_115s(), "fi")
    service.fail_next("truncated")
    exchanges = client.fetch_table(spec_115s())
    assert len(statfin_frame(spec_115s(), exchanges)) == 153_720


def test_always_truncated_fails_saying_so(service):
    client = client_for(service)
    client.limits()
    client.check_listed(spec_115s())
    service.fail_next(*["truncated"] * 8)
    with pytest.raises(SourceError, match=r"tyokay/115s.*not valid JSON.*cut off — retry"):
        client.fetch_table(spec_115s())


def test_an_html_error_page_is_recognised(service):
    service.fail_next(*["html"] * 4)
    with pytest.raises(SourceError, match=r"HTML page \('Service Unavailable'\), not JSON"):
        client_for(service).metadata(spec_115s(), "fi")


def test_a_changed_variable_code_is_found_by_its_prefix(service):
    service.add(table_115s(years=2, area_code="alue_29_20270101"))
    client_for(service).fetch_table(spec_115s())
    codes = [q["code"] for q in service.data_requests()[0]["query"]]
    assert "alue_29_20270101" in codes and "alue_28_20250101" not in codes


def test_a_renamed_variable_code_is_found_by_its_unambiguous_text(service):
    service.add(table_115s(years=2, area_code="maakunta_1_20270101"))
    client_for(service).fetch_table(spec_115s())
    asked = {q["code"] for q in service.data_requests()[0]["query"]}
    assert "maakunta_1_20270101" in asked  # its text is still "Alue" (fi), "Område", "Area"


def test_a_variable_that_disappeared_fails_naming_the_codes_seen(service):
    table = table_115s(years=2, area_code="maakunta_1_20270101")
    area = next(v for v in table.variables if v["code"] == "maakunta_1_20270101")
    area["text"], area["texts"] = "Maakunta", {"fi": "Maakunta", "sv": "Landskap", "en": "Region"}
    service.add(table)
    with pytest.raises(SourceError) as err:
        client_for(service).fetch_table(spec_115s())
    assert "no variable is named 'alue' by code or text" in str(err.value)
    assert "maakunta_1_20270101" in str(err.value)
    assert "full code in data/sources/statfin.yaml" in str(err.value)


def test_a_table_missing_from_the_listing_fails_naming_the_listing(service):
    spec = dataclasses.replace(spec_115s(), id="tyokay/999z")
    with pytest.raises(SourceError) as err:
        client_for(service).fetch_table(spec)
    assert f"GET {ROOT}/fi/StatFin/tyokay" in str(err.value)
    assert "update its id in data/sources/statfin.yaml" in str(err.value)


def test_only_the_requested_years_are_fetched(service):
    client_for(service).fetch_table(spec_115s(), years=["2023"])
    (query,) = service.data_requests()
    years = next(q for q in query["query"] if q["code"] == "timeperiod_y")["selection"]["values"]
    assert years == ["2023"]


def test_every_response_is_archived_with_request_and_time(service):
    archived = []
    client = client_for(service, archive=archived.append, now=lambda: "2026-11-28T06:00:00Z")
    client.fetch_table(spec_115s())
    kinds = [e.kind for e in archived]
    assert kinds == ["config", "listing", "metadata-fi", "data", "data"]
    assert archived[0].url == f"{ROOT}/fi/?config"
    assert archived[1].url == f"{ROOT}/fi/StatFin/tyokay"
    data = archived[-1]
    assert data.url == f"{ROOT}/fi/StatFin/tyokay/115s.px" and data.method == "POST"
    assert json.loads(data.request_body)["response"] == {"format": "json-stat2"}
    assert data.retrieved_at == "2026-11-28T06:00:00Z" and len(data.sha256) == 64

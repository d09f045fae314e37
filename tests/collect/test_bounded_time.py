"""A hung, endless, hostile or absurd service ends a table within its deadline, in one line.

Real sockets on 127.0.0.1 (tests/collect/live_services.py), real time. The deadlines are made
short here so the suite stays fast; ``test_the_defaults_fail_a_hung_table_within_a_minute``
checks that the shipped defaults add up to at most 60 s.
"""

from __future__ import annotations

import time

import pytest

from assets.collect.http import HttpLimits, RetryPolicy, SourceError
from assets.collect.statfin import StatFinClient, parse_limits
from assets.collect.tables import load_statfin_tables
from tests.collect import live_services

SHORT = HttpLimits(connect_s=1.0, read_s=1.0, table_deadline_s=3.0, max_response_mb=1.0)
QUICK = RetryPolicy(attempts=5, backoff_s=0.2, max_backoff_s=0.5)


@pytest.fixture
def services(tmp_path, monkeypatch):
    yield from live_services.start(tmp_path, monkeypatch, years=2)


def spec_115s():
    return next(t for t in load_statfin_tables() if t.id == "tyokay/115s")


def fetch(services, limits: HttpLimits = SHORT) -> None:
    StatFinClient(services.statfin_url, limits=limits, policy=QUICK).fetch_table(spec_115s())


def one_line(err: pytest.ExceptionInfo) -> str:
    text = str(err.value)
    assert "\n" not in text
    assert "Traceback" not in text
    return text


def test_the_defaults_fail_a_hung_table_within_a_minute():
    limits = HttpLimits()
    assert limits.table_deadline_s <= 60
    assert limits.read_s < limits.table_deadline_s and limits.connect_s < limits.table_deadline_s


def test_a_hung_server_ends_at_the_deadline_naming_the_limit(services):
    services.misbehave(lambda m, p: "115s.px" in p, "hang", seconds=30)
    start = time.monotonic()
    with pytest.raises(SourceError) as err:
        fetch(services)
    assert time.monotonic() - start <= SHORT.table_deadline_s + 2.5
    text = one_line(err)
    assert "statfin tyokay/115s" in text
    assert "TASAPAINO_HTTP_" in text  # names the limit that ended it
    assert "/pxweb/fi/StatFin/tyokay/115s.px" in text  # and the URL


def test_an_endless_body_is_cut_off_at_the_deadline(services):
    services.misbehave(lambda m, p: m == "POST", "trickle", seconds=30)
    start = time.monotonic()
    with pytest.raises(SourceError) as err:
        fetch(services)
    assert time.monotonic() - start <= SHORT.table_deadline_s + 2.5
    text = one_line(err)
    assert "still arriving after the deadline of 3 s" in text


def test_html_instead_of_json_is_retried_then_reported(services):
    services.misbehave(lambda m, p: "115s.px" in p, "html")
    start = time.monotonic()
    with pytest.raises(SourceError) as err:
        fetch(services)
    assert time.monotonic() - start <= SHORT.table_deadline_s + 2.5
    assert "HTML page" in one_line(err) or "Huoltokatko" in one_line(err)


def test_an_absurd_retry_after_is_reported_at_once(services):
    services.pxweb.fail_next((429, {"Retry-After": "99999"}))
    start = time.monotonic()
    with pytest.raises(SourceError) as err:
        fetch(services)
    assert time.monotonic() - start < 20  # not the 30 s this run would wait (loaded CI)
    text = one_line(err)
    assert "asks to wait 99999 s (HTTP 429 Retry-After)" in text
    assert "more than the 30 s this run waits" in text


def test_a_body_over_the_size_cap_is_refused(services):
    tiny = HttpLimits(connect_s=1, read_s=1, table_deadline_s=5, max_response_mb=0.01)
    with pytest.raises(SourceError) as err:
        fetch(services, tiny)
    assert "above the cap of 0 MB (TASAPAINO_HTTP_MAX_RESPONSE_MB)" in one_line(err)


def test_a_redirect_to_another_host_is_refused_naming_both(services):
    services.misbehave(lambda m, p: "115s.px" in p, "redirect-away")
    with pytest.raises(SourceError) as err:
        fetch(services)
    text = one_line(err)
    assert "redirected" in text and "127.0.0.2" in text and "configured: 127.0.0.1" in text


def test_a_redirect_loop_is_one_clear_line(services):
    services.misbehave(lambda m, p: "115s.px" in p, "redirect-loop")
    with pytest.raises(SourceError) as err:
        fetch(services)
    assert "more than 5 redirects" in one_line(err)


def test_a_refused_connection_marks_the_service_unreachable_for_the_next_table(tmp_path):
    port = live_services.closed_port()
    client = StatFinClient(f"http://127.0.0.1:{port}/pxweb", limits=SHORT, policy=QUICK)
    tables = [t for t in load_statfin_tables() if t.id.startswith("tyokay/")]
    with pytest.raises(SourceError, match="connection failed"):
        client.fetch_table(tables[0])
    start = time.monotonic()
    with pytest.raises(SourceError, match="not asked, because the service did not answer"):
        client.fetch_table(tables[1])
    assert time.monotonic() - start < 0.5


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ({"maxValues": 1, "maxCalls": 40, "timeWindow": 60}, "maxValues=1"),
        ({"maxValues": "lots", "maxCalls": 40, "timeWindow": 60}, "maxValues='lots'"),
        ({"maxValues": 120000, "maxCalls": 0.0001, "timeWindow": 60}, "maxCalls=0.0001"),
        ({"maxValues": 120000, "maxCalls": 40, "timeWindow": -5}, "timeWindow=-5"),
        ([1, 2, 3], "expected a JSON object"),
    ],
)
def test_hostile_service_limits_are_refused_naming_the_value(config, named):
    with pytest.raises(SourceError) as err:
        parse_limits(config)
    assert named in str(err.value)


def test_missing_service_limits_take_the_documented_defaults():
    limits = parse_limits({"CORS": True})
    assert (limits.max_cells, limits.max_calls, limits.window_s) == (120_000, 40, 60.0)


def test_a_redirect_within_the_host_is_followed_and_the_final_url_recorded(services, tmp_path):
    from assets.collect.recorded import read_exchanges, write_exchanges

    services.misbehave(
        lambda m, p: m == "GET" and p.endswith("/fi/StatFin/tyokay/115s.px"), "redirect-moved"
    )
    client = StatFinClient(services.statfin_url, limits=SHORT, policy=QUICK)
    exchanges = client.fetch_table(spec_115s())
    fi = next(e for e in exchanges if e.kind == "metadata-fi")
    assert fi.url == services.statfin_url + "/fi/StatFin/tyokay/115s.px"
    assert fi.final_url == fi.url + "?moved=1"
    write_exchanges(tmp_path / "rec", exchanges)
    assert [e.final_url for e in read_exchanges(tmp_path / "rec")] == [
        e.final_url for e in exchanges
    ]

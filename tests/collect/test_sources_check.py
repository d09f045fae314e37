"""``tasapaino sources check`` against the imitation of StatFin and Vipunen (listings and
metadata only; SYNTHETIC service)."""

from __future__ import annotations

import pytest

from pipelines.cli import main
from tests.collect import live_services
from tests.collect.pxweb_mock import table_standin_12bd


@pytest.fixture
def services(tmp_path, monkeypatch):
    yield from live_services.start(tmp_path, monkeypatch, years=2)


def test_every_table_found_exits_0_with_what_was_matched(services, capsys):
    services.pxweb.add(table_standin_12bd())
    assert main(["sources", "check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "7 of 7 tables found; a live run gets every table"
    line = next(x for x in out if x.startswith("found   tyokay/115q (wage_earners)"))
    assert "unit 'ammatti' → ammatti_104_20161021" in line
    assert "fixed 'ammattiasema' → 1" in line
    assert "contents → tyokay-tyolliset2" in line
    assert "cells in 1 POST(s)" in line
    line = next(x for x in out if x.startswith("found   tyokay/115s (employed)"))
    assert "region 'alue' → alue_28_20250101 (20 values)" in line
    twelve = next(x for x in out if x.startswith("found   vkour/12br"))
    assert "totals: koulutusaste_6_20160101=SSS, ikaryhma_15_20180101=SSS" in twelve
    assert any(x.startswith("found   vipunen/amk_opiskelijat_ja_tutkinnot") for x in out)
    assert services.pxweb.data_requests() == []  # metadata only: no data query was made


def test_a_table_not_in_its_folder_is_missing_with_the_nearest_titles(services, capsys):
    assert main(["sources", "check"]) == 1
    out = capsys.readouterr().out.splitlines()
    line = next(x for x in out if x.startswith("MISSING opiskt/12bd (new_students)"))
    assert "'12bd' is not in the folder listing" in line
    assert "nearest titles there:" in line
    assert out[-1] == "5 of 7 tables found; a live run would miss 2"


def test_offline_it_fails_in_one_line(monkeypatch, capsys):
    port = live_services.closed_port()
    monkeypatch.setenv("TASAPAINO_STATFIN_URL", f"http://127.0.0.1:{port}/pxweb")
    monkeypatch.setenv("TASAPAINO_VIPUNEN_URL", f"http://127.0.0.1:{port}/vipunen")
    monkeypatch.setenv("TASAPAINO_HTTP_TABLE_DEADLINE_S", "3")  # retries end sooner
    assert main(["sources", "check"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert "no service answered" in lines[0] and "needs network access" in lines[0]

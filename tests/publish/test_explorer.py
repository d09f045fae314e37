"""The "find my field or occupation" page's data: every row of unit_shares.csv, verbatim, in its
order; labels that could end a script cannot; the data page links the page."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from publish import bundle, explorer
from publish.tables import to_csv_bytes
from tests.publish.release_fixtures import RUN_DATE


def _data(script: bytes) -> dict:
    text = script.decode()
    assert text.startswith("window.TASAPAINO_EXPLORER = ") and text.endswith(";\n")
    return json.loads(text.removeprefix("window.TASAPAINO_EXPLORER = ").removesuffix(";\n"))


def test_csv_records_keep_quoted_line_breaks_and_bytes():
    text = 'a,b\n1,"x\ny"\n2,"say ""hi"""\n'
    assert explorer.csv_records(text) == ["a,b", '1,"x\ny"', '2,"say ""hi"""']


@pytest.fixture(scope="module")
def files(release_datasets, sources):
    return bundle.build(release_datasets, sources, {}, run_date=RUN_DATE, code_version="test")


def test_every_row_of_unit_shares_is_in_the_page_data_verbatim_and_in_order(files):
    data = _data(files[explorer.DATA_FILE])
    published = files["data/unit_shares.csv"].decode()
    assert data["eol"] == "\r\n" and published.endswith("\r\n")  # the release's CSV dialect
    header, *lines = published.removesuffix("\r\n").split("\r\n")
    assert data["header"] == header
    assert [r["line"] for r in data["rows"]] == lines
    frame = pd.read_csv(io.StringIO(published))
    first = data["rows"][0]
    assert (first["w"], first["n"], first["y"]) == (
        frame["women"].iloc[0],
        frame["men"].iloc[0],
        frame["year"].iloc[0],
    )
    tech = [r for r in data["rows"] if data["units"][r["u"]]["fi"] == "Tekniikan alat"]
    assert len(tech) == int(frame["unit_name_fi"].eq("Tekniikan alat").sum()) > 0
    assert all(r["url"].startswith(("https://", "http://")) for r in tech)  # stat.fi: http


def test_the_three_pages_are_published_and_linked_from_the_data_page(files):
    for lang, path in explorer.PAGES.items():
        page = files[path].decode()
        assert f'<html lang="{lang}">' in page and '<script src="data.js"></script>' in page
        assert "http://" not in page and "https://" not in page  # nothing from other hosts
    assert '<a href="explorer/index.html">Etsi ala tai ammatti' in files["index.html"].decode()
    assert 'href="explorer/index.sv.html"' in files["index.sv.html"].decode()
    assert "Etsi ala tai ammatti" in files["explorer/index.html"].decode()


def test_a_hostile_label_cannot_end_the_script(sources):
    shares = pd.DataFrame(
        {
            "source": ["transcribed"],
            "source_table": ["t"],
            "measure": ["employed"],
            "unit_name_fi": ["</script><script>alert(1)</script>"],
            "unit_name_sv": ["x"],
            "unit_name_en": ["x"],
            "region_code": ["SSS"],
            "region_name_fi": ["Koko maa"],
            "year": [2019],
            "women": [1],
            "men": [2],
            "women_share": [1 / 3],
            "segregation_class": ["men_60_90"],
        }
    )
    script = explorer.data_script(explorer.explorer_data(to_csv_bytes(shares), sources))
    assert b"<" not in script
    # A count the source marks as missing ('..') is an empty cell: shown as a dash, not a crash.
    gap = explorer.explorer_data(
        to_csv_bytes(shares.assign(women=pd.NA, women_share=pd.NA)), sources
    )
    assert (gap["rows"][0]["w"], gap["rows"][0]["s"]) == (None, None)
    assert _data(script)["units"][0]["fi"] == "</script><script>alert(1)</script>"


def test_no_explorer_above_the_row_limit(monkeypatch, release_datasets, sources):
    monkeypatch.setattr(explorer, "MAX_ROWS", 10)
    files = bundle.build(release_datasets, sources, {}, run_date=RUN_DATE, code_version="test")
    assert not any(name.startswith("explorer/") for name in files)
    assert "explorer/" not in files["index.html"].decode()


def test_a_total_shows_no_class(files):
    """Upper secondary students are one unit per region: a share, but no field to compare."""
    data = _data(files[explorer.DATA_FILE])
    totals = [r for r in data["rows"] if r["m"] == "general_upper_secondary_students"]
    fields = [r for r in data["rows"] if data["units"][r["u"]]["fi"] == "Tekniikan alat"]
    assert totals and all(r["c"] == "" for r in totals)
    assert fields and all(r["c"] for r in fields)

"""json-stat2 parsing: cells in row-major order, status marks kept, broken bodies named."""

from __future__ import annotations

import json

import pytest

from assets.collect.jsonstat import JsonStatError, parse_jsonstat2
from tests.collect.fixtures import fixture_bytes

SMALL = {
    "version": "2.0",
    "class": "dataset",
    "updated": "2025-06-03T05:00:00Z",
    "id": ["sukupuoli", "vuosi"],
    "size": [2, 3],
    "dimension": {
        "sukupuoli": {
            "category": {"index": {"1": 0, "2": 1}, "label": {"1": "Miehet", "2": "Naiset"}}
        },
        "vuosi": {"category": {"index": ["2021", "2022", "2023"]}},
    },
    "value": [1, 2, 3, 4, None, 6],
    "status": {"4": ".."},
}


def test_cells_follow_row_major_order_with_labels():
    df = parse_jsonstat2(SMALL, table="t")
    assert list(df["sukupuoli"]) == ["1", "1", "1", "2", "2", "2"]
    assert list(df["vuosi"]) == ["2021", "2022", "2023"] * 2
    assert list(df["sukupuoli_label"])[3] == "Naiset"
    assert df["value"].tolist()[:4] == [1, 2, 3, 4]
    assert df.attrs["updated"] == "2025-06-03T05:00:00Z"


def test_a_status_mark_becomes_a_null_value_and_the_mark():
    df = parse_jsonstat2(SMALL, table="t")
    assert df["value"].isna().tolist() == [False] * 4 + [True, False]
    assert df["status"].tolist() == ["", "", "", "", "..", ""]


def test_status_as_a_list_and_sparse_values_are_understood():
    doc = {**SMALL, "status": ["", "", ".", "", "..", "-"], "value": {"0": 1, "5": 0}}
    df = parse_jsonstat2(doc, table="t")
    assert df["status"].tolist() == ["", "", ".", "", "..", "-"]
    assert df["value"].isna().sum() == 4


def test_the_regional_fixture_parses_from_bytes():
    df = parse_jsonstat2(fixture_bytes("115s_regional.json"), table="tyokay/115s")
    assert len(df) == 19 * 2 * 3 * 3
    assert set(df["alue_28_20250101"]) == {"SSS", "MK17"}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (json.dumps(SMALL)[:-40], r"tyokay/115s: the response is not valid JSON \(truncated\)"),
        (
            "<html><title>502 Bad Gateway</title></html>",
            r"tyokay/115s: .*HTML page \('502 Bad Gateway'\)",
        ),
        (
            {**SMALL, "value": [1, 2, 3]},
            r"tyokay/115s: size says 6 cells but the value array has 3",
        ),
        ({**SMALL, "id": ["sukupuoli", "alue"]}, r"tyokay/115s: dimension 'alue' is listed in id"),
        ({**SMALL, "size": [2, 4], "value": [0] * 8}, r"'vuosi' has 3 categories but size says 4"),
        (
            {k: v for k, v in SMALL.items() if k != "value"},
            r"tyokay/115s: the dataset has no value",
        ),
        ({"error": "x"}, r"tyokay/115s: not a json-stat2 dataset \(missing id, size, dimension\)"),
        ("", r"tyokay/115s: the response is empty"),
        (
            {**SMALL, "value": [1, 2, "3", 4, None, 6]},
            r'tyokay/115s: the value at position 2 is "3", not a number',
        ),
        ({**SMALL, "value": [1, 2, 3, True, None, 6]}, r"position 3 is true, not a number"),
        (
            json.dumps({**SMALL, "note": "Työlliset"}, ensure_ascii=False).encode("latin-1"),
            r"tyokay/115s: the response is not UTF-8 \(byte 0xf6",
        ),
    ],
)
def test_broken_responses_fail_naming_the_table_and_the_problem(payload, message):
    with pytest.raises(JsonStatError, match=message):
        parse_jsonstat2(payload, table="tyokay/115s")


def test_a_byte_order_mark_before_the_json_is_accepted():
    df = parse_jsonstat2(b"\xef\xbb\xbf" + json.dumps(SMALL).encode(), table="t")
    assert df["value"].tolist()[:4] == [1, 2, 3, 4]


def test_json_stat_error_is_a_value_error():
    assert issubclass(JsonStatError, ValueError)

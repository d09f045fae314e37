"""`tasapaino check` answers every input with exit 0, 1 or 2 and never a traceback."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.cli import main

HEADER = "source_table,year,region_code,region_name,classification,unit_code,unit_name,sex,count\n"
jsonish = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def run(tmp_path, capsys, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in out + err
    if code == 2:
        assert len(err.strip().splitlines()) == 1


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".json", ".parquet", ""]))
def test_random_bytes(tmp_path, capsys, data, suffix):
    run(tmp_path, capsys, f"input{suffix}", data)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(st.text(max_size=8), min_size=0, max_size=10), max_size=5))
def test_random_snapshot_csv(tmp_path, capsys, rows):
    body = "\n".join(",".join(json.dumps(c) for c in row) for row in rows)
    run(tmp_path, capsys, "table.csv", (HEADER + body).encode("utf-8"))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    doc=st.fixed_dictionaries(
        {"class": st.just("dataset")},
        optional={
            "id": jsonish,
            "size": jsonish,
            "dimension": jsonish,
            "value": jsonish,
            "status": jsonish,
        },
    )
)
def test_random_jsonstat_like(tmp_path, capsys, doc):
    run(tmp_path, capsys, "response.json", json.dumps(doc).encode("utf-8"))

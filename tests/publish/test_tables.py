"""The three forms of a dataset: RFC 4180 CSV, CSV for Finnish Excel, typed Parquet.

The CSV writer formats text with vectorised Arrow kernels, chunk by chunk; pandas' own
``to_csv`` (which the release used before, and which journalists' tools agree with) is the
reference it must match byte for byte, tested on awkward values and on random frames.
"""

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assets.contracts import Column, Contract, conform
from publish import csv_text, tables
from publish.csv_text import neutralise_formula
from publish.tables import (
    to_csv_bytes,
    to_excel_csv_bytes,
    to_parquet_bytes,
    write_dataset,
)

TINY = Contract(
    "tiny",
    (
        Column("region_code", "string", "region", "alue"),
        Column("name", "string", "name, may hold commas", "nimi"),
        Column("count", "Int64", "persons", "henkilöt"),
        Column("share", "float64", "women's share", "naisten osuus"),
    ),
    ("region_code",),
)


def _tiny() -> pd.DataFrame:
    return conform(
        pd.DataFrame(
            {
                "region_code": ["MK17", "SSS"],
                "name": ['Pohjois-Pohjanmaa, "POP"', "Koko maa"],
                "count": [1234, None],
                "share": [0.5, 0.125],
            }
        ),
        TINY,
    )


def test_csv_is_rfc4180_with_dot_decimal():
    assert to_csv_bytes(_tiny()) == (
        b"region_code,name,count,share\r\n"
        b'MK17,"Pohjois-Pohjanmaa, ""POP""",1234,0.5\r\n'
        b"SSS,Koko maa,,0.125\r\n"
    )


def test_excel_csv_has_bom_semicolons_and_decimal_comma():
    data = to_excel_csv_bytes(_tiny())
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [
        "region_code;name;count;share",
        'MK17;"Pohjois-Pohjanmaa, ""POP""";1234;0,5',
        "SSS;Koko maa;;0,125",
    ]


def test_parquet_types_codes_and_descriptions():
    data = to_parquet_bytes(_tiny(), TINY, codes=("region_code",), description={"fi": "testi"})
    schema = pq.read_schema(io.BytesIO(data))
    assert schema.field("region_code").type == pa.dictionary(pa.int32(), pa.string())
    assert schema.field("name").type == pa.string()
    assert schema.field("count").type == pa.int64()
    assert schema.field("share").type == pa.float64()
    assert schema.field("count").metadata[b"description"] == b"persons"
    assert schema.field("count").metadata[b"description_fi"].decode() == "henkilöt"
    back = pd.read_parquet(io.BytesIO(data))
    assert str(back["count"].dtype) == "Int64" and back["count"].isna().tolist() == [False, True]


def test_same_frame_gives_same_bytes():
    assert to_parquet_bytes(_tiny(), TINY) == to_parquet_bytes(_tiny(), TINY)
    assert to_csv_bytes(_tiny()) == to_csv_bytes(_tiny())


# Floats as Python's repr writes them (pandas' CSV), worked out by hand; NaN is an empty field.
FLOATS = [
    (0.0, "0.0"),
    (-0.0, "-0.0"),
    (1.0, "1.0"),
    (0.5, "0.5"),
    (1 / 3, "0.3333333333333333"),
    (0.0001, "0.0001"),
    (1.5e-05, "1.5e-05"),
    (1e-07, "1e-07"),
    (123.0, "123.0"),
    (1e15, "1000000000000000.0"),
    (1e16, "1e+16"),
    (1.2345e16, "1.2345e+16"),
    (-10302382432.709574, "-10302382432.709574"),
    (2.5e-300, "2.5e-300"),
    (float("inf"), "inf"),
    (float("-inf"), "-inf"),
    (float("nan"), ""),
]


def _one_column(values, dtype) -> pd.DataFrame:
    return pd.DataFrame({"x": pd.array(values, dtype=dtype)})


def test_floats_are_written_as_python_repr_and_with_decimal_comma_for_excel():
    df = _one_column([value for value, _ in FLOATS], "float64")
    assert to_csv_bytes(df).decode().split("\r\n")[1:-1] == [text for _, text in FLOATS]
    excel = to_excel_csv_bytes(df).decode("utf-8-sig").split("\r\n")[1:-1]
    assert excel == [text.replace(".", ",", 1) for _, text in FLOATS]


def test_flags_missing_values_and_timestamps():
    df = pd.DataFrame(
        {
            "flag": pd.array([True, False, None], dtype="boolean"),
            "n": pd.array([-5, None, 0], dtype="Int64"),
            "at": pd.to_datetime(
                ["2020-11-05 10:00:00.9", None, "1969-12-31 23:59:59.5"], utc=True
            ),
            "code": pd.Categorical(["a;b", None, "a;b"]),
        }
    )
    assert to_csv_bytes(df).decode().split("\r\n") == [
        "flag,n,at,code",
        "True,-5,2020-11-05T10:00:00Z,a;b",
        "False,,,",
        ",0,1969-12-31T23:59:59Z,a;b",
        "",
    ]
    assert to_excel_csv_bytes(df).decode("utf-8-sig").split("\r\n")[1] == (
        'True;-5;2020-11-05 10:00:00;"a;b"'
    )


def _pandas_reference(df: pd.DataFrame, spreadsheet: bool = False, **options) -> bytes:
    """What the release wrote before: pandas' to_csv, timestamps as ISO 8601 text; for a
    spreadsheet, Excel's timestamps and text neutralised one value at a time."""
    out = df.copy()
    stamp = "%Y-%m-%d %H:%M:%S" if spreadsheet else "%Y-%m-%dT%H:%M:%SZ"
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.strftime(stamp).astype("string")
        elif spreadsheet and not pd.api.types.is_numeric_dtype(out[col].dtype):
            out[col] = out[col].map(lambda v: neutralise_formula(v) if isinstance(v, str) else v)
    return out.to_csv(index=False, lineterminator="\r\n", **options).encode("utf-8")


texts = st.none() | st.text(alphabet=st.sampled_from('ab ,;"\r\näö€-.'), max_size=6)
rows = st.lists(
    st.tuples(
        texts,
        st.none() | st.integers(-(2**62), 2**62),
        st.floats(allow_nan=True, allow_infinity=True)
        | st.sampled_from([0.0, -0.0, 1e-05, 3.5e-06, 1e16, 123.0]),
        st.none() | st.booleans(),
        # 1906–2096: before year 1000 pandas drops the zero padding of the year ("68-09-03")
        st.none() | st.integers(-(2 * 10**15), 4 * 10**15),
    ),
    min_size=0,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(rows=rows)
def test_random_frames_give_the_bytes_pandas_gives(rows):
    text, count, share, flag, micros = zip(*rows, strict=True) if rows else ([],) * 5
    df = pd.DataFrame(
        {
            "name, with comma": pd.array(list(text), dtype="string"),
            "count": pd.array(list(count), dtype="Int64"),
            "share": pd.array(list(share), dtype="float64"),
            "flag": pd.array(list(flag), dtype="boolean"),
            "code": pd.Categorical(list(text)),
            "at": pd.to_datetime(pd.array(list(micros), dtype="Int64"), unit="us", utc=True),
        }
    )
    # Repeated rows take the paths for repeating values (formatted once, columns grouped).
    for frame in (df, pd.concat([df] * 20, ignore_index=True)):
        assert to_csv_bytes(frame) == _pandas_reference(frame)
        excel = _pandas_reference(frame, spreadsheet=True, sep=";", decimal=",")
        assert to_excel_csv_bytes(frame) == b"\xef\xbb\xbf" + excel


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return conform(
        pd.DataFrame(
            {
                "region_code": rng.choice(["MK17", "SSS", None], n),
                "name": rng.choice(['Pohjois-Pohjanmaa, "POP"', "Koko maa", "a;b"], n),
                "count": rng.integers(0, 10**6, n),
                "share": rng.random(n) ** 4,
            }
        ),
        TINY,
    )


def test_chunks_give_the_same_csv_and_parquet_row_groups_of_the_chunk_size(monkeypatch):
    df = _frame(20)
    whole = (to_csv_bytes(df), to_excel_csv_bytes(df))
    monkeypatch.setattr(tables, "CHUNK_ROWS", 6)
    monkeypatch.setattr(csv_text, "TEXT_ROWS", 4)
    assert (to_csv_bytes(df), to_excel_csv_bytes(df)) == whole
    data = to_parquet_bytes(df, TINY, codes=("region_code",))
    meta = pq.ParquetFile(io.BytesIO(data)).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [6, 6, 6, 2]
    back = pd.read_parquet(io.BytesIO(data))
    back["region_code"] = back["region_code"].astype("string")  # read as a category
    pd.testing.assert_frame_equal(back, df)


def test_write_dataset_writes_the_three_forms_in_one_pass():
    df = _frame(50)
    outs = {"csv": io.BytesIO(), "excel_csv": io.BytesIO(), "parquet": io.BytesIO()}
    write_dataset(df, TINY, ("region_code",), {"fi": "testi"}, **outs)
    assert outs["csv"].getvalue() == to_csv_bytes(df) == _pandas_reference(df)
    assert outs["excel_csv"].getvalue() == to_excel_csv_bytes(df)
    want = to_parquet_bytes(df, TINY, ("region_code",), {"fi": "testi"})
    assert outs["parquet"].getvalue() == want


def test_an_empty_dataset_has_a_header_and_a_readable_parquet_file():
    df = _frame(0)
    assert to_csv_bytes(df) == b"region_code,name,count,share\r\n"
    assert len(pd.read_parquet(io.BytesIO(to_parquet_bytes(df, TINY)))) == 0


def test_a_column_type_without_a_csv_form_is_refused():
    with pytest.raises(TypeError, match="no CSV form"):
        to_csv_bytes(pd.DataFrame({"naive": pd.to_datetime(["2020-01-01"])}))

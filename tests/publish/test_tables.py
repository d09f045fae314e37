"""The three forms of a dataset: RFC 4180 CSV, CSV for Finnish Excel, typed Parquet."""

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from assets.contracts import Column, Contract, conform
from publish.tables import to_csv_bytes, to_excel_csv_bytes, to_parquet_bytes

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

"""Serialise datasets to bytes, deterministically: same frame in, same bytes out.

Three forms of every dataset, with the same columns and rows:

- ``to_csv_bytes``: RFC 4180 CSV for programs (UTF-8, comma, dot decimal, CRLF, header).
- ``to_excel_csv_bytes``: for Excel with Finnish regional settings, which reads ``;`` as the
  separator and ``,`` as the decimal mark, and needs the BOM to recognise UTF-8 (ä, ö).
- ``to_parquet_bytes``: typed columns (Int64 counts keep their nulls, float64 values, codes
  dictionary-encoded so readers get categories) with each column's description in the schema.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from assets.contracts import Contract

BOM = "\ufeff"


def _text_timestamps(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ").astype("string")
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """RFC 4180 CSV: UTF-8, comma, dot decimal, CRLF line ends, ISO 8601 timestamps."""
    return _text_timestamps(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def to_excel_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV that Finnish Excel opens by double-click: UTF-8 with BOM, ``;``, decimal comma."""
    text = _text_timestamps(df).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    return (BOM + text).encode("utf-8")


def arrow_schema(contract: Contract, codes: tuple[str, ...] = ()) -> pa.Schema:
    """The Parquet schema of a contract: types, dictionary-encoded codes, descriptions."""
    fields = []
    for col in contract.columns:
        if col.dtype == "Int64":
            typ: pa.DataType = pa.int64()
        elif col.dtype == "float64":
            typ = pa.float64()
        elif col.dtype == "boolean":
            typ = pa.bool_()
        elif col.dtype.startswith("datetime64"):
            typ = pa.timestamp("us", tz="UTC")
        elif col.name in codes:
            typ = pa.dictionary(pa.int32(), pa.string())
        else:
            typ = pa.string()
        meta = {"description": col.description_en, "description_fi": col.description_fi}
        fields.append(pa.field(col.name, typ, nullable=True, metadata=meta))
    return pa.schema(fields)


def to_parquet_bytes(
    df: pd.DataFrame,
    contract: Contract,
    codes: tuple[str, ...] = (),
    description: dict[str, str] | None = None,
) -> bytes:
    """Parquet with the contract's types and column descriptions in the schema metadata.

    The pandas metadata is kept so that pandas reads nullable integers back as ``Int64`` rather
    than float; a ``tasapaino`` entry holds the dataset description and all column descriptions
    in one JSON object for readers that do not show field metadata.
    """
    schema = arrow_schema(contract, codes)
    table = pa.Table.from_pandas(df[contract.names], preserve_index=False)
    columns = [table.column(f.name).cast(f.type) for f in schema]
    described = {
        "dataset": contract.name,
        "description": description or {},
        "columns": {
            c.name: {"en": c.description_en, "fi": c.description_fi} for c in contract.columns
        },
    }
    metadata = {
        **(table.schema.metadata or {}),
        b"tasapaino": json.dumps(described, ensure_ascii=False, sort_keys=True).encode("utf-8"),
    }
    table = pa.Table.from_arrays(columns, schema=schema.with_metadata(metadata))
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()

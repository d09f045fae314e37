"""Serialise datasets to bytes, deterministically: same frame in, same bytes out."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from assets.contracts import Contract


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """RFC 4180 CSV: UTF-8, comma, dot decimal, CRLF line ends, ISO 8601 timestamps."""
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ").astype("string")
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def to_parquet_bytes(df: pd.DataFrame, contract: Contract | None = None) -> bytes:
    """Parquet with the contract's column descriptions in the schema metadata."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    if contract is not None:
        described = {c.name: c.description_en for c in contract.columns}
        fields = [f.with_metadata({"description": described.get(f.name, "")}) for f in table.schema]
        table = table.cast(pa.schema(fields, metadata=table.schema.metadata))
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()

"""Serialise datasets deterministically, streamed chunk by chunk: same frame in, same bytes out.

Three forms of every dataset, with the same columns and rows:

- RFC 4180 CSV for programs (UTF-8, comma, dot decimal, CRLF, header).
- CSV for Excel with Finnish regional settings, which reads ``;`` as the separator and ``,`` as
  the decimal mark, and needs the BOM to recognise UTF-8 (ä, ö).
- Parquet: typed columns (Int64 counts keep their nulls, float64 values, codes dictionary-encoded
  so readers get categories) with each column's description in the schema.

A national table at the finest grain has millions of rows, so ``write_dataset`` converts the
frame to Arrow one chunk of rows at a time and appends each chunk to all three files: memory
stays bounded by the chunk, whatever the size of the release. The CSV text comes from
``publish.csv_text`` (exactly what ``pandas.DataFrame.to_csv`` writes).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from assets.contracts import Contract
from publish.csv_text import CSV, EXCEL_CSV, CsvWriters, Dialect

# Rows converted to Arrow at a time. pyarrow's default largest Parquet row group, so a file
# written chunk by chunk has the row groups that one ``pq.write_table`` call would give.
CHUNK_ROWS = 1024 * 1024
PARQUET_COMPRESSION = "zstd"

# --- Arrow chunks and Parquet ---------------------------------------------------------------


def _arrow_column(values: pd.Series) -> pa.Array:
    """One column as Arrow, with the values ``pa.Table.from_pandas`` would give.

    Text columns (pandas' ``string`` dtype, Python objects) repeat a few values over millions
    of rows: they are factorized, which hashes each string (Python caches the hash) instead of
    copying it into Arrow, and become dictionary arrays whose distinct values are converted
    and formatted once. Parquet stores codes dictionary-encoded anyway.
    """
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "python":
        codes, distinct = pd.factorize(np.asarray(values.array))  # a view; missing: pd.NA
        indices = pa.array(codes.astype(np.int32), mask=codes < 0)
        return pa.DictionaryArray.from_arrays(indices, pa.array(distinct, pa.string()))
    return pa.array(values, from_pandas=True)


def _arrow_chunk(part: pd.DataFrame) -> pa.Table:
    return pa.Table.from_arrays(
        [_arrow_column(part[name]) for name in part.columns], [str(c) for c in part.columns]
    )


def arrow_chunks(df: pd.DataFrame) -> Iterator[pa.Table]:
    """The frame as Arrow tables of at most CHUNK_ROWS rows; one empty table for no rows.

    The next chunk is converted in a thread while the caller writes the current one: the
    conversion holds the GIL, the writing mostly runs in Arrow code that releases it.
    """
    starts = range(0, max(len(df), 1), CHUNK_ROWS)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="convert") as converter:
        pending = [converter.submit(_arrow_chunk, df.iloc[s : s + CHUNK_ROWS]) for s in starts[:1]]
        for start in starts[1:]:
            chunk = pending.pop().result()
            pending.append(converter.submit(_arrow_chunk, df.iloc[start : start + CHUNK_ROWS]))
            yield chunk
        yield pending.pop().result()


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


def parquet_schema(
    df: pd.DataFrame,
    contract: Contract,
    codes: tuple[str, ...] = (),
    description: dict[str, str] | None = None,
) -> pa.Schema:
    """The contract's schema with its metadata: pandas' own entry, so that pandas reads
    nullable integers back as ``Int64`` rather than float, and a ``tasapaino`` entry holding
    the dataset description and all column descriptions in one JSON object for readers that do
    not show field metadata."""
    # The first chunk's rows: the whole frame when it fits in one chunk (as one write_table
    # call would see it), without copying millions of rows when it does not.
    first = df.iloc[:CHUNK_ROWS][contract.names]
    pandas_meta = pa.Schema.from_pandas(first, preserve_index=False).metadata
    described = {
        "dataset": contract.name,
        "description": description or {},
        "columns": {
            c.name: {"en": c.description_en, "fi": c.description_fi} for c in contract.columns
        },
    }
    metadata = {
        **(pandas_meta or {}),
        b"tasapaino": json.dumps(described, ensure_ascii=False, sort_keys=True).encode("utf-8"),
    }
    return arrow_schema(contract, codes).with_metadata(metadata)


def _typed(chunk: pa.Table, schema: pa.Schema) -> pa.Table:
    columns = [chunk.column(f.name).cast(f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def write_dataset(
    df: pd.DataFrame,
    contract: Contract,
    codes: tuple[str, ...],
    description: dict[str, str] | None,
    *,
    csv: BinaryIO,
    excel_csv: BinaryIO,
    parquet: BinaryIO,
    excel_decimals: dict[str, int] | None = None,
) -> None:
    """Write the three forms of a dataset in one pass over its rows.

    The CSVs hold the frame's columns as they are; the Parquet file the contract's columns with
    the contract's types (codes dictionary-encoded). Each chunk is one Parquet row group,
    encoded in a thread of its own (Arrow releases the GIL) while the CSV text is formatted.
    """
    schema = parquet_schema(df, contract, codes, description)
    text = CsvWriters(
        [str(c) for c in df.columns], {CSV: csv, EXCEL_CSV: excel_csv}, excel_decimals
    )
    with (
        pq.ParquetWriter(parquet, schema, compression=PARQUET_COMPRESSION) as typed,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="parquet") as encoder,
    ):
        row_group: Future[None] | None = None
        for chunk in arrow_chunks(df):
            if row_group is not None:
                row_group.result()  # row groups in order, at most one chunk ahead
            row_group = encoder.submit(lambda c: typed.write_table(_typed(c, schema)), chunk)
            text.write(chunk)
        if row_group is not None:
            row_group.result()


def write_csv(
    df: pd.DataFrame,
    out: BinaryIO,
    dialect: Dialect = CSV,
    decimals: dict[str, int] | None = None,
) -> None:
    writer = CsvWriters([str(c) for c in df.columns], {dialect: out}, decimals)
    for chunk in arrow_chunks(df):
        writer.write(chunk)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """RFC 4180 CSV: UTF-8, comma, dot decimal, CRLF line ends, ISO 8601 timestamps."""
    buf = io.BytesIO()
    write_csv(df, buf, CSV)
    return buf.getvalue()


def to_excel_csv_bytes(df: pd.DataFrame, decimals: dict[str, int] | None = None) -> bytes:
    """CSV that Finnish Excel opens by double-click: UTF-8 with BOM, ``;``, decimal comma,
    formula-safe text, ``2026-12-01 10:00:00`` timestamps, floats to ``decimals``."""
    buf = io.BytesIO()
    write_csv(df, buf, EXCEL_CSV, decimals)
    return buf.getvalue()


def to_parquet_bytes(
    df: pd.DataFrame,
    contract: Contract,
    codes: tuple[str, ...] = (),
    description: dict[str, str] | None = None,
) -> bytes:
    """Parquet with the contract's types and column descriptions in the schema metadata."""
    schema = parquet_schema(df, contract, codes, description)
    buf = io.BytesIO()
    with pq.ParquetWriter(buf, schema, compression=PARQUET_COMPRESSION) as writer:
        for chunk in arrow_chunks(df[contract.names]):
            writer.write_table(_typed(chunk, schema))
    return buf.getvalue()

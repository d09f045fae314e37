"""Serialise datasets deterministically, streamed chunk by chunk: same frame in, same bytes out.

Three forms of every dataset, with the same columns and rows:

- RFC 4180 CSV for programs (UTF-8, comma, dot decimal, CRLF, header).
- CSV for Excel with Finnish regional settings, which reads ``;`` as the separator and ``,`` as
  the decimal mark, and needs the BOM to recognise UTF-8 (ä, ö).
- Parquet: typed columns (Int64 counts keep their nulls, float64 values, codes dictionary-encoded
  so readers get categories) with each column's description in the schema.

A national table at the finest grain has millions of rows, so ``write_dataset`` converts the
frame to Arrow one chunk of rows at a time and appends each chunk to all three files: memory
stays bounded by the chunk, whatever the size of the release. The CSV text is formatted by
vectorised Arrow kernels to exactly what ``pandas.DataFrame.to_csv`` writes (Python's shortest
float repr, ``True``/``False``, empty fields for missing values, minimal RFC 4180 quoting);
tests/publish/test_tables.py holds the two to the same bytes.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from assets.contracts import Contract

BOM = "\ufeff"
# Rows converted to Arrow at a time. pyarrow's default largest Parquet row group, so a file
# written chunk by chunk has the row groups that one ``pq.write_table`` call would give.
CHUNK_ROWS = 1024 * 1024
# Rows formatted as CSV text at a time: bounds the intermediate strings of one chunk.
TEXT_ROWS = 128 * 1024
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
PARQUET_COMPRESSION = "zstd"


@dataclass(frozen=True)
class Dialect:
    separator: str
    decimal: str
    bom: bool

    @property
    def special(self) -> str:
        """Characters that make Python's csv module (QUOTE_MINIMAL) quote a field."""
        return f'{self.separator}"\r\n'


CSV = Dialect(",", ".", bom=False)
EXCEL_CSV = Dialect(";", ",", bom=True)


# --- CSV text -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """A column's values as pandas writes them, before the dialect: missing values are null.
    ``kind`` says what the dialect changes: quoting of strings, the decimal mark of floats."""

    values: pa.Array
    kind: str  # "string", "float" or "fixed" (integers, booleans, timestamps: never quoted)


def _python_float_repr(values: pa.Array) -> pa.Array:
    """Python's ``repr`` of each float: the reference for the values Arrow formats otherwise."""
    return pa.array([repr(v) for v in values.to_pylist()], pa.string())


def _float_text(column: pa.Array) -> pa.Array:
    """Python's shortest round-trip repr (``0.5``, ``1.0``, ``1e-05``), which pandas writes.

    Arrow's cast finds the same shortest digits but lays some numbers out differently
    (``1``, ``0.00001``, ``1e+15``), so it is used where the layouts agree: non-integral
    numbers from 1e-4 up to 1e16 that Arrow writes without an exponent, and whole numbers in
    that range and zero (digits + ``.0``). The rest (-0.0, tiny or huge numbers, infinities)
    get Python's repr itself.
    """
    values = column.to_numpy(zero_copy_only=False)  # nulls become NaN and stay null below
    arrow = pc.cast(column, pa.string())
    magnitude = np.abs(values)
    with np.errstate(invalid="ignore"):
        in_range = (magnitude >= 1e-4) & (magnitude < 1e16)
        positive_zero = (values == 0) & ~np.signbit(values)
        whole = (in_range | positive_zero) & (np.trunc(values) == values)
    exponent = np.asarray(pc.fill_null(pc.match_substring(arrow, "e"), False))
    as_arrow = in_range & ~whole & ~exponent
    nan = np.isnan(values)
    as_python = ~as_arrow & ~whole & ~nan
    text = arrow
    if whole.any():
        digits = pc.cast(pc.cast(column, pa.int64(), safe=False), pa.string())
        text = pc.if_else(pa.array(whole), pc.binary_join_element_wise(digits, ".0", ""), text)
    if as_python.any():
        mask = pa.array(as_python)
        text = pc.replace_with_mask(text, mask, _python_float_repr(column.filter(mask)))
    return pc.if_else(pa.array(nan), pa.scalar(None, pa.string()), text)


def _timestamp_text(values: pa.Array) -> pa.Array:
    seconds = pc.cast(pc.floor_temporal(values, unit="second"), pa.timestamp("s", values.type.tz))
    return pc.strftime(seconds, format=TIMESTAMP_FORMAT)


def _text(column: pa.Array) -> _Text:
    """Format a column the way pandas does. Codes, dates and flags repeat over millions of
    rows, so dictionary-encoded columns and timestamps are formatted once per distinct value."""
    typ = column.type
    if pa.types.is_dictionary(typ):
        inner = _text(column.dictionary)
        return _Text(pc.take(inner.values, column.indices), inner.kind)
    if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_null(typ):
        return _Text(pc.cast(column, pa.string()), "string")
    if pa.types.is_float64(typ):
        return _Text(_float_text(column), "float")
    if pa.types.is_integer(typ):
        return _Text(pc.cast(column, pa.string()), "fixed")
    if pa.types.is_boolean(typ):
        return _Text(pc.if_else(column, "True", "False"), "fixed")
    if pa.types.is_timestamp(typ) and typ.tz is not None:
        encoded = pc.dictionary_encode(column)
        return _Text(pc.take(_timestamp_text(encoded.dictionary), encoded.indices), "fixed")
    raise TypeError(f"column of type {typ}: no CSV form defined (publish/tables.py)")


def _value_bytes(text: pa.Array) -> np.ndarray:
    """The UTF-8 bytes of all values of a string array, one after the other."""
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32, count=text.offset + len(text) + 1)
    start, end = int(offsets[text.offset]), int(offsets[-1])
    data = text.buffers()[2]
    if data is None or end == start:
        return np.empty(0, dtype=np.uint8)
    return np.frombuffer(data, dtype=np.uint8, count=end - start, offset=start)


def _quoted(text: pa.Array, dialect: Dialect) -> pa.Array:
    """Quote, doubling inner quotes, the values that hold a special character (Python's
    QUOTE_MINIMAL). A scan of the raw bytes clears most columns at once; otherwise each
    distinct value is checked once."""
    data = _value_bytes(text)
    if not any((data == ord(c)).any() for c in dialect.special):
        return text
    encoded = pc.dictionary_encode(text)
    distinct = encoded.dictionary
    special = pc.match_substring_regex(distinct, f"[{dialect.special}]")
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(distinct, '"', '""'), '"', "")
    return pc.take(pc.if_else(special, quoted, distinct), encoded.indices)


def _field(text: _Text, dialect: Dialect) -> pa.Array:
    if text.kind == "string":
        return _quoted(text.values, dialect)
    if text.kind == "float" and dialect.decimal != ".":
        return pc.replace_substring(text.values, ".", dialect.decimal, max_replacements=1)
    return text.values


def _header(names: list[str], dialect: Dialect) -> bytes:
    fields = _quoted(pa.array(names, pa.string()), dialect).to_pylist()
    text = dialect.separator.join(fields) + "\r\n"
    return ((BOM if dialect.bom else "") + text).encode("utf-8")


def _lines(texts: list[_Text], dialect: Dialect) -> np.ndarray:
    """The CSV lines (CRLF after each) of the formatted columns, as one buffer."""
    fields = [_field(t, dialect) for t in texts]
    fields[-1] = pc.binary_join_element_wise(fields[-1], "\r\n", "", null_handling="replace")
    lines = pc.binary_join_element_wise(
        *fields, dialect.separator, null_handling="replace", null_replacement=""
    )
    return _value_bytes(lines)


class CsvWriters:
    """Append chunks of rows to CSV files, one per dialect; headers are written at once.

    Each slice of rows is formatted once and then laid out per dialect, so the Excel twin costs
    only its separators, quoting and decimal commas.
    """

    def __init__(self, names: list[str], outs: dict[Dialect, BinaryIO]) -> None:
        self.outs = outs
        for dialect, out in outs.items():
            out.write(_header(names, dialect))

    def write(self, table: pa.Table) -> None:
        for start in range(0, table.num_rows, TEXT_ROWS):
            part = table.slice(start, TEXT_ROWS)
            texts = [_text(col.combine_chunks()) for col in part.columns]
            for dialect, out in self.outs.items():
                out.write(_lines(texts, dialect))


# --- Arrow chunks and Parquet ---------------------------------------------------------------


def arrow_chunks(df: pd.DataFrame):
    """The frame as Arrow tables of at most CHUNK_ROWS rows; one empty table for no rows."""
    for start in range(0, max(len(df), 1), CHUNK_ROWS):
        yield pa.Table.from_pandas(df.iloc[start : start + CHUNK_ROWS], preserve_index=False)


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
) -> None:
    """Write the three forms of a dataset in one pass over its rows.

    The CSVs hold the frame's columns as they are; the Parquet file the contract's columns with
    the contract's types (codes dictionary-encoded). Each chunk is one Parquet row group.
    """
    schema = parquet_schema(df, contract, codes, description)
    text = CsvWriters([str(c) for c in df.columns], {CSV: csv, EXCEL_CSV: excel_csv})
    with pq.ParquetWriter(parquet, schema, compression=PARQUET_COMPRESSION) as typed:
        for chunk in arrow_chunks(df):
            text.write(chunk)
            typed.write_table(_typed(chunk, schema))


def write_csv(df: pd.DataFrame, out: BinaryIO, dialect: Dialect = CSV) -> None:
    writer = CsvWriters([str(c) for c in df.columns], {dialect: out})
    for chunk in arrow_chunks(df):
        writer.write(chunk)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """RFC 4180 CSV: UTF-8, comma, dot decimal, CRLF line ends, ISO 8601 timestamps."""
    buf = io.BytesIO()
    write_csv(df, buf, CSV)
    return buf.getvalue()


def to_excel_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV that Finnish Excel opens by double-click: UTF-8 with BOM, ``;``, decimal comma."""
    buf = io.BytesIO()
    write_csv(df, buf, EXCEL_CSV)
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

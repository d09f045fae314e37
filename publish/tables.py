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
import re
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from assets import dataset_registry
from assets.contracts import Contract

BOM = "\ufeff"
# Rows converted to Arrow at a time. pyarrow's default largest Parquet row group, so a file
# written chunk by chunk has the row groups that one ``pq.write_table`` call would give.
CHUNK_ROWS = 1024 * 1024
# Rows formatted as CSV text at a time: bounds the intermediate strings of one chunk.
TEXT_ROWS = 128 * 1024
# A column (or a group of adjacent columns) is formatted per distinct value, not per row, when
# it has at most one distinct value (combination) per REPEATS rows.
REPEATS = 8
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
PARQUET_COMPRESSION = "zstd"


@dataclass(frozen=True)
class Dialect:
    """A CSV layout. ``spreadsheet`` marks the one meant to be opened in Excel: text that
    Excel would run as a formula is neutralised, timestamps are written as Excel reads them
    and floats are rounded to the decimals the code lists give (``CsvWriters``)."""

    separator: str
    decimal: str
    bom: bool
    spreadsheet: bool = False

    @property
    def special(self) -> str:
        """Characters that make Python's csv module (QUOTE_MINIMAL) quote a field."""
        return f'{self.separator}"\r\n'


CSV = Dialect(",", ".", bom=False)
EXCEL_CSV = Dialect(";", ",", bom=True, spreadsheet=True)
EXCEL_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"  # UTC; Excel reads this as a date and time
# A spreadsheet runs a cell as a formula (or DDE command) when its text begins with one of
# these (OWASP "CSV injection"); such text gets a leading apostrophe, which Excel shows as text.
FORMULA_START = r"^[=+@\t\r]"
# A minus sign starts a formula too, except in a plain negative number, which stays a number.
NEGATIVE_NUMBER = r"^-[0-9]+([.,][0-9]+)?$"


def neutralise_formula(text: str) -> str:
    """``text`` as a spreadsheet cell that cannot run: OWASP's leading apostrophe before text
    that starts with ``=``, ``+``, ``-``, ``@``, tab or CR (a plain negative number excepted)."""
    if re.match(FORMULA_START, text) or (
        text.startswith("-") and not re.match(NEGATIVE_NUMBER, text)
    ):
        return "'" + text
    return text


def _neutralised(text: pa.Array) -> pa.Array:
    """``neutralise_formula`` over a string array, by Arrow kernels on the distinct values."""
    encoded = pc.dictionary_encode(text)
    distinct = encoded.dictionary
    risky = pc.or_(
        pc.match_substring_regex(distinct, FORMULA_START),
        pc.and_(
            pc.starts_with(distinct, "-"),
            pc.invert(pc.match_substring_regex(distinct, NEGATIVE_NUMBER)),
        ),
    )
    if not pc.any(risky).as_py():
        return text
    safe = pc.if_else(risky, pc.binary_join_element_wise("'", distinct, ""), distinct)
    return pc.take(safe, encoded.indices)


# --- CSV text -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """A column's values as pandas writes them, before the dialect: missing values are null.
    ``kind`` says what the dialect changes: quoting of strings, the decimal mark of floats.
    With ``indices``, ``values`` are the distinct values and row i is ``values[indices[i]]``:
    the dialect is then applied once per distinct value."""

    values: pa.Array
    kind: str  # "string", "float", "timestamp" or "fixed" (integers, booleans: never quoted)
    indices: pa.Array | None = None


def _python_float_repr(values: pa.Array) -> pa.Array:
    """Python's ``repr`` of each float: the reference for the values Arrow formats otherwise."""
    return pa.array([repr(v) for v in values.to_pylist()], pa.string())


def _small_float_text(arrow: pa.Array) -> pa.Array:
    """Arrow's text of numbers with 0 < |x| < 1e-4 laid out as Python does (``1.5e-05``).

    Arrow writes the same digits as ``0.000015`` (down to 1e-6) or ``1.5e-7`` (below); Python
    always uses the exponent, with at least two digits.
    """
    exponent = pc.match_substring(arrow, "e")
    padded = pc.if_else(
        pc.match_like(arrow, "%e-_"), pc.replace_substring(arrow, "e-", "e-0"), arrow
    )
    negative = pc.starts_with(arrow, "-")
    body = pc.if_else(negative, pc.utf8_slice_codeunits(arrow, 1), arrow)  # 0.0000ddd
    six = pc.starts_with(body, "0.00000")  # 0.00000ddd is d.dd × 10⁻⁶, 0.0000ddd × 10⁻⁵
    digits = pc.if_else(six, pc.utf8_slice_codeunits(body, 7), pc.utf8_slice_codeunits(body, 6))
    first, rest = pc.utf8_slice_codeunits(digits, 0, 1), pc.utf8_slice_codeunits(digits, 1)
    mantissa = pc.if_else(pc.equal(rest, ""), first, pc.binary_join_element_wise(first, rest, "."))
    sign = pc.if_else(negative, "-", "")
    scientific = pc.binary_join_element_wise(sign, mantissa, pc.if_else(six, "e-06", "e-05"), "")
    return pc.if_else(exponent, padded, scientific)


def _float_text(column: pa.Array) -> pa.Array:
    """Python's shortest round-trip repr (``0.5``, ``1.0``, ``1e-05``), which pandas writes.

    Arrow's cast finds the same shortest digits but lays some numbers out differently
    (``1``, ``0.00001``, ``1e+15``). Its text is kept where the layouts agree (non-integral
    numbers from 1e-4 up to 1e16 written without an exponent), whole numbers in that range
    and zero become digits + ``.0``, small numbers are rearranged (``_small_float_text``), and
    the rest (-0.0, other numbers Arrow writes with an exponent, 1e16 and more, infinities)
    get Python's repr itself.
    """
    values = column.to_numpy(zero_copy_only=False)  # nulls become NaN and stay null below
    arrow = pc.cast(column, pa.string())
    magnitude = np.abs(values)
    with np.errstate(invalid="ignore"):
        in_range = (magnitude >= 1e-4) & (magnitude < 1e16)
        small = (magnitude > 0) & (magnitude < 1e-4)
        positive_zero = (values == 0) & ~np.signbit(values)
        whole = (in_range | positive_zero) & (np.trunc(values) == values)
    exponent = np.asarray(pc.fill_null(pc.match_substring(arrow, "e"), False))
    as_arrow = in_range & ~whole & ~exponent
    nan = np.isnan(values)
    as_python = ~as_arrow & ~whole & ~small & ~nan
    text = arrow
    if whole.any():
        digits = pc.cast(pc.cast(column, pa.int64(), safe=False), pa.string())
        text = pc.if_else(pa.array(whole), pc.binary_join_element_wise(digits, ".0", ""), text)
    if small.any():
        selected = pa.array(small)
        text = pc.replace_with_mask(text, selected, _small_float_text(arrow.filter(selected)))
    if as_python.any():
        selected = pa.array(as_python)
        text = pc.replace_with_mask(text, selected, _python_float_repr(column.filter(selected)))
    return pc.if_else(pa.array(nan), pa.scalar(None, pa.string()), text)


def _timestamp_text(values: pa.Array) -> pa.Array:
    seconds = pc.cast(pc.floor_temporal(values, unit="second"), pa.timestamp("s", values.type.tz))
    return pc.strftime(seconds, format=TIMESTAMP_FORMAT)


def _repeating(column: pa.Array) -> pa.DictionaryArray | None:
    """The column dictionary-encoded, when its values repeat enough to format each once."""
    if len(column) < REPEATS:
        return None
    encoded = pc.dictionary_encode(column)
    return encoded if len(encoded.dictionary) * REPEATS <= len(column) else None


def _text(column: pa.Array) -> _Text:
    """Format a column the way pandas does. Codes, years, dates and flags repeat over millions
    of rows, so dictionary-encoded and repeating columns are formatted once per distinct value."""
    typ = column.type
    if pa.types.is_dictionary(typ):
        if len(column.dictionary) * REPEATS > len(column):  # few repeats in these rows
            return _text(column.dictionary.take(column.indices))
        inner = _text(column.dictionary)
        return _Text(inner.values, inner.kind, column.indices)
    if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_null(typ):
        return _Text(pc.cast(column, pa.string()), "string")
    formats = {
        "float": pa.types.is_float64(typ),
        "fixed": pa.types.is_integer(typ)
        or pa.types.is_boolean(typ)
        or (pa.types.is_timestamp(typ) and typ.tz is not None),
    }
    if not any(formats.values()):
        raise TypeError(f"column of type {typ}: no CSV form defined (publish/tables.py)")
    encoded = _repeating(column)
    if encoded is not None:
        return _text(encoded)
    if formats["float"]:
        return _Text(_float_text(column), "float")
    if pa.types.is_boolean(typ):
        return _Text(pc.if_else(column, "True", "False"), "fixed")
    if pa.types.is_timestamp(typ):
        return _Text(_timestamp_text(column), "timestamp")
    return _Text(pc.cast(column, pa.string()), "fixed")


@dataclass(frozen=True)
class _Group:
    """Adjacent columns in dictionary form, laid out together: the rows hold only a few
    combinations of their values, so each combination is joined once and the row-wise work is
    one take per group instead of one field per column (most of a line's cost)."""

    members: tuple[_Text, ...]  # each member's distinct values, a null (missing) last
    combinations: tuple[pa.Array, ...]  # per member: its value's position in each combination
    indices: pa.Array  # per row: its combination


def _grouped(texts: list[_Text], rows: int) -> list[_Text | _Group]:
    """Merge runs of adjacent dictionary-form columns into groups while their combinations
    stay few (at most one per REPEATS rows)."""
    out: list[_Text | _Group] = []
    limit = max(rows // REPEATS, 1)
    run: list[_Text] = []
    combinations: list[np.ndarray] = []
    key = np.empty(0, dtype=np.int64)

    def flush() -> None:
        if run:
            out.append(_Group(tuple(run), tuple(map(pa.array, combinations)), pa.array(key)))
            run.clear()

    for text in texts:
        if text.indices is None:
            flush()
            out.append(text)
            continue
        size = len(text.values) + 1  # the last position stands for a missing value
        codes = np.asarray(pc.fill_null(text.indices, size - 1)).astype(np.int64)
        member = _Text(pa.concat_arrays([text.values, pa.nulls(1, pa.string())]), text.kind)
        if run:
            joint, found = pd.factorize(key * size + codes)
            if len(found) <= limit:
                previous, position = np.divmod(found, size)
                combinations = [c[previous] for c in combinations] + [position]
                key = joint
                run.append(member)
                continue
            flush()
        run.append(member)
        combinations = [np.arange(size)]
        key = codes
    flush()
    return out


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


def _dialect_values(text: _Text, dialect: Dialect) -> pa.Array:
    if text.kind == "string":
        values = _neutralised(text.values) if dialect.spreadsheet else text.values
        return _quoted(values, dialect)
    if text.kind == "timestamp" and dialect.spreadsheet:
        return pc.replace_substring(pc.replace_substring(text.values, "T", " "), "Z", "")
    if text.kind == "float" and dialect.decimal != ".":
        return pc.replace_substring(text.values, ".", dialect.decimal, max_replacements=1)
    return text.values


def _field(item: _Text | _Group, dialect: Dialect, *, last: bool) -> pa.Array:
    """One field of every row in ``dialect``; with ``last``, the line end appended."""
    if isinstance(item, _Group):
        parts = [
            pc.take(_dialect_values(m, dialect), c)
            for m, c in zip(item.members, item.combinations, strict=True)
        ]
        values = pc.binary_join_element_wise(
            *parts, dialect.separator, null_handling="replace", null_replacement=""
        )
        indices: pa.Array | None = item.indices
    else:
        values, indices = _dialect_values(item, dialect), item.indices
    if last:
        values = pc.binary_join_element_wise(values, "\r\n", "", null_handling="replace")
    return values if indices is None else pc.take(values, indices)


def _header(names: list[str], dialect: Dialect) -> bytes:
    fields = _quoted(pa.array(names, pa.string()), dialect).to_pylist()
    text = dialect.separator.join(fields) + "\r\n"
    return ((BOM if dialect.bom else "") + text).encode("utf-8")


def _lines(items: list[_Text | _Group], dialect: Dialect) -> np.ndarray:
    """The CSV lines (CRLF after each) of the formatted columns, as one buffer."""
    fields = [_field(item, dialect, last=i == len(items) - 1) for i, item in enumerate(items)]
    lines = pc.binary_join_element_wise(
        *fields, dialect.separator, null_handling="replace", null_replacement=""
    )
    return _value_bytes(lines)


class CsvWriters:
    """Append chunks of rows to CSV files, one per dialect; headers are written at once.

    Each slice of rows is formatted once and then laid out per dialect, so the Excel twin costs
    only its separators, quoting and decimal commas.
    """

    def __init__(
        self,
        names: list[str],
        outs: dict[Dialect, BinaryIO],
        decimals: dict[str, int] | None = None,
    ) -> None:
        self.outs = outs
        self.decimals = dict(decimals or {})
        for dialect, out in outs.items():
            out.write(_header(names, dialect))

    def write(self, table: pa.Table) -> None:
        for start in range(0, table.num_rows, TEXT_ROWS):
            part = table.slice(start, TEXT_ROWS)
            columns = [col.combine_chunks() for col in part.columns]
            texts = [_text(col) for col in columns]
            items = _grouped(texts, part.num_rows)
            rounded = None
            for dialect, out in self.outs.items():
                if dialect.spreadsheet and self.decimals:
                    if rounded is None:  # spreadsheet readers get the decimals that matter
                        rounded = _grouped(
                            [
                                self._rounded(name, col, text)
                                for name, col, text in zip(
                                    part.column_names, columns, texts, strict=True
                                )
                            ],
                            part.num_rows,
                        )
                    out.write(_lines(rounded, dialect))
                else:
                    out.write(_lines(items, dialect))

    def _rounded(self, name: str, column: pa.Array, text: _Text) -> _Text:
        if name not in self.decimals or not pa.types.is_floating(column.type):
            return text
        return _text(pc.round(column, self.decimals[name]))


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
    """The Parquet schema of a contract: types, dictionary-encoded codes, descriptions (the
    type mapping is the registry's, so a dataset's metadata file says what Parquet holds)."""
    return pa.schema(
        dataset_registry.arrow_field(
            c.name, c.dtype, c.name in codes, c.description_en, c.description_fi
        )
        for c in contract.columns
    )


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

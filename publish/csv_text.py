"""CSV text of Arrow tables, formatted by vectorised Arrow kernels: same table in, same bytes out.

One writer for every CSV the project writes: the release's RFC 4180 CSV and its twin for
Finnish Excel (``publish.tables``), and ``tasapaino indices --format csv``. The text is exactly
what ``pandas.DataFrame.to_csv`` writes (Python's shortest float repr, ``True``/``False``, empty
fields for missing values, minimal RFC 4180 quoting); tests/publish/test_tables.py holds the
two to the same bytes. Columns are formatted once per slice of rows and then laid out per
dialect, so a second dialect costs only its separators, quoting and decimal commas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

BOM = "\ufeff"
# Rows formatted as CSV text at a time: bounds the intermediate strings of one chunk.
TEXT_ROWS = 128 * 1024
# A column (or a group of adjacent columns) is formatted per distinct value, not per row, when
# it has at most one distinct value (combination) per REPEATS rows.
REPEATS = 8
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Dialect:
    """A CSV layout. ``spreadsheet`` marks the one meant to be opened in Excel: text that
    Excel would run as a formula is neutralised, timestamps are written as Excel reads them
    and floats are rounded to the decimals the code lists give (``CsvWriters``)."""

    separator: str
    decimal: str
    bom: bool
    spreadsheet: bool = False
    line_end: str = "\r\n"

    @property
    def special(self) -> str:
        """Characters that make Python's csv module (QUOTE_MINIMAL) quote a field: the
        separator, the quote and those of the line end (a lone CR is left as it is after LF)."""
        return f'{self.separator}"{self.line_end}'


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
        raise TypeError(f"column of type {typ}: no CSV form defined (publish/csv_text.py)")
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
        values = pc.binary_join_element_wise(values, dialect.line_end, "", null_handling="replace")
    return values if indices is None else pc.take(values, indices)


def _header(names: list[str], dialect: Dialect) -> bytes:
    fields = _quoted(pa.array(names, pa.string()), dialect).to_pylist()
    text = dialect.separator.join(fields) + dialect.line_end
    return ((BOM if dialect.bom else "") + text).encode("utf-8")


def _lines(items: list[_Text | _Group], dialect: Dialect) -> np.ndarray:
    """The CSV lines (the dialect's line end after each) of the formatted columns, as one
    buffer."""
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


def write_table(
    table: pa.Table, out: BinaryIO, dialect: Dialect = CSV, decimals: dict[str, int] | None = None
) -> None:
    """The whole of ``table`` as CSV in ``dialect``, header first."""
    CsvWriters(table.column_names, {dialect: out}, decimals).write(table)

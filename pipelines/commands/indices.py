"""``tasapaino indices``: every segregation index of a long CSV or Parquet table.

Input: one row per unit × group (optionally × ``--within`` region and ``--by`` columns) with a
count. Groups women/men (``--women``/``--men``, or by default women/naiset/kvinnor/2 and
men/miehet/män/1 in any case) give every index; groups that are neither give the multigroup M
and H and null for the rest, with a note naming the groups seen. Without ``--by`` the output
is one JSON object with exactly the keys of ``OUTPUT_KEYS`` (and the ``--within`` keys); with
``--by`` one row per group of those columns as CSV, Parquet or JSON lines. Undefined values are
null; why is written to stderr as ``note:`` lines, so that stdout stays machine-readable.

pandas is not imported on the usual path (it alone takes about a second to import, and this
command is timed as a whole process); only rare inputs (a --by column of floats, a count column
that is not numeric) and ``--format csv`` (written by the release's CSV writer) import it where
they need it. pyarrow imports pandas too, whenever it
converts between Arrow and numpy (``to_numpy``, ``pa.array``), so columns cross by their buffers
(``_numbers``, ``_arrow_array``).
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import io
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from pyarrow.pandas_compat import get_logical_type

from assets.indices.batch import TWO_GROUPS, WITHIN_KEYS, pack_long, table_indices
from assets.indices.twogroup import INDEX_NAMES
from pipelines.commands import UsageError

FORMATS = ("json", "csv", "parquet")
# Integer columns spanning fewer values than this, and --by combinations fewer than this, are
# coded by arithmetic instead of hashing (a table of this many flags is cheap).
_DIRECT_CODES = 1 << 24


@dataclass(frozen=True)
class Coded:
    """A column as integer codes 0…len(labels)−1 and the label of each code."""

    codes: np.ndarray
    labels: list


# The output: column name → one value per --by group (labels as objects, indices as float64).
Columns = dict[str, np.ndarray]


def _numbers(array: pa.Array) -> np.ndarray:
    """A read-only numpy view of a numeric Arrow array's values (null slots hold anything)."""
    kind = "f" if pa.types.is_floating(array.type) else "u"
    kind = "i" if pa.types.is_signed_integer(array.type) else kind
    dtype = np.dtype(f"{kind}{array.type.bit_width // 8}")
    if len(array) == 0:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(
        array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize
    )


def _column_numbers(col: pa.ChunkedArray) -> np.ndarray:
    """A numeric column without nulls as one numpy array."""
    parts = [_numbers(c) for c in col.chunks]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _valid(array: pa.Array) -> np.ndarray:
    """True where an Arrow array has a value, from its validity bitmap."""
    bits = np.unpackbits(np.frombuffer(array.buffers()[0], dtype=np.uint8), bitorder="little")
    return bits[array.offset : array.offset + len(array)].astype(bool)


def read_input(path: Path, columns: list[str]) -> pa.Table:
    """The needed columns of a CSV or Parquet file (by suffix), read by Arrow.

    Parquet strings stay dictionary-encoded, so a column of 16 million repeated names arrives as
    small integer codes and is never turned into Python strings.
    """
    if not path.is_file():
        raise UsageError(f"--input {path}: no such file; give a CSV or Parquet file")
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".csv", ".txt"):
        raise UsageError(f"--input {path}: unknown file type {suffix!r}; use .csv or .parquet")
    try:
        if suffix == ".parquet":
            schema = pq.read_schema(path)
            _require(columns, schema.names, path)
            strings = [c for c in columns if pa.types.is_string(schema.field(c).type)]
            # ParquetFile, not read_table: read_table loads pyarrow.dataset, which imports
            # pandas. Batches of 2¹⁷ rows, as read_table made: whole row groups as chunks
            # leave ~150 MB more resident after the table is released.
            with pq.ParquetFile(path, read_dictionary=strings, pre_buffer=True) as parquet:
                batches = parquet.iter_batches(batch_size=1 << 17, columns=columns)
                first = next(batches, None)
                if first is None:
                    table = parquet.read(columns=columns)
                else:
                    table = pa.Table.from_batches([first, *batches])
        else:
            with path.open(encoding="utf-8") as f:
                header = next(csv.reader(f), [])
            _require(columns, header, path)
            table = pacsv.read_csv(
                path, convert_options=pacsv.ConvertOptions(include_columns=columns)
            )
    except UsageError:
        raise
    except Exception as exc:  # a malformed file: say what and where, not a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"--input {path}: cannot be read ({first})") from exc
    return table.unify_dictionaries()


def _require(columns: list[str], present: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in present]
    if missing:
        raise UsageError(
            f"--input {path}: no column {', '.join(repr(c) for c in missing)} "
            f"(columns: {', '.join(present)}); name it with --unit-col/--group-col/--count-col"
        )


def code_column(table: pa.Table, name: str) -> Coded:
    """Integer codes of one column: dictionary indices, offsets of small-range integers, or a
    hash factorisation for anything else. Empty values are a usage error."""
    col = table.column(name)
    if col.null_count:
        row = int(pc.index(pc.is_null(col), True).as_py())
        raise UsageError(f"column {name!r} is empty on line {row + 2}; every row needs a value")
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        col = pc.dictionary_encode(col)
    if pa.types.is_dictionary(col.type):
        chunks = col.chunks
        indices = [_numbers(c.indices) for c in chunks]
        codes = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32)
        labels = chunks[0].dictionary.to_pylist() if chunks else []
        return Coded(codes, labels)
    if pa.types.is_integer(col.type) and len(col):
        values = _column_numbers(col)
        lo, hi = int(values.min()), int(values.max())
        if hi - lo < _DIRECT_CODES:
            return Coded(np.subtract(values, lo, dtype=np.int32), list(range(lo, hi + 1)))
    import pandas as pd  # floats, booleans, dates: rare enough to pay for the import

    codes, uniques = pd.factorize(col.to_numpy())
    return Coded(codes.astype(np.int64), list(uniques))


def count_values(table: pa.Table, name: str) -> np.ndarray:
    """Counts as float64 (NaN where empty); a non-number or a negative count is a usage error."""
    col = table.column(name)
    if not (pa.types.is_integer(col.type) or pa.types.is_floating(col.type)):
        if pa.types.is_null(col.type):
            return np.full(len(col), np.nan)
        import pandas as pd  # only to explain the mistake

        text = col.to_pandas()
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna() & text.notna() & (text.astype(str).str.strip() != "")
        row = int(np.flatnonzero(bad.to_numpy())[0]) if bad.any() else 0
        raise UsageError(
            f"column {name!r} line {row + 2}: {text.iloc[row]!r} is not a number; counts must "
            "be numbers (leave a suppressed cell empty)"
        )
    arr = np.empty(len(col), dtype=np.float64)
    pos = 0
    for chunk in col.chunks:  # one float64 array, filled chunk by chunk (no int64 copy first)
        if chunk.null_count:
            part = _numbers(pc.cast(chunk, pa.float64(), safe=False))
            arr[pos : pos + len(chunk)] = np.where(_valid(chunk), part, np.nan)
        else:
            arr[pos : pos + len(chunk)] = _numbers(chunk)
        pos += len(chunk)
    if (arr < 0).any():
        row = int(np.flatnonzero(arr < 0)[0])
        raise UsageError(f"column {name!r} line {row + 2}: negative count {arr[row]:g}")
    if np.isinf(arr).any():
        row = int(np.flatnonzero(np.isinf(arr))[0])
        raise UsageError(f"column {name!r} line {row + 2}: infinite count")
    return arr


def compute(
    path: Path,
    unit_col: str,
    group_col: str,
    count_col: str,
    within: str | None,
    by: list[str],
    women: str = "",
    men: str = "",
) -> tuple[Columns, list[str]]:
    """One row per ``by`` group with every index (and the within keys); notes for stderr.

    Reads the file itself so that the Arrow table has no other reference and can be released
    as soon as its columns are coded: this keeps 16 million rows well under 1 GB.
    """
    named = [unit_col, group_col, count_col, *by, *([within] if within else [])]
    table = read_input(path, named)
    if table.num_rows == 0:
        raise UsageError(f"--input {path}: no rows")
    count = count_values(table, count_col)
    (group_codes, labels), group_note = _groups(
        code_column(table, group_col), women, men, group_col
    )
    unit_codes = code_column(table, unit_col).codes
    n_rows = table.num_rows
    region_codes = code_column(table, within).codes if within else np.zeros(n_rows, dtype=np.int64)
    table_codes, out = _tables(table, by)
    del table  # the last reference: give the Arrow buffers back before the dense arrays
    pa.default_memory_pool().release_unused()
    try:
        packed = pack_long(
            table_codes, region_codes, unit_codes, group_codes, count, n_groups=len(labels)
        )
    except ValueError as exc:
        raise UsageError(f"{exc}; give one count per cell (sum duplicates first)") from exc
    values, reasons = table_indices(packed.counts, labels, within=bool(within))
    keys = [*INDEX_NAMES, *(WITHIN_KEYS if within else ())]
    for key in keys:
        out[key] = values[key]
    notes = _notes(out, by, keys, reasons, packed.dropped_units)
    if group_note:
        notes.insert(0, group_note)
    if by:
        # Sorted by the labels (not their codes), first --by column first, as pandas'
        # sort_values did: np.unique ranks object labels by Python's own comparison.
        ranks = [np.unique(out[c], return_inverse=True)[1].reshape(-1) for c in reversed(by)]
        order = np.lexsort(ranks)
        out = {name: column[order] for name, column in out.items()}
    return out, notes


# Group labels read as women and men without --women/--men (compared case-insensitively):
# English, Finnish, Swedish, and Statistics Finland's sex codes (1 men, 2 women).
WOMEN_LABELS = ("women", "naiset", "kvinnor", "2")
MEN_LABELS = ("men", "miehet", "män", "1")


def _groups(
    coded: Coded, women: str = "", men: str = "", column: str = "group"
) -> tuple[tuple[np.ndarray, tuple[str, ...]], str | None]:
    """Group codes, and a note when the groups are not women and men.

    Women and men (either may be absent) are coded 0/1 so that the two-group indices apply:
    the groups named by ``--women``/``--men``, or else any of WOMEN_LABELS/MEN_LABELS. Groups
    that are neither give the multigroup M and H; a table of women, men and something else
    (a total row, say) is a usage error, since mixing them would count persons twice.
    """
    labels = [str(label) for label in coded.labels]
    present = [labels[i] for i in np.unique(coded.codes)] if len(coded.codes) else []
    seen = ", ".join(repr(label) for label in present)
    explicit = bool(women or men)
    wanted = {
        0: {women.casefold()} if women else (set() if explicit else set(WOMEN_LABELS)),
        1: {men.casefold()} if men else (set() if explicit else set(MEN_LABELS)),
    }
    for option, label in (("--women", women), ("--men", men)):
        if label and label.casefold() not in {p.casefold() for p in present}:
            raise UsageError(
                f"{option} {label}: no such group in column {column!r} (groups seen: {seen})"
            )
    role = {}
    for label in labels:
        key = label.casefold()
        role[label] = next((g for g, names in wanted.items() if key in names), None)
    known = [p for p in present if role[p] is not None]
    others = [p for p in present if role[p] is None]
    if known and others:
        raise UsageError(
            f"column {column!r} has groups other than women and men: "
            f"{', '.join(repr(o) for o in others)} (groups seen: {seen}); leave out totals, or "
            "name the two groups with --women LABEL --men LABEL"
        )
    if known:
        order = np.array([role[label] if role[label] is not None else 0 for label in labels])
        return (order.astype(np.int8)[coded.codes], TWO_GROUPS), None
    note = (
        f"groups seen in column {column!r}: {seen}; none is women or men, so only the "
        "multigroup M and H are computed (name the two with --women LABEL --men LABEL)"
    )
    return (coded.codes, tuple(labels)), note


def _tables(table: pa.Table, by: list[str]) -> tuple[np.ndarray, Columns]:
    """A code per combination of the ``by`` columns, in sorted order of the columns' codes, and
    each combination's labels (no columns, for one table, without ``--by``)."""
    if not by:
        return np.zeros(table.num_rows, dtype=np.int64), {}
    runs = _runs(table, by)
    if runs is not None:
        # Rows come in runs of one combination (the usual sorted export): code each run once,
        # reading the columns chunk by chunk without copying them.
        lengths, coded = runs
        sizes = [max(len(c.labels), 1) for c in coded]
        combined = _mixed_radix([c.codes for c in coded], sizes)
        uniques, run_codes = np.unique(combined, return_inverse=True)
        # int32 is enough (fewer codes than rows) and halves the largest array written here.
        codes = np.repeat(run_codes.astype(np.int32), lengths)
        return codes, _labels(by, coded, sizes, uniques)
    coded = [code_column(table, c) for c in by]
    sizes = [max(len(c.labels), 1) for c in coded]
    combined = _mixed_radix([c.codes for c in coded], sizes)
    total = math.prod(sizes)
    if total <= _DIRECT_CODES:
        present = np.bincount(combined, minlength=total) > 0
        uniques = np.flatnonzero(present)
        remap = np.cumsum(present) - 1
        codes = np.take(remap, combined, out=combined)
    else:
        uniques, codes = np.unique(combined, return_inverse=True)
    return codes.astype(np.int64, copy=False), _labels(by, coded, sizes, uniques)


def _runs(table: pa.Table, by: list[str]) -> tuple[np.ndarray, list[Coded]] | None:
    """Lengths of the runs of rows with one --by combination, and each column's codes at the
    run starts; None when a column is neither dictionary-coded nor integer, or when there
    is more than one run per 16 rows (then coding every row is cheaper)."""
    n_rows = table.num_rows
    columns = []
    for name in by:
        col = table.column(name)
        if col.null_count or not (
            pa.types.is_dictionary(col.type) or pa.types.is_integer(col.type)
        ):
            return None
        dictionary = pa.types.is_dictionary(col.type)
        chunks = [_numbers(c.indices if dictionary else c) for c in col.chunks]
        columns.append((col, dictionary, chunks))
    change = np.zeros(n_rows, dtype=bool)
    change[:1] = True
    for _, _, chunks in columns:
        pos = 0
        previous = None
        for a in chunks:
            if len(a) == 0:
                continue
            change[pos + 1 : pos + len(a)] |= a[1:] != a[:-1]
            if previous is not None and a[0] != previous:
                change[pos] = True
            previous = a[-1]
            pos += len(a)
    starts = np.flatnonzero(change)
    if len(starts) > n_rows // 16:
        return None
    coded = []
    for col, dictionary, chunks in columns:
        ends = np.cumsum([len(a) for a in chunks])
        chunk_of = np.searchsorted(ends, starts, side="right")
        at_starts = np.empty(len(starts), dtype=np.int64)
        for k in np.unique(chunk_of):
            mask = chunk_of == k
            at_starts[mask] = chunks[k][starts[mask] - (ends[k] - len(chunks[k]))]
        if dictionary:
            coded.append(Coded(at_starts, col.chunks[0].dictionary.to_pylist()))
        else:
            lo, hi = int(at_starts.min()), int(at_starts.max())
            coded.append(Coded(at_starts - lo, list(range(lo, hi + 1))))
    return np.diff(np.append(starts, n_rows)), coded


def _mixed_radix(codes: list[np.ndarray], sizes: list[int]) -> np.ndarray:
    """One int64 code per row from per-column codes (column 0 most significant)."""
    combined = codes[0].astype(np.int64)
    for c, size in zip(codes[1:], sizes[1:], strict=True):
        combined *= size
        combined += c
    return combined


def _labels(by: list[str], coded: list[Coded], sizes: list[int], uniques) -> Columns:
    """The --by labels of each combined code in ``uniques``."""
    out: Columns = {}
    rest = np.asarray(uniques, dtype=np.int64)
    parts = []
    for c, size in zip(reversed(coded), reversed(sizes), strict=True):
        parts.append((c, rest % size))
        rest = rest // size
    for name, (c, code) in zip(by, reversed(parts), strict=True):
        out[name] = (
            np.asarray(c.labels, dtype=object)[code] if len(c.labels) else np.zeros(0, object)
        )
    return out


def _notes(
    out: Columns,
    by: list[str],
    keys: list[str],
    reasons: dict[str, np.ndarray],
    dropped: np.ndarray,
) -> list[str]:
    """One line per distinct reason: the indices it empties and, with --by, in how many groups
    (with the first as an example), so that 20 000 groups do not print 20 000 lines."""

    def where(tables: np.ndarray) -> str:
        if not by:
            return ""
        first = ", ".join(f"{c}={out[c][int(tables[0])]}" for c in by)
        return f" ({len(tables)} of {len(dropped)} groups, e.g. {first})"

    notes = []
    if dropped.any():
        tables = np.flatnonzero(dropped)
        notes.append(f"{int(dropped.sum())} unit(s) with a missing count left out{where(tables)}")
    grouped: dict[tuple[str, bytes], list[str]] = {}
    for key in keys:
        for reason in dict.fromkeys(reasons[key][reasons[key] != ""].tolist()):
            tables = np.flatnonzero(reasons[key] == reason)
            grouped.setdefault((str(reason), tables.tobytes()), []).append(key)
    for (reason, raw), names in grouped.items():
        notes.append(f"{', '.join(names)} {reason}{where(np.frombuffer(raw, dtype=np.int64))}")
    return notes


def _json_value(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def write(out: Columns, keys: list[str], fmt: str, by: list[str], target: Path | None) -> None:
    """JSON object (no --by), JSON lines, CSV or Parquet, to ``target`` or stdout.

    The bytes are those pandas wrote before (``to_parquet``, ``to_csv``, records), without
    importing pandas except for CSV: see ``_arrow_table`` and ``_csv_text``.
    """
    if fmt == "parquet":
        if target is None:
            raise UsageError("--format parquet needs --output FILE (Parquet is binary)")
        pq.write_table(_arrow_table(out), target)
        return
    if fmt == "csv":
        text = _csv_text(out)
    elif not by:
        text = json.dumps({k: _json_value(out[k][0]) for k in keys}, ensure_ascii=False) + "\n"
    else:
        columns = [[_plain(v) for v in _with_nulls(out[name])] for name in out]
        text = "".join(
            json.dumps(dict(zip(out, row, strict=True)), ensure_ascii=False) + "\n"
            for row in zip(*columns, strict=True)
        )
    if target is None:
        sys.stdout.write(text)
    else:
        target.write_text(text, encoding="utf-8")


def _with_nulls(column: np.ndarray) -> list:
    """Python values of a column, None where a float is NaN."""
    values = column.tolist()
    if column.dtype.kind in "fO":
        return [None if isinstance(v, float) and math.isnan(v) else v for v in values]
    return values


def _arrow_table(out: Columns) -> pa.Table:
    """The Arrow table ``pandas.DataFrame.to_parquet(index=False)`` built, with its ``pandas``
    schema metadata, so that pandas readers get the same frame back (labels as objects)."""
    arrays = [_arrow_array(column) for column in out.values()]
    meta = {
        "index_columns": [],
        "column_indexes": [],
        "columns": [
            {
                "name": name,
                "field_name": name,
                "pandas_type": get_logical_type(array.type),
                "numpy_type": str(column.dtype),
                "metadata": None,
            }
            for (name, column), array in zip(out.items(), arrays, strict=True)
        ],
        "attributes": {},
        "creator": {"library": "pyarrow", "version": pa.__version__},
        "pandas_version": importlib.metadata.version("pandas"),
    }
    schema = pa.schema(
        [pa.field(name, a.type) for name, a in zip(out, arrays, strict=True)],
        metadata={b"pandas": json.dumps(meta).encode("utf-8")},
    )
    return pa.Table.from_arrays(arrays, schema=schema)


def _arrow_array(column: np.ndarray) -> pa.Array:
    """The Arrow array ``pa.array(column, from_pandas=True)`` gives (NaN as null, labels as
    strings or int64), built from buffers; other label types take the pandas route."""
    if column.dtype == np.float64:
        missing = np.isnan(column)
        validity = pa.py_buffer(np.packbits(~missing, bitorder="little")) if missing.any() else None
        data = pa.py_buffer(np.ascontiguousarray(column))
        return pa.Array.from_buffers(pa.float64(), len(column), [validity, data])
    values = column.tolist()
    if values and all(type(v) is str for v in values):
        encoded = [v.encode("utf-8") for v in values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        if offsets[-1] < 2**31:
            buffers = [
                None,
                pa.py_buffer(offsets.astype(np.int32)),
                pa.py_buffer(b"".join(encoded)),
            ]
            return pa.Array.from_buffers(pa.string(), len(values), buffers)
    integers = values and all(type(v) is int for v in values)
    if integers and min(values) >= -(2**63) and max(values) < 2**63:
        data = pa.py_buffer(np.array(values, dtype=np.int64))
        return pa.Array.from_buffers(pa.int64(), len(values), [None, data])
    return pa.array(column, from_pandas=True)


def _csv_text(out: Columns) -> str:
    """CSV as ``to_csv(index=False, na_rep="")`` wrote it, LF line ends, through the release's
    writer (``publish.csv_text``): NaN as an empty cell, labels as the csv module wrote them.

    Only this format imports pandas (pyarrow's scalars do): JSON, Parquet and ``--help`` stay
    without it.
    """
    from publish.csv_text import Dialect, write_table

    arrays = []
    for column in out.values():
        array = _arrow_array(column)
        if column.dtype.kind == "O" and not (
            pa.types.is_string(array.type) or pa.types.is_int64(array.type)
        ):
            # Rare labels (floats, dates, flags) as text, as the csv module wrote them: str().
            array = _arrow_array(np.array([str(v) for v in column.tolist()], dtype=object))
        arrays.append(array)
    buffer = io.BytesIO()
    lines = Dialect(",", ".", bom=False, line_end="\n")
    write_table(pa.Table.from_arrays(arrays, list(out)), buffer, lines)
    return buffer.getvalue().decode("utf-8")


def _plain(v: object) -> object:
    if isinstance(v, np.generic):
        return v.item()
    return v


def handle(args: argparse.Namespace) -> int:
    by = [c.strip() for c in args.by.split(",") if c.strip()] if args.by else []
    within = args.within or None
    named = [args.unit_col, args.group_col, args.count_col, *by, *([within] if within else [])]
    if len(set(named)) != len(named):
        raise UsageError(f"a column is named twice in the options: {', '.join(named)}")
    target = Path(args.output) if args.output else None
    if target is not None and not target.parent.exists():
        raise UsageError(f"--output {target}: folder {target.parent} does not exist")
    out, notes = compute(
        Path(args.input),
        args.unit_col,
        args.group_col,
        args.count_col,
        within,
        by,
        args.women,
        args.men,
    )
    keys = [*INDEX_NAMES, *(WITHIN_KEYS if within else ())]
    write({name: out[name] for name in [*by, *keys]}, keys, args.format, by, target)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "indices",
        help="compute every segregation index of a CSV or Parquet table",
        description="Every segregation index of a long table (one row per unit × group): D, "
        "IP, Gini, H, M, Hutchens S, Charles–Grusky A, balanced share, size-standardised D, "
        "M in bits; with --within the between/within parts of M, H and S. Formulas: "
        "docs/methods.md.",
    )
    p.add_argument("--input", required=True, metavar="FILE", help="long CSV or Parquet file")
    p.add_argument("--unit-col", default="unit", metavar="COL", help="unit column (unit)")
    p.add_argument("--group-col", default="group", metavar="COL", help="group column (group)")
    p.add_argument("--count-col", default="count", metavar="COL", help="count column (count)")
    p.add_argument(
        "--within",
        default="",
        metavar="COL",
        help="region column: units are nested in it; adds M/H/S total, between and within",
    )
    p.add_argument(
        "--by",
        default="",
        metavar="COL[,COL…]",
        help="compute one row per combination of these columns",
    )
    p.add_argument(
        "--women",
        default="",
        metavar="LABEL",
        help="the group label of women (default: women, naiset, kvinnor or 2, any case)",
    )
    p.add_argument(
        "--men",
        default="",
        metavar="LABEL",
        help="the group label of men (default: men, miehet, män or 1, any case)",
    )
    p.add_argument("--format", default="json", choices=FORMATS, help="output format (json)")
    p.add_argument("--output", default="", metavar="FILE", help="write here (default: stdout)")
    p.set_defaults(func=handle)

"""``tasapaino indices``: every segregation index of a long CSV or Parquet table.

Input: one row per unit × group (optionally × ``--within`` region and ``--by`` columns) with a
count. Groups ``women``/``men`` give every index; any other labels give the multigroup M and H
and null for the rest. Without ``--by`` the output is one JSON object with exactly the keys of
``OUTPUT_KEYS`` (and the ``--within`` keys); with ``--by`` one row per group of those columns as
CSV, Parquet or JSON lines. Undefined values are null; why is written to stderr as ``note:``
lines, so that stdout stays machine-readable.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

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
            table = pq.read_table(path, columns=columns, read_dictionary=strings)
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
        indices = [c.indices.to_numpy(zero_copy_only=False) for c in chunks]
        codes = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32)
        labels = chunks[0].dictionary.to_pylist() if chunks else []
        return Coded(codes, labels)
    values = col.to_numpy()
    if pa.types.is_integer(col.type) and len(values):
        lo, hi = int(values.min()), int(values.max())
        if hi - lo < _DIRECT_CODES:
            return Coded(np.subtract(values, lo, dtype=np.int32), list(range(lo, hi + 1)))
    codes, uniques = pd.factorize(values)
    return Coded(codes.astype(np.int64), list(uniques))


def count_values(table: pa.Table, name: str) -> np.ndarray:
    """Counts as float64 (NaN where empty); a non-number or a negative count is a usage error."""
    col = table.column(name)
    if not (pa.types.is_integer(col.type) or pa.types.is_floating(col.type)):
        if pa.types.is_null(col.type):
            return np.full(len(col), np.nan)
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
        arr[pos : pos + len(chunk)] = chunk.to_numpy(zero_copy_only=False)
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
) -> tuple[pd.DataFrame, list[str]]:
    """One row per ``by`` group with every index (and the within keys); notes for stderr.

    Reads the file itself so that the Arrow table has no other reference and can be released
    as soon as its columns are coded: this keeps 16 million rows well under 1 GB.
    """
    named = [unit_col, group_col, count_col, *by, *([within] if within else [])]
    table = read_input(path, named)
    if table.num_rows == 0:
        raise UsageError(f"--input {path}: no rows")
    count = count_values(table, count_col)
    group_codes, labels = _groups(code_column(table, group_col))
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
    if by:
        out = out.sort_values(by, kind="stable", ignore_index=True)
    return out, notes


def _groups(coded: Coded) -> tuple[np.ndarray, tuple[str, ...]]:
    """Group codes; women/men (either may be absent) are coded 0/1 so two-group indices apply."""
    labels = [str(label) for label in coded.labels]
    if labels and set(labels) <= set(TWO_GROUPS):
        order = np.array([TWO_GROUPS.index(label) for label in labels], dtype=np.int8)
        return order[coded.codes], TWO_GROUPS
    return coded.codes, tuple(labels)


def _tables(table: pa.Table, by: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """A code per combination of the ``by`` columns, in sorted order of the columns' codes, and
    a frame with each combination's labels (one row, no columns, without ``--by``)."""
    if not by:
        return np.zeros(table.num_rows, dtype=np.int64), pd.DataFrame(index=range(1))
    runs = _runs(table, by)
    if runs is not None:
        # Rows come in runs of one combination (the usual sorted export): code each run once,
        # reading the columns chunk by chunk without copying them.
        lengths, coded = runs
        sizes = [max(len(c.labels), 1) for c in coded]
        combined = _mixed_radix([c.codes for c in coded], sizes)
        uniques, run_codes = np.unique(combined, return_inverse=True)
        codes = np.repeat(run_codes.astype(np.int64), lengths)
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
        codes, uniques = pd.factorize(combined, sort=True)
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
        chunks = [
            (c.indices if dictionary else c).to_numpy(zero_copy_only=False) for c in col.chunks
        ]
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


def _labels(by: list[str], coded: list[Coded], sizes: list[int], uniques) -> pd.DataFrame:
    """The --by labels of each combined code in ``uniques``."""
    out = pd.DataFrame(index=range(len(uniques)))
    rest = np.asarray(uniques, dtype=np.int64)
    parts = []
    for c, size in zip(reversed(coded), reversed(sizes), strict=True):
        parts.append((c, rest % size))
        rest = rest // size
    for name, (c, code) in zip(by, reversed(parts), strict=True):
        out[name] = np.asarray(c.labels, dtype=object)[code] if len(c.labels) else []
    return out


def _notes(
    out: pd.DataFrame,
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
        first = ", ".join(f"{c}={out.at[int(tables[0]), c]}" for c in by)
        return f" ({len(tables)} of {len(out)} groups, e.g. {first})"

    notes = []
    if dropped.any():
        tables = np.flatnonzero(dropped)
        notes.append(f"{int(dropped.sum())} unit(s) with a missing count left out{where(tables)}")
    grouped: dict[tuple[str, bytes], list[str]] = {}
    for key in keys:
        for reason in pd.unique(reasons[key][reasons[key] != ""]):
            tables = np.flatnonzero(reasons[key] == reason)
            grouped.setdefault((str(reason), tables.tobytes()), []).append(key)
    for (reason, raw), names in grouped.items():
        notes.append(f"{', '.join(names)} {reason}{where(np.frombuffer(raw, dtype=np.int64))}")
    return notes


def _json_value(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def write(out: pd.DataFrame, keys: list[str], fmt: str, by: list[str], target: Path | None) -> None:
    """JSON object (no --by), JSON lines, CSV or Parquet, to ``target`` or stdout."""
    if fmt == "parquet":
        if target is None:
            raise UsageError("--format parquet needs --output FILE (Parquet is binary)")
        out.to_parquet(target, index=False)
        return
    if fmt == "csv":
        text = out.to_csv(index=False, na_rep="")
    elif not by:
        row = out.iloc[0]
        text = json.dumps({k: _json_value(row[k]) for k in keys}, ensure_ascii=False) + "\n"
    else:
        records = out.astype(object).where(out.notna(), None).to_dict("records")
        text = "".join(
            json.dumps({k: _plain(v) for k, v in r.items()}, ensure_ascii=False) + "\n"
            for r in records
        )
    if target is None:
        sys.stdout.write(text)
    else:
        target.write_text(text, encoding="utf-8")


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
    )
    keys = [*INDEX_NAMES, *(WITHIN_KEYS if within else ())]
    write(out[[*by, *keys]], keys, args.format, by, target)
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
    p.add_argument("--format", default="json", choices=FORMATS, help="output format (json)")
    p.add_argument("--output", default="", metavar="FILE", help="write here (default: stdout)")
    p.set_defaults(func=handle)

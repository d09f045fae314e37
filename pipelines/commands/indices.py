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
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from assets.indices.batch import TWO_GROUPS, WITHIN_KEYS, codes_of, pack_long, table_indices
from assets.indices.twogroup import INDEX_NAMES
from pipelines.commands import UsageError

FORMATS = ("json", "csv", "parquet")


def read_input(path: Path, columns: list[str]) -> pd.DataFrame:
    """The needed columns of a CSV or Parquet file (by suffix); strings stay dictionary-coded."""
    if not path.is_file():
        raise UsageError(f"--input {path}: no such file; give a CSV or Parquet file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            schema = pq.read_schema(path)
            _require(columns, schema.names, path)
            strings = [
                c for c in columns if str(schema.field(c).type) in ("string", "large_string")
            ]
            table = pq.read_table(path, columns=columns, read_dictionary=strings)
            return table.to_pandas()
        if suffix in (".csv", ".txt"):
            header = pd.read_csv(path, nrows=0).columns.tolist()
            _require(columns, header, path)
            return pd.read_csv(path, usecols=columns, engine="pyarrow")
    except UsageError:
        raise
    except Exception as exc:  # a malformed file: say what and where, not a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"--input {path}: cannot be read ({first})") from exc
    raise UsageError(f"--input {path}: unknown file type {suffix!r}; use .csv or .parquet")


def _require(columns: list[str], present: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in present]
    if missing:
        raise UsageError(
            f"--input {path}: no column {', '.join(repr(c) for c in missing)} "
            f"(columns: {', '.join(present)}); name it with --unit-col/--group-col/--count-col"
        )


def compute(
    df: pd.DataFrame,
    unit_col: str,
    group_col: str,
    count_col: str,
    within: str | None,
    by: list[str],
) -> tuple[pd.DataFrame, list[str]]:
    """One row per ``by`` group with every index (and the within keys); notes for stderr."""
    count = _counts(df[count_col], count_col)
    for col in [unit_col, group_col, *by, *([within] if within else [])]:
        if df[col].isna().any():
            row = int(np.flatnonzero(df[col].isna().to_numpy())[0]) + 2
            raise UsageError(f"column {col!r} is empty on line {row}; every row needs a value")
    group_codes, labels = _groups(df[group_col])
    unit_codes, _ = codes_of(df[unit_col])
    region_codes = codes_of(df[within])[0] if within else np.zeros(len(df), dtype=np.int64)
    table_codes = _table_codes(df, by)
    try:
        packed = pack_long(
            table_codes, region_codes, unit_codes, group_codes, count, n_groups=len(labels)
        )
    except ValueError as exc:
        raise UsageError(f"{exc}; give one count per cell (sum duplicates first)") from exc
    values, reasons = table_indices(packed.counts, labels, within=bool(within))
    keys = [*INDEX_NAMES, *(WITHIN_KEYS if within else ())]
    out = (
        df[by].iloc[packed.first_row].reset_index(drop=True)
        if by
        else pd.DataFrame(index=range(len(packed.first_row)))
    )
    for key in keys:
        out[key] = values[key]
    notes = _notes(out, by, keys, reasons, packed.dropped_units)
    if by:
        out = out.sort_values(by, kind="stable", ignore_index=True)
    return out, notes


def _counts(series: pd.Series, name: str) -> np.ndarray:
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() & series.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise UsageError(
            f"column {name!r} line {row + 2}: {series.iloc[row]!r} is not a number; counts must "
            "be numbers (leave a suppressed cell empty)"
        )
    arr = values.to_numpy(np.float64)
    if (arr < 0).any():
        row = int(np.flatnonzero(arr < 0)[0])
        raise UsageError(f"column {name!r} line {row + 2}: negative count {arr[row]:g}")
    if np.isinf(arr).any():
        row = int(np.flatnonzero(np.isinf(arr))[0])
        raise UsageError(f"column {name!r} line {row + 2}: infinite count")
    return arr


def _groups(series: pd.Series) -> tuple[np.ndarray, tuple[str, ...]]:
    """Group codes; women/men (either may be absent) are coded 0/1 so two-group indices apply."""
    codes, n = codes_of(series)
    labels = (
        list(series.cat.categories)
        if isinstance(series.dtype, pd.CategoricalDtype)
        else list(pd.unique(series))
    )
    labels = [str(label) for label in labels]
    if n and set(labels) <= set(TWO_GROUPS):
        order = np.array([TWO_GROUPS.index(label) for label in labels], dtype=np.int64)
        return order[codes], TWO_GROUPS
    return codes, tuple(labels)


def _table_codes(df: pd.DataFrame, by: list[str]) -> np.ndarray:
    """One code per combination of the ``by`` columns (0 everywhere without ``--by``)."""
    combined = np.zeros(len(df), dtype=np.int64)
    for col in by:
        codes, n = codes_of(df[col])
        combined = combined * max(n, 1) + codes
    return pd.factorize(combined)[0].astype(np.int64) if by else combined


def _notes(
    out: pd.DataFrame,
    by: list[str],
    keys: list[str],
    reasons: dict[str, np.ndarray],
    dropped: np.ndarray,
) -> list[str]:
    notes = []
    flagged = dropped > 0
    for key in keys:
        flagged |= reasons[key] != ""
    for i in np.flatnonzero(flagged):
        where = ", ".join(f"{c}={out.at[i, c]}" for c in by)
        prefix = f"{where}: " if where else ""
        if dropped[i]:
            notes.append(f"{prefix}{dropped[i]} unit(s) with a missing count left out")
        seen: dict[str, list[str]] = {}
        for key in keys:
            reason = reasons[key][i]
            if reason:
                seen.setdefault(str(reason), []).append(key)
        notes.extend(f"{prefix}{', '.join(ks)} {r}" for r, ks in seen.items())
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
    df = read_input(Path(args.input), named)
    if df.empty:
        raise UsageError(f"--input {args.input}: no rows")
    out, notes = compute(df, args.unit_col, args.group_col, args.count_col, within, by)
    keys = [*INDEX_NAMES, *(WITHIN_KEYS if within else ())]
    write(out[[*by, *keys]], keys, args.format, by, target)
    for note in notes[:50]:
        print(f"note: {note}", file=sys.stderr)
    if len(notes) > 50:
        print(f"note: … and {len(notes) - 50} more notes", file=sys.stderr)
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

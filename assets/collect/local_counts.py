"""Tables a maintainer supplies as files in the ``counts`` contract (``tasapaino run --counts``).

The use: a corrected transcription, or a table re-extracted by hand while its source is being
fixed. Such a file *replaces* the tables it holds (each ``source_table`` + ``measure`` pair) in
the run's counts; it cannot add a table the run does not already know, because every published
number must trace to a source in the ``sources`` dataset. The rows then pass through the same
blocking checks as collected rows, so a mistyped file stops the run before publishing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from assets.collect.files import (
    Unreadable,
    decode_text,
    is_parquet,
    read_csv_text,
    read_parquet_bytes,
    refuse_html,
    require_content,
)
from assets.contracts import COUNTS, conform

TABLE = ["source_table", "measure"]


class LocalCountsError(ValueError):
    """A ``--counts`` file cannot be used; the message names the file, what and what to do."""


@dataclass(frozen=True)
class LocalCounts:
    path: Path
    sha256: str
    frame: pd.DataFrame


def read_local_counts(path: Path) -> LocalCounts:
    """The file's rows conformed to the counts contract, or one line saying why not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LocalCountsError(f"--counts {path}: cannot be read ({exc.strerror})") from None
    try:
        require_content(data)
        if is_parquet(data, path.suffix):
            frame = read_parquet_bytes(data)
        else:
            text = decode_text(data)
            refuse_html(text)
            frame = read_csv_text(text)
    except Unreadable as exc:
        raise LocalCountsError(f"--counts {path}: {exc}") from None
    if frame.empty:
        raise LocalCountsError(
            f"--counts {path}: the file has a header but no rows; nothing to use"
        )
    sha256 = hashlib.sha256(data).hexdigest()
    return LocalCounts(path, sha256, _with_provenance(_typed(frame, path), path, sha256))


def _with_provenance(frame: pd.DataFrame, path: Path, sha256: str) -> pd.DataFrame:
    """Say on every row that it came from a hand-given file, so a reader of the published counts
    can tell a corrected table from a collected one (appended: a check flag stays first)."""
    note = f"from the local file {path.name} (SHA-256 {sha256[:12]}), given with --counts"
    before = frame["derivation"].fillna("")
    frame["derivation"] = (before + "; ").where(before.ne(""), "") + note
    return frame


def _typed(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    missing = [c for c in COUNTS.names if c not in frame.columns]
    extra = [c for c in frame.columns if c not in COUNTS.names]
    if missing or extra:
        found = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unknown {', '.join(extra)}" if extra else "",
            )
            if part
        )
        raise LocalCountsError(
            f"--counts {path}: columns do not match the counts contract ({found}); "
            "see docs/data-contracts.md, or run `tasapaino check` on the file for every failure"
        )
    frame = frame.copy()
    for column in COUNTS.columns:
        if column.dtype == "Int64" and not pd.api.types.is_integer_dtype(frame[column.name]):
            frame[column.name] = _whole_numbers(frame[column.name], column.name, path)
        elif column.dtype == "string":
            frame[column.name] = frame[column.name].astype("string").replace("", pd.NA)
        elif column.dtype.startswith("datetime64"):
            frame[column.name] = frame[column.name].replace("", None)
    try:
        return conform(frame, COUNTS)
    except (ValueError, TypeError) as exc:
        raise LocalCountsError(
            f"--counts {path}: {exc}; run `tasapaino check` on the file for every failure"
        ) from None


def _whole_numbers(values: pd.Series, name: str, path: Path) -> pd.Series:
    """Digits to integers; empty is missing (a suppressed cell); anything else is refused with
    the first offending row, since the checks can only judge numbers."""
    text = values.astype("string").str.strip()
    numbers = pd.to_numeric(text.replace("", pd.NA), errors="coerce")
    bad = (numbers.isna() & text.fillna("").ne("")) | (numbers.notna() & (numbers % 1 != 0))
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise LocalCountsError(
            f"--counts {path}: column {name} has {int(bad.sum())} value(s) that are not whole "
            f"numbers, first {values.iloc[row]!r} on data row {row + 1}; write counts as "
            "digits only (no spaces, separators or decimals), or leave a suppressed cell empty"
        )
    return numbers.astype("Int64")


def replace_tables(counts: pd.DataFrame, local: list[LocalCounts]) -> pd.DataFrame:
    """``counts`` with every table a local file holds replaced by the file's rows."""
    if not local:
        return counts
    known = set(map(tuple, counts[TABLE].drop_duplicates().to_numpy().tolist()))
    replaced: set[tuple[str, str]] = set()
    for item in local:
        tables = set(map(tuple, item.frame[TABLE].drop_duplicates().to_numpy().tolist()))
        unknown = sorted(t for t in tables if t not in known)
        if unknown:
            listed = ", ".join(f"{s} / {m}" for s, m in unknown[:3])
            raise LocalCountsError(
                f"--counts {item.path}: table(s) {listed} are not tables of this run's sources; "
                "a local file can only replace a table that data/snapshot or the APIs provide "
                "(check source_table and measure against the sources dataset)"
            )
        twice = sorted(tables & replaced)
        if twice:
            raise LocalCountsError(
                f"--counts {item.path}: table {twice[0][0]} / {twice[0][1]} is also in an "
                "earlier --counts file; give each table once"
            )
        replaced |= tables
    keys = pd.MultiIndex.from_frame(counts[TABLE].astype(object))
    kept = counts[~keys.isin(list(replaced))]
    return pd.concat([kept, *(item.frame for item in local)], ignore_index=True)

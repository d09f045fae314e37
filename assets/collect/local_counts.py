"""Tables a maintainer supplies as files in the ``counts`` contract (``tasapaino run --counts``).

The use: a corrected transcription, or a table re-extracted by hand while its source is being
fixed. Such a file *replaces* the tables it holds (each ``source_table`` + ``measure`` pair) in
the run's counts; it cannot add a table the run does not already know, because every published
number must trace to a source in the ``sources`` dataset. The rows then pass through the same
blocking checks as collected rows, so a mistyped file stops the run before publishing.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from assets.collect.files import (
    PARQUET_MAGIC,
    Unreadable,
    decode_text,
    is_parquet,
    read_csv_text,
    refuse_html,
    require_content,
)
from assets.contracts import COUNTS, conform

TABLE = ["source_table", "measure"]
HEAD_BYTES = 64 << 10  # a header line is far shorter; junk is refused after reading this much
BLOCK_BYTES = 1 << 20
MAX_MB_ENV = "TASAPAINO_MAX_COUNTS_MB"
DEFAULT_MAX_MB = 256


class LocalCountsError(ValueError):
    """A ``--counts`` file cannot be used; the message names the file, what and what to do."""


@dataclass(frozen=True)
class LocalCounts:
    path: Path
    sha256: str
    frame: pd.DataFrame


def max_bytes() -> int:
    """The size limit of a ``--counts`` file: a counts file is rows of a few hundred bytes, and
    reading one costs several times its size in memory, so a huge file is refused unread."""
    text = os.environ.get(MAX_MB_ENV, "")
    return (int(text) if text.isdigit() and int(text) > 0 else DEFAULT_MAX_MB) << 20


def check_counts_file(path: Path) -> int:
    """Judge a file from its size and its first bytes only (bounded memory and time, whatever
    the file holds): within the limit, not empty, and Parquet with the contract's columns or
    UTF-8 comma-separated text whose header has them. Returns the size in bytes."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise LocalCountsError(f"--counts {path}: cannot be read ({exc.strerror})") from None
    limit = max_bytes()
    if size > limit:
        raise LocalCountsError(
            f"--counts {path}: {size / (1 << 20):.0f} MiB is more than the {limit >> 20} MiB a "
            f"counts file may have; split it, or raise {MAX_MB_ENV} if the file is really counts"
        )
    try:
        if size <= HEAD_BYTES:
            require_content(head)
        elif not head.strip():
            raise Unreadable(f"the first {HEAD_BYTES >> 10} KiB are blank; not a counts file")
        if is_parquet(head, path.suffix):
            columns = _parquet_columns(path, head)
        else:
            columns = _csv_header(head, complete=size <= HEAD_BYTES)
    except Unreadable as exc:
        raise LocalCountsError(f"--counts {path}: {exc}") from None
    _check_columns(columns, path)
    return size


def _parquet_columns(path: Path, head: bytes) -> list[str]:
    import pyarrow.parquet as pq

    if not head.startswith(PARQUET_MAGIC):
        raise Unreadable("the file is named .parquet but is not a Parquet file")
    try:
        return list(pq.read_schema(path).names)  # the footer only
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise Unreadable(
            f"the Parquet file cannot be read ({type(exc).__name__}); it is damaged or "
            "incomplete — write it again"
        ) from None


def _csv_header(head: bytes, *, complete: bool) -> list[str]:
    """The header's column names from the head of a CSV file, after the head's whole rows were
    found to be text with as many fields as the header (junk is refused here, unread)."""
    if b"\0" in head:
        raise Unreadable("the file contains NUL bytes: it is binary, not CSV text")
    end = len(head) if complete else head.rfind(b"\n") + 1
    if end == 0:
        raise Unreadable(
            f"the first line is longer than {HEAD_BYTES >> 10} KiB; not a counts CSV file"
        )
    text = decode_text(head[:end])
    refuse_html(text)
    columns = list(read_csv_text(text.splitlines()[0] + "\n").columns)
    if not complete and head.count(b"\n") == 1 and end < len(head):
        raise Unreadable(
            f"line 2 is longer than {HEAD_BYTES >> 10} KiB; not a row of a counts CSV file"
        )
    rows = list(csv.reader(io.StringIO(text)))
    whole = rows[1:] if complete else rows[1:-1]  # the last row of a head may be cut short
    for number, row in enumerate(whole, start=2):
        if row and len(row) != len(columns):
            raise Unreadable(
                f"row {number} has {len(row)} fields but the header has {len(columns)}; "
                "not a counts CSV file (or its quoting is broken)"
            )
    return columns


def _check_columns(columns: list[str], path: Path) -> None:
    missing = [c for c in COUNTS.names if c not in columns]
    extra = [c for c in columns if c not in COUNTS.names]
    if missing or extra:
        found = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unknown {_first(extra)}" if extra else "",
            )
            if part
        )
        raise LocalCountsError(
            f"--counts {path}: columns do not match the counts contract ({found}); "
            "see docs/data-contracts.md, or run `tasapaino check` on the file for every failure"
        )


def _first(names: list[str], shown: int = 3) -> str:
    """A few names, each cut short: a junk header can have thousands of long "columns"."""
    listed = ", ".join(n if len(n) <= 40 else f"{n[:39]}…" for n in names[:shown])
    return listed + (f" and {len(names) - shown} more" if len(names) > shown else "")


def read_local_counts(path: Path) -> LocalCounts:
    """The file's rows conformed to the counts contract, or one line saying why not.

    The file is judged from its head first, then streamed: hashed and (for CSV) checked as
    UTF-8 in blocks, and parsed from disk, so memory follows the table, never a copy of it.
    """
    check_counts_file(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(len(PARQUET_MAGIC))
        if is_parquet(head, path.suffix):
            sha256 = _stream(path, None)
            frame = _read_parquet(path)
        else:
            sha256 = _stream(path, codecs.getincrementaldecoder("utf-8-sig")())
            frame = _read_csv(path)
    except OSError as exc:
        raise LocalCountsError(f"--counts {path}: cannot be read ({exc.strerror})") from None
    except Unreadable as exc:
        raise LocalCountsError(f"--counts {path}: {exc}") from None
    if frame.empty:
        raise LocalCountsError(
            f"--counts {path}: the file has a header but no rows; nothing to use"
        )
    return LocalCounts(path, sha256, _with_provenance(_typed(frame, path), path, sha256))


def _stream(path: Path, decoder: codecs.IncrementalDecoder | None) -> str:
    """SHA-256 of the file, read in blocks; with ``decoder`` each block is also decoded, so a
    byte that is not UTF-8 is named with its line before anything is parsed."""
    digest = hashlib.sha256()
    line = 1
    with path.open("rb") as fh:
        while block := fh.read(BLOCK_BYTES):
            digest.update(block)
            if decoder is not None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    raise Unreadable(_not_utf8(block, exc, line)) from None
                line += block.count(b"\n")
        if decoder is not None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                raise Unreadable(_not_utf8(b"", exc, line)) from None
    return digest.hexdigest()


def _not_utf8(block: bytes, exc: UnicodeDecodeError, line: int) -> str:
    where = line + block[: max(exc.start, 0)].count(b"\n")
    byte = block[exc.start] if 0 <= exc.start < len(block) else None
    shown = f"byte 0x{byte:02x}" if byte is not None else "an incomplete character at the end"
    return (
        f"the file is not UTF-8 text ({shown} on line {where}; Latin-1 or Windows-1252?); "
        "save it as UTF-8 and check again"
    )


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise Unreadable(
            f"the Parquet file cannot be read ({type(exc).__name__}); it is damaged or "
            "incomplete — write it again"
        ) from None


def _read_csv(path: Path) -> pd.DataFrame:
    """Every value as written (strings); the header was judged by check_counts_file."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, ValueError) as exc:
        raise Unreadable(
            f"the CSV cannot be parsed ({str(exc).strip()}); fix its quoting"
        ) from None


def _with_provenance(frame: pd.DataFrame, path: Path, sha256: str) -> pd.DataFrame:
    """Say on every row that it came from a hand-given file, so a reader of the published counts
    can tell a corrected table from a collected one (appended: a check flag stays first)."""
    note = f"from the local file {path.name} (SHA-256 {sha256[:12]}), given with --counts"
    before = frame["derivation"].fillna("")
    frame["derivation"] = (before + "; ").where(before.ne(""), "") + note
    return frame


def _typed(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    _check_columns(list(frame.columns), path)
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

"""``tasapaino check FILE``: judge one file by the pipeline's own quality suites, without a run.

Exit 0 and one line when the file is valid; exit 1 and one block per failed rule (what is wrong,
where — row or cell and the codes — and what to do) when it is not; exit 2 and one line when the
file cannot be judged at all (empty, not UTF-8, an HTML page, cut-off JSON, wrong format). No
input ends in a traceback: an unexpected error is reported as one line, exit 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
import tempfile
import warnings
from pathlib import Path
from typing import Any

from pipelines.commands import UsageError

MAX_PLACES = 5
ACCEPTS = (
    "check accepts a counts table (CSV, the release's counts_excel.csv or Parquet) or a "
    "json-stat2 response"
)
EXCEL_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})")
_NAN = re.compile(r"(?<![\w'])(?:nan|NaN|<NA>)(?![\w'])|'nan'")


def handle(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(
            f"{path}: no such file; give the path of a json-stat2, CSV or Parquet file"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _check(path)
    except UsageError:
        raise
    except Exception as exc:  # never a traceback, whatever the file holds
        raise UsageError(
            f"{path}: could not be checked ({type(exc).__name__}: {str(exc)[:200]}); "
            "is it a json-stat2 response or a counts CSV/Parquet?"
        ) from None


def _header(path: Path) -> tuple[list[str], str] | None:
    """The column names of a CSV or Parquet file and the CSV separator ("" for Parquet); None
    for anything else (json-stat2, unreadable), which ``read_input`` then judges."""
    data = path.read_bytes()[:65536]
    if data.startswith(b"PAR1"):
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(path).names), ""
        except Exception:  # a broken Parquet file: read_input says what is wrong
            return None
    try:
        first = data.decode("utf-8-sig").splitlines()[0] if data.strip() else ""
    except (UnicodeDecodeError, IndexError):
        return None
    if first.lstrip()[:1] in ("{", "[", "<", ""):
        return None
    separator = ";" if first.count(";") > first.count(",") else ","
    return next(csv.reader([first], delimiter=separator)), separator


def _other_layout(columns: list[str]) -> str | None:
    """The name of the published dataset (other than counts) whose columns these are."""
    from assets.contracts import ALL, SOURCES
    from publish.codelists import CONTRACTS

    contracts = {**ALL, "sources": SOURCES, **CONTRACTS}
    present = set(columns)
    if {"sex", "count"} <= present:  # a counts table, however damaged: the suites judge it
        return None
    best, share = None, 0.0
    for name, contract in contracts.items():
        if name == "counts":
            continue
        overlap = len(present & set(contract.names)) / len(contract.names)
        if overlap > share:
            best, share = name, overlap
    return best if share >= 0.8 else None


def _is_release_excel(path: Path, columns: list[str]) -> bool:
    """The release's own counts_excel.csv: BOM, ``;`` and exactly the counts columns. Other
    semicolon files are judged as given (and refused as the pipeline refuses them)."""
    from assets.contracts import COUNTS

    with path.open("rb") as f:
        bom = f.read(3) == b"\xef\xbb\xbf"
    return bom and columns == COUNTS.names


def _from_excel_dialect(path: Path, target: Path) -> None:
    """The release's Excel CSV (``;``, decimal comma, BOM, formula-safe apostrophes, Excel
    timestamps) rewritten as the plain CSV the suites read, value for value."""
    from assets.contracts import COUNTS

    numbers = {c.name for c in COUNTS.columns if c.dtype in ("float64", "Int64")}
    timestamps = {c.name for c in COUNTS.columns if c.dtype.startswith("datetime64")}
    text = path.read_bytes().decode("utf-8-sig")
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = next(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        fixed = []
        for name, value in zip(header, row, strict=False):
            if name in numbers:
                value = value.replace(",", ".")
            elif name in timestamps:
                value = EXCEL_TIMESTAMP.sub(r"\1T\2Z", value)
            elif value[:2] in ("'=", "'+", "'-", "'@", "'\t", "'\r"):
                value = value[1:]  # the apostrophe that kept Excel from running the text
            fixed.append(value)
        writer.writerow(fixed + row[len(header) :])
    target.write_text(out.getvalue(), encoding="utf-8", newline="")


def _check(path: Path) -> int:
    header = _header(path)
    if header is not None:
        columns, separator = header
        layout = _other_layout(columns)
        if layout is not None:
            raise UsageError(
                f"{path}: this looks like {layout} (a published dataset, not counts); {ACCEPTS}"
            )
        if separator == ";" and _is_release_excel(path, columns):
            with tempfile.TemporaryDirectory(prefix="tasapaino-check-") as tmp:
                plain = Path(tmp) / path.name
                _from_excel_dialect(path, plain)
                return _judge(plain, path, " (Excel CSV)")
    return _judge(path, path, "")


def _judge(path: Path, shown: Path, dialect: str) -> int:
    from checks.gate import check_dataset, check_raw, structural_failure, summary
    from checks.reading import Unreadable, read_input

    try:
        item = read_input(path)
    except Unreadable as exc:
        raise UsageError(f"{shown}: {_one_line(_no_nan(str(exc)))}") from None
    if item.kind == "jsonstat2":
        outcomes = (
            [structural_failure("raw", item.structure_error)]
            if item.structure_error
            else check_raw(item.frame, item.texts)
        )
        what = f"json-stat2 response, {len(item.frame)} cells"
    else:
        outcomes = check_dataset("counts", item.frame)
        what = _describe_counts(item.frame, item.kind) + dialect
    counts = summary(outcomes)
    failed = [o for o in outcomes if not o.passed]
    errors = [o for o in failed if o.severity == "error"]
    if not errors:
        note = f", {counts['warnings']} warning(s)" if counts["warnings"] else ""
        print(f"{shown}: valid — {what}; {counts['rules']} rules passed{note}")
        for outcome in failed:
            print(_format(outcome))
        return 0
    print(
        f"{shown}: invalid — {len(errors)} of {counts['rules']} rules failed ({what})",
    )
    for outcome in failed:
        print(_format(outcome))
    return 1


def _describe_counts(frame: Any, kind: str) -> str:
    layout = "transcribed snapshot CSV" if kind == "transcribed" else "counts table"
    parts = [f"{layout}, {len(frame)} rows"]
    if "year" in frame.columns and len(frame):
        years = sorted({str(y) for y in frame["year"] if str(y).strip()})
        if years:
            parts.append(f"years {years[0]}–{years[-1]}" if len(years) > 1 else f"year {years[0]}")
    if "region_code" in frame.columns:
        parts.append(f"{frame['region_code'].nunique()} region(s)")
    return ", ".join(parts)


def _format(outcome: Any) -> str:
    label = "ERROR" if outcome.severity == "error" else "WARN"
    count = f" ({outcome.failing} of {outcome.checked})" if outcome.checked else ""
    lines = [f"  {label} {outcome.rule}: {outcome.what}{count}"]
    if outcome.error:
        lines.append(f"    could not evaluate: {outcome.error}")
    for place in outcome.sample[:MAX_PLACES]:
        lines.append(f"    at {_where(place)}")
    if outcome.failing > MAX_PLACES and len(outcome.sample) >= MAX_PLACES:
        lines.append(f"    … and {outcome.failing - MAX_PLACES} more")
    lines.append(f"    → {outcome.fix}")
    return _no_nan("\n".join(lines))


def _one_line(text: str) -> str:
    """Control characters a file put into a message (which split it into lines) escaped."""
    return "".join(repr(c)[1:-1] if not c.isprintable() else c for c in text)


def _no_nan(text: str) -> str:
    """A message without pandas' words for a missing value (``nan``, ``<NA>``): "empty"."""
    return _NAN.sub("empty", text)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _where(place: dict[str, Any]) -> str:
    """``row 14 (region_code=MK17, year=2019, …): count_text='-5'`` from a GX failure record."""
    locators = {"row", "first_row", "cell", "first_cell"}
    if "problem" in place:
        return str(place["problem"])
    head = next((f"{k.replace('first_', '')} {place[k]}" for k in place if k in locators), "")
    keys = [
        f"{k.removesuffix('_text').removesuffix('_value')}={v}"
        for k, v in place.items()
        if k not in locators and k != "value" and not _is_missing(v)
    ]
    inner = ", ".join(keys)
    text = f"{head} ({inner})" if head and inner else head or inner
    if "value" not in place:
        return text
    value = place["value"]
    if _is_missing(value):
        return f"{text}: empty"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{text}: value {value!r}"


def register(sub: argparse._SubParsersAction) -> None:
    check = sub.add_parser(
        "check",
        help="validate a json-stat2 response or a counts CSV/Parquet file",
        description="Validate FILE with the pipeline's quality suites, without running the "
        "pipeline. Exit 0: valid; 1: invalid (each failure says what, where and what to do); "
        "2: the file cannot be read.",
    )
    check.add_argument("file", metavar="FILE", help="json-stat2 (.json), CSV or Parquet file")
    check.set_defaults(func=handle)

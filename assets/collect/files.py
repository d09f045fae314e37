"""Bytes a person hands over (a saved response, an exported table) into text or a table.

Shared by ``tasapaino check`` (checks/reading.py) and ``tasapaino run --counts``
(assets/collect/local_counts.py), so both say the same one line about a file that cannot be
read at all: empty, not UTF-8, an HTML page, a damaged Parquet file, a semicolon CSV.
"""

from __future__ import annotations

import io

import pandas as pd

PARQUET_MAGIC = b"PAR1"


class Unreadable(ValueError):
    """The file cannot be judged: wrong format, undecodable, empty. One line says why."""


def require_content(data: bytes) -> None:
    if not data.strip():
        raise Unreadable("the file is empty; there is nothing to check")


def is_parquet(data: bytes, suffix: str) -> bool:
    return data.startswith(PARQUET_MAGIC) or suffix.lower() == ".parquet"


def decode_text(data: bytes) -> str:
    """UTF-8 with or without a BOM (Excel writes one); anything else is refused, never guessed,
    because a wrong guess turns ä and ö into other letters without an error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Unreadable(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}; "
            "Latin-1 or Windows-1252?); save it as UTF-8 and check again"
        ) from None


def refuse_html(text: str) -> None:
    if text.lstrip()[:200].lower().startswith("<"):
        raise Unreadable(
            "the file is an HTML/XML page, not data (an error page saved instead of the "
            "response?); fetch the table again"
        )


def read_parquet_bytes(data: bytes) -> pd.DataFrame:
    if not data.startswith(PARQUET_MAGIC):
        raise Unreadable("the file is named .parquet but is not a Parquet file")
    try:
        return pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise Unreadable(
            f"the Parquet file cannot be read ({type(exc).__name__}); it is damaged or "
            "incomplete — write it again"
        ) from None


def read_csv_text(text: str) -> pd.DataFrame:
    """Comma-separated text as strings, every value as written (the suites judge them)."""
    header = text.splitlines()[0]
    if ";" in header and "," not in header:
        raise Unreadable(
            "the file is separated by semicolons (Excel's Finnish CSV); save it as "
            "comma-separated UTF-8 CSV and check again"
        )
    if "\t" in header and "," not in header:
        raise Unreadable("the file is tab-separated; save it as comma-separated UTF-8 CSV")
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise Unreadable(
            f"the CSV cannot be parsed ({str(exc).strip()}); fix its quoting"
        ) from None

"""The release's "find my field or occupation" page: ``explorer/index.html`` (Finnish),
``index.sv.html`` and ``index.en.html``, and the one data file they share.

A counsellor or journalist types a field of education or an occupation and sees, for every
population, year and region the release holds, women, men, women's share, Statistics Finland's
segregation class and the change from the previous year, with a link to the source table and a
download of exactly those rows.

The page must work opened straight from a folder (``file://``), where browsers refuse
``fetch()``, as well as from any static host, and must load nothing from other hosts. So the
data travel as a script file (``explorer/data.js``) loaded by a ``<script src>``, and the page's
own small script is inline. Each row carries its line of ``data/unit_shares.csv`` verbatim, so
a download is the CSV's header and those lines: the same bytes as the published file, whatever
the browser's number formatting. Labels come from outside sources; the script writes them with
``textContent`` only.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from publish.articles.render import vocabulary

TEMPLATES = Path(__file__).resolve().parent / "templates" / "explorer"
PAGES = {
    "fi": "explorer/index.html",
    "sv": "explorer/index.sv.html",
    "en": "explorer/index.en.html",
}
DATA_FILE = "explorer/data.js"
MAX_ROWS = 50_000
"""Above this many rows of unit_shares the data file would pass ten megabytes, too much for a
page a reader opens on a phone; the release then has no explorer (and the data page no link)."""


def csv_records(text: str) -> list[str]:
    """The records of a CSV text exactly as written, header first, without their line ends.

    A record ends at a line end outside quotes (an even number of quote characters so far), so
    a label with a line break inside its quotes stays one record.
    """
    records: list[str] = []
    start = quotes = 0
    for pos, char in enumerate(text):
        if char == '"':
            quotes += 1
        elif char == "\n" and quotes % 2 == 0:
            records.append(text[start:pos].removesuffix("\r"))
            start = pos + 1
    if start < len(text):
        records.append(text[start:])
    return records


def _count(text: str) -> int | None:
    """A count cell of the CSV; empty where the source marks the value as missing (``..``)."""
    return int(float(text)) if text else None


def _source_urls(sources: pd.DataFrame) -> dict[str, str]:
    """source_table + measure → the page of its source table."""
    return {
        f"{row.source_table}|{row.measure}": str(row.url)
        for row in sources.itertuples()
        if isinstance(row.url, str) and row.url.startswith(("https://", "http://"))
    }


def explorer_data(unit_shares_csv: bytes, sources: pd.DataFrame) -> dict[str, Any]:
    """What the page's script needs: the CSV header, one entry per unit label, and one row per
    CSV record with the numbers the result table shows and the record itself."""
    text = unit_shares_csv.decode("utf-8")
    records = csv_records(text)
    header, lines = records[0], records[1:]
    columns = next(csv.reader([header]))
    parsed = list(csv.DictReader(io.StringIO(text)))
    if len(parsed) != len(lines):
        raise ValueError(f"unit_shares.csv: {len(parsed)} rows but {len(lines)} lines")
    vocab = vocabulary()
    urls = _source_urls(sources)
    # A total (one unit in its table, e.g. all upper secondary students) shows no class: a
    # class compares a field with the others, and a total has none.
    grouping = ("source_table", "measure", "classification", "level")
    units_in: dict[tuple[str, ...], set[str]] = {}
    for row in parsed:
        table = tuple(row.get(k, "") for k in grouping)
        units_in.setdefault(table, set()).add(row.get("unit_code", ""))
    units: dict[tuple[str, str, str], int] = {}
    rows = []
    for row, line in zip(parsed, lines, strict=True):
        key = (row["unit_name_fi"], row["unit_name_sv"], row["unit_name_en"])
        unit = units.setdefault(key, len(units))
        measure = row["measure"]
        words = vocab["measures"].get(measure, {})
        rows.append(
            {
                "u": unit,
                "m": measure,
                "ml": {lang: words.get(lang, {}).get("label", measure) for lang in PAGES},
                "y": int(row["year"]),
                "r": row["region_name_fi"],
                "rc": row["region_code"],
                "w": _count(row["women"]),
                "n": _count(row["men"]),
                "s": float(row["women_share"]) if row["women_share"] else None,
                "c": row["segregation_class"]
                if len(units_in[tuple(row.get(k, "") for k in grouping)]) > 1
                else "",
                "t": row["source_table"],
                "url": urls.get(f"{row['source_table']}|{measure}", ""),
                "line": line,
            }
        )
    return {
        "eol": "\r\n" if text.startswith(header + "\r\n") else "\n",
        "header": header,
        "columns": columns,
        "units": [{"fi": fi, "sv": sv, "en": en} for fi, sv, en in units],
        "rows": rows,
        "classes": {lang: vocab["classes"][lang] for lang in PAGES},
    }


def data_script(data: dict[str, Any]) -> bytes:
    """``data.js``: the data as one JSON literal. ``<`` is written as ``\\u003c`` so that no
    label can end a script element even if the file is ever inlined."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    body = body.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.TASAPAINO_EXPLORER = {body};\n".encode()


def render_pages(
    unit_shares_csv: bytes, sources: pd.DataFrame, release_id: str
) -> dict[str, bytes]:
    """The three language versions of the page and their data file, path → bytes; nothing
    when unit_shares has more than ``MAX_ROWS`` rows."""
    from markupsafe import Markup

    from publish.page_templates import environment

    texts = yaml.safe_load((TEMPLATES / "text.yaml").read_text(encoding="utf-8"))
    script = (TEMPLATES / "explorer.js").read_text(encoding="utf-8")
    template = environment().get_template("explorer/index.html")
    data = explorer_data(unit_shares_csv, sources)
    if len(data["rows"]) > MAX_ROWS:
        return {}
    out = {DATA_FILE: data_script(data)}
    for lang, path in PAGES.items():
        html = template.render(
            lang=lang,
            t=texts[lang],
            pages=[
                {"lang": k, "path": v.removeprefix("explorer/"), "name": texts[k]["lang_name"]}
                for k, v in PAGES.items()
            ],
            data_page={"fi": "../index.html", "sv": "../index.sv.html", "en": "../index.en.html"}[
                lang
            ],
            release_id=release_id,
            script=Markup(script),
            ui_json=Markup(
                json.dumps(texts[lang]["ui"], ensure_ascii=False).replace("<", "\\u003c")
            ),
        )
        out[path] = html.encode("utf-8")
    return out

"""StatFin's CSV exports (PxWeb's "Comma/Semicolon delimited with heading" and without) as a
``Cube``.

The layout PxWeb writes: optionally a title line (``"115s -- Työlliset …, 2010-2023"``) and a
blank line; a header row whose first columns are the STUB variables' texts (``"Ammattiryhmä"``,
``"Alue"``, ``"Sukupuoli"``) and whose other columns combine the HEADING variables' value texts
with spaces (``"2021 Työlliset"``); one row per STUB combination; optionally footnote lines
after the rows. Headers are in Finnish, Swedish or English. Values are numbers or the status
marks ``..``, ``.``, ``-``. Labels carry no codes of their own, so codes are derived: a leading
code (``211 Luonnontieteiden …``, ``MK17 Pohjois-Pohjanmaa``), the region list
(data/classifications/regions.csv), the sexes (Miehet/Naiset/Yhteensä, Män/Kvinnor/Totalt,
Males/Females/Total) and the year. Unit names without a code are matched to the configured
classification later, when the table is known (``statfin_files``).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from functools import cache

import numpy as np

from assets.collect.table_files.cube import Cube, Dim, TableFileError
from assets.collect.table_files.px import MARKS, px_time
from assets.reference.classifications import load_regions

# Header texts → (configured variable name, language).
HEADERS = {
    "ammattiryhmä": ("ammatti", "fi"),
    "ammatti": ("ammatti", "fi"),
    "yrke": ("ammatti", "sv"),
    "yrkesgrupp": ("ammatti", "sv"),
    "occupation": ("ammatti", "en"),
    "occupational group": ("ammatti", "en"),
    "ammattiasema": ("ammattiasema", "fi"),
    "yrkesställning": ("ammattiasema", "sv"),
    "occupational status": ("ammattiasema", "en"),
    "koulutusala": ("koulutusala", "fi"),
    "utbildningsområde": ("koulutusala", "sv"),
    "field of education": ("koulutusala", "en"),
    "sukupuoli": ("sukupuoli", "fi"),
    "kön": ("sukupuoli", "sv"),
    "sex": ("sukupuoli", "en"),
    "vuosi": ("timeperiod", "fi"),
    "år": ("timeperiod", "sv"),
    "year": ("timeperiod", "en"),
    "alue": ("alue", "fi"),
    "område": ("alue", "sv"),
    "region": ("alue", "en"),
    "area": ("alue", "en"),
    "tiedot": ("contentscode", "fi"),
    "uppgifter": ("contentscode", "sv"),
    "information": ("contentscode", "en"),
}
SEXES = {
    "miehet": "1",
    "naiset": "2",
    "yhteensä": "SSS",
    "män": "1",
    "kvinnor": "2",
    "totalt": "SSS",
    "males": "1",
    "females": "2",
    "men": "1",
    "women": "2",
    "total": "SSS",
}
TOTALS = {"yhteensä", "totalt", "total", "kaikki", "all", "alla", "sss"}
_LEADING = re.compile(r"^\s*([0-9A-Z][0-9A-Z.]*)\s+(\S.*)$")
_YEAR = re.compile(r"(?<!\d)(\d{4})\*?(?!\d)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_DATE = re.compile(
    r"(?:päivitetty|uppdaterad|updated|last updated)\D{0,12}"
    r"(\d{8}(?:\s+\d{1,2}:\d{2})?|\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)


@cache
def _regions() -> dict[str, str]:
    """Region names in fi/sv/en (case-folded) → code."""
    out: dict[str, str] = {}
    for row in load_regions().itertuples():
        for name in (row.name_fi, row.name_sv, row.name_en):
            out.setdefault(str(name).casefold(), str(row.code))
    out["koko maa"] = "SSS"
    return out


def _delimiter(lines: list[str]) -> str:
    """The delimiter that makes the most rows of one width (at least two columns)."""
    best, score = ",", -1
    for delim in (";", ",", "\t"):
        widths = Counter(len(r) for r in csv.reader(lines, delimiter=delim) if len(r) >= 2)
        if widths and widths.most_common(1)[0][1] > score:
            best, score = delim, widths.most_common(1)[0][1]
    return best


def parse_statfin_csv(text: str, name: str) -> Cube:
    lines = text.splitlines()
    delim = _delimiter(lines)
    rows = list(csv.reader(lines, delimiter=delim))
    widths = Counter(len(r) for r in rows if len(r) >= 2)
    if not widths:
        raise TableFileError(
            f"{name}: no table found (no line has two columns); is this a StatFin CSV export?"
        )
    width = widths.most_common(1)[0][0]
    start = next(i for i, r in enumerate(rows) if len(r) == width)
    end = start + 1
    while end < len(rows) and len(rows[end]) == width:
        end += 1
    header, body = [h.strip() for h in rows[start]], rows[start + 1 : end]
    if not body:
        raise TableFileError(f"{name}: the CSV export has a header but no rows")
    lead = [" ".join(r).strip() for r in rows[:start] if any(c.strip() for c in r)]
    tail = [" ".join(r).strip() for r in rows[end:] if any(c.strip() for c in r)]
    title, ids = "", []
    if lead:
        title = lead[0]
        m = re.match(r"\s*(\w+)\s+--\s+(.*)$", title)
        if m:
            ids.append(("title", m.group(1)))
    updated = next((_date(m.group(1)) for t in lead + tail if (m := _DATE.search(t))), None)

    nstub = 0
    while nstub < width - 1 and (
        header[nstub].casefold() in HEADERS or any(not _is_cell(r[nstub]) for r in body)
    ):
        nstub += 1
    if nstub == 0:
        raise TableFileError(
            f"{name}: no variable columns found in the header ({', '.join(header[:6])}); "
            "export the table with its variables as rows"
        )
    langs = Counter(HEADERS[h.casefold()][1] for h in header[:nstub] if h.casefold() in HEADERS)
    lang = langs.most_common(1)[0][0] if langs else "fi"
    stub = [_stub_dim(header[j], [r[j].strip() for r in body], lang) for j in range(nstub)]
    in_stub = {HEADERS.get(h.casefold(), (h.casefold(), ""))[0] for h in header[:nstub]}
    heading, columns = _heading(header[nstub:], in_stub, lang, name)
    dims = stub + heading

    sizes = [len(d.values) for d in dims]
    cells = int(np.prod(sizes))
    values = np.full(cells, np.nan)
    status = np.full(cells, "", dtype=object)
    filled = np.zeros(cells, dtype=bool)
    strides = [int(np.prod(sizes[i + 1 :])) for i in range(len(sizes))]
    lookups = [{v: i for i, v in enumerate(d.texts[lang])} for d in stub]
    for n, row in enumerate(body):
        base = sum(lookups[j][row[j].strip()] * strides[j] for j in range(nstub))
        for k, combo in enumerate(columns):
            pos = base + sum(c * strides[nstub + i] for i, c in enumerate(combo))
            if filled[pos]:
                raise TableFileError(
                    f"{name}: row {start + n + 2} repeats a combination of an earlier row"
                )
            filled[pos] = True
            values[pos], status[pos] = _value(row[nstub + k], name, start + n + 2)
    if not filled.all():
        raise TableFileError(
            f"{name}: the export covers {int(filled.sum())} of {cells} combinations of its "
            "variables; export the whole table (every row), or download it as PX"
        )
    return Cube(
        dims=dims,
        values=values,
        status=status,
        title=title,
        file_format="statfin-csv",
        languages=[lang],
        ids=ids,
        updated={"": updated} if updated else {},
    )


def _is_cell(text: str) -> bool:
    text = text.strip()
    return text in MARKS or bool(_NUMBER.fullmatch(text))


def _value(text: str, name: str, line: int) -> tuple[float, str]:
    text = text.strip()
    if text in MARKS:
        return np.nan, text
    if _NUMBER.fullmatch(text):
        return float(text), ""
    raise TableFileError(
        f"{name}: line {line} has the value {text[:20]!r}, neither a number nor a status mark "
        f"({', '.join(MARKS)}); export the table again without number formatting"
    )


def _code(role: str, label: str) -> str:
    """A value's code, derived from its label (see the module docstring)."""
    folded = label.casefold().strip()
    if role == "sukupuoli" and folded in SEXES:
        return SEXES[folded]
    if role == "timeperiod":
        year = _YEAR.fullmatch(label.strip())
        if year:
            return year.group(1)
    if role == "alue":
        lead = _LEADING.match(label)
        if lead and (lead.group(1) in ("SSS", "MA1") or lead.group(1).startswith("MK")):
            return lead.group(1)
        if folded in _regions():
            return _regions()[folded]
    if folded in TOTALS:
        return "SSS"
    lead = _LEADING.match(label)
    if lead and role not in ("alue", "timeperiod", "sukupuoli"):
        return lead.group(1)
    return label.strip()


def _stub_dim(header: str, cells: list[str], lang: str) -> Dim:
    role = HEADERS.get(header.casefold(), (header.casefold(), lang))[0]
    texts = list(dict.fromkeys(cells))
    codes = [_code(role, t) for t in texts]
    return Dim(
        code=header,
        names={lang: header},
        values=codes,
        texts={lang: texts},
        time=role == "timeperiod",
        content=role == "contentscode",
        coded=False,
    )


def _heading(
    headers: list[str], in_stub: set[str], lang: str, name: str
) -> tuple[list[Dim], list[tuple[int, ...]]]:
    """The HEADING variables PxWeb folded into the column headers (``2021 Työlliset``): the
    year and the sex when they are not in the stub, the rest is the content text."""
    parts: list[dict[str, str]] = []
    sexes = sorted((s for s in SEXES), key=len, reverse=True)
    for h in headers:
        rest, found = f" {h.strip()} ", {}
        if "timeperiod" not in in_stub:
            year = _YEAR.search(rest)
            if year:
                found["timeperiod"] = year.group(0)
                rest = rest[: year.start()] + " " + rest[year.end() :]
        if "sukupuoli" not in in_stub:
            for sex in sexes:
                m = re.search(rf"(?<!\w){re.escape(sex)}(?!\w)", rest, re.IGNORECASE)
                if m:
                    found["sukupuoli"] = m.group(0)
                    rest = rest[: m.start()] + " " + rest[m.end() :]
                    break
        content = re.sub(r"\s+", " ", rest).strip()
        if content:
            found["contentscode"] = content
        parts.append(found)
    roles = [r for r in ("sukupuoli", "timeperiod", "contentscode") if any(r in p for p in parts)]
    if any(set(p) != set(roles) for p in parts):
        raise TableFileError(
            f"{name}: the column headers ({', '.join(headers[:4])} …) do not share one layout; "
            "export the table with years (and contents) as columns and the rest as rows"
        )
    words = {
        "sukupuoli": {"fi": "Sukupuoli", "sv": "Kön", "en": "Sex"},
        "timeperiod": {"fi": "Vuosi", "sv": "År", "en": "Year"},
        "contentscode": {"fi": "Tiedot", "sv": "Uppgifter", "en": "Information"},
    }
    dims, positions = [], []
    for role in roles:
        texts = list(dict.fromkeys(p[role] for p in parts))
        dims.append(
            Dim(
                code=words[role][lang],
                names={lang: words[role][lang]},
                values=[_code(role, t) for t in texts],
                texts={lang: texts},
                time=role == "timeperiod",
                content=role == "contentscode",
                coded=False,
            )
        )
        positions.append({t: i for i, t in enumerate(texts)})
    columns = [tuple(positions[i][p[r]] for i, r in enumerate(roles)) for p in parts]
    if len(set(columns)) != len(columns):
        raise TableFileError(f"{name}: two columns have the same header; export the table again")
    return dims, columns


def _date(raw: str) -> str | None:
    raw = raw.strip()
    if re.fullmatch(r"\d{8}(?:\s+\d{1,2}:\d{2})?", raw):
        return px_time(raw)
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", raw)
    if m:
        return px_time(f"{m.group(3)}{int(m.group(2)):02d}{int(m.group(1)):02d}")
    return px_time(raw.replace("-", ""))


def read_csv_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 — the "ANSI" PxWeb and Excel write; the
    two cannot be confused, since Finnish Windows-1252 text is never valid UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("windows-1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TableFileError(
            f"byte 0x{data[exc.start]:02x} on line {line} is neither UTF-8 nor Windows-1252 "
            "text; export the table again as CSV (UTF-8)"
        ) from None

"""PX (PC-Axis) files, the format StatFin offers for download, read into a ``Cube``.

Follows Statistics Sweden's PX-file format specification (AXIS-VERSION 2013) and Statistics
Finland's use of it: entries ``KEYWORD[lang]("spec")=value;``, quoted strings continued over
lines (``"first part"`` newline ``"second part"``), value lists, ``TIMEVAL`` in list and range
form, multilingual keywords (``VALUES[sv]("Kön")``), and ``DATA`` last — dense (every cell, the
last HEADING variable varying fastest) or with ``KEYS`` (each line starts with the STUB values,
as VALUES or CODES, and rows of only zeros are left out). Cells ``.`` to ``......`` and ``-``
are status marks: the value is missing and the mark is kept, as the API reports it.

The encoding is taken from the file, never guessed: ``CODEPAGE`` names it (StatFin writes
``CHARSET="ANSI"`` with ``CODEPAGE="utf-8"``); without it ``CHARSET="ANSI"`` means Windows-1252
(a superset of ISO-8859-1) and ``"Unicode"`` UTF-8. A file that declares an 8-bit code page but
whose bytes are UTF-8 text with non-ASCII letters is read as UTF-8: Finnish Latin-1 text is never
valid UTF-8, so the bytes themselves settle it, and reading them as Latin-1 would turn ä into Ã¤.

pyaxis was considered and not used: it has no KEYS support, splits values on every quote (a
string continued over lines becomes two values), and needs the encoding from the caller.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import numpy as np

from assets.collect.table_files.cube import Cube, Dim, TableFileError

MARKS = (".", "..", "...", "....", ".....", "......", "-")
HELSINKI = ZoneInfo("Europe/Helsinki")

_KEY = re.compile(
    r"\s*(?P<keyword>[A-Za-z][A-Za-z0-9_-]*)\s*(?:\[\s*(?P<lang>[^\]\s]+)\s*\])?\s*"
    r"(?:\((?P<spec>.*)\))?\s*",
    re.DOTALL,
)
_TOKEN = re.compile(r'"(?P<string>[^"]*)"|(?P<comma>,)|(?P<bare>[^",\s]+)')
_CELL = re.compile(r'"([^"]*)"|([^\s,;"]+)')
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PX_START = re.compile(rb"^\s*[A-Z][A-Z0-9_-]*\s*(\[[^\]]*\])?\s*(\([^)]*\))?\s*=")

Entries = dict[tuple[str, str | None, tuple[str, ...]], list[str] | str]


def looks_like_px(data: bytes) -> bool:
    """PX files start with a keyword entry (``CHARSET="ANSI";``), which no CSV export does; a
    cut-off PX file is still read as PX, so its error says what is missing."""
    head = data.lstrip(b"\xef\xbb\xbf")[:200]
    return bool(_PX_START.match(head))


def decode_px(data: bytes, name: str) -> str:
    """The file's text in the encoding it declares (see the module docstring)."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[3:], "utf-8", name, "its byte order mark says UTF-8")
    head = data.split(b"DATA", 1)[0].decode("latin-1")
    codepage = re.search(r'CODEPAGE\s*=\s*"([^"]*)"', head)
    charset = re.search(r'CHARSET\s*=\s*"([^"]*)"', head)
    if codepage:
        wanted, why = codepage.group(1).strip(), f'CODEPAGE="{codepage.group(1)}"'
    elif charset and charset.group(1).strip().upper() == "ANSI":
        wanted, why = "windows-1252", 'CHARSET="ANSI"'
    elif charset and charset.group(1).strip().casefold() in ("unicode", "utf-8", "utf8"):
        wanted, why = "utf-8", f'CHARSET="{charset.group(1)}"'
    else:
        wanted, why = "utf-8", "it declares neither CHARSET nor CODEPAGE"
    try:
        codec = codecs.lookup(wanted).name
    except LookupError:
        raise TableFileError(
            f"{name}: the PX file's encoding '{wanted}' ({why}) is unknown; save the file "
            'again as UTF-8 with CODEPAGE="utf-8"'
        ) from None
    if codec != "utf-8" and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return data.decode("utf-8")
    return _decode(data, codec, name, why)


def _decode(data: bytes, codec: str, name: str, why: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TableFileError(
            f"{name}: the PX file is not valid {codec} as {why} (byte 0x{data[exc.start]:02x} on "
            f"line {line}); download the file again, or save it as UTF-8"
        ) from None


def _entries(text: str, name: str) -> tuple[Entries, str]:
    """Every entry before DATA, and the text after ``DATA=``."""
    entries: Entries = {}
    pos, n = 0, len(text)
    while True:
        eq = _outside_quotes(text, "=", pos)
        if eq < 0:
            raise TableFileError(
                f"{name}: the PX file has no DATA entry (cut off?); download it again"
            )
        key = _KEY.fullmatch(text[pos:eq])
        if key is None:
            line = text.count("\n", 0, pos) + 1
            raise TableFileError(
                f"{name}: line {line} is not a PX entry ({text[pos:eq].strip()[:40]!r}); "
                "is this a PX file? Download it again from StatFin as PX"
            )
        keyword = key["keyword"].upper()
        if keyword == "DATA":
            return entries, text[eq + 1 :]
        end = _outside_quotes(text, ";", eq + 1)
        if end < 0:
            raise TableFileError(f"{name}: the entry {keyword} has no closing ';' (file cut off?)")
        spec = tuple(re.findall(r'"([^"]*)"', key["spec"] or ""))
        raw = text[eq + 1 : end]
        entries[(keyword, key["lang"], spec)] = raw.strip() if keyword == "TIMEVAL" else _items(raw)
        pos = end + 1
        if pos >= n:
            raise TableFileError(f"{name}: the PX file has no DATA entry; download it again")


def _outside_quotes(text: str, char: str, start: int) -> int:
    """Index of ``char`` at or after ``start`` outside quoted strings (PX strings hold no ``"``)."""
    quoted = False
    for i in range(start, len(text)):
        c = text[i]
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            return i
    return -1


def _items(raw: str) -> list[str]:
    """A value as a list: quoted strings split by commas, adjacent strings joined (a string
    continued on the next line), bare words (numbers, YES/NO) as they are."""
    items: list[str] = []
    joinable = False
    for m in _TOKEN.finditer(raw):
        if m["comma"]:
            joinable = False
        elif m["string"] is not None:
            if joinable:
                items[-1] += m["string"]
            else:
                items.append(m["string"])
            joinable = True
        else:
            items.append(m["bare"])
            joinable = False
    return items


class _Lookup:
    """Entries by keyword, language and specifier, the default language also matching no tag."""

    def __init__(self, entries: Entries, default: str) -> None:
        self.entries, self.default = entries, default

    def get(self, keyword: str, lang: str, *spec: str) -> list[str] | str | None:
        tags = (None, lang) if lang == self.default else (lang,)
        for tag in tags:
            value = self.entries.get((keyword, tag, spec))
            if value is not None:
                return value
        return None

    def first(self, keyword: str, lang: str, *spec: str) -> str:
        value = self.get(keyword, lang, *spec)
        if isinstance(value, list):
            return "".join(value[:1])
        return value or ""


def parse_px(text: str, name: str) -> Cube:
    """A PX file's text as a ``Cube``; one line names what is wrong with a malformed file."""
    entries, data = _entries(text, name)
    first = _Lookup(entries, "")
    default = first.first("LANGUAGE", "") or "fi"
    look = _Lookup(entries, default)
    languages = [str(x) for x in (look.get("LANGUAGES", default) or [default])]
    if default not in languages:
        languages.insert(0, default)
    stub = _list(look.get("STUB", default))
    heading = _list(look.get("HEADING", default))
    if not stub and not heading:
        raise TableFileError(f"{name}: the PX file has neither STUB nor HEADING; it is damaged")
    names = stub + heading
    per_lang = {
        lang: _list(look.get("STUB", lang)) + _list(look.get("HEADING", lang)) for lang in languages
    }
    content_name = look.first("CONTVARIABLE", default)
    dims = [_dim(look, languages, per_lang, i, n, content_name, name) for i, n in enumerate(names)]
    keys = {n: look.first("KEYS", default, n).upper() for n in stub}
    sizes = [len(d.values) for d in dims]
    if any(keys.values()):
        values, status = _keyed_data(data, dims[: len(stub)], sizes, keys, name)
    else:
        values, status = _dense_data(data, sizes, name)
    title = look.first("TITLE", default) or look.first("DESCRIPTION", default)
    ids = [(kw, look.first(kw, default)) for kw in ("TABLEID", "MATRIX") if look.first(kw, default)]
    for kw in ("DESCRIPTION", "TITLE"):
        lead = re.match(r"\s*(\w+)\s+--\s", look.first(kw, default))
        if lead:
            ids.append((kw, lead.group(1)))
    return Cube(
        dims=dims,
        values=values,
        status=status,
        title=title,
        file_format="px",
        languages=languages,
        ids=ids,
        updated=_updated(entries, name),
    )


def _list(value: list[str] | str | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _dim(
    look: _Lookup,
    languages: list[str],
    per_lang: dict[str, list[str]],
    index: int,
    var: str,
    content_name: str,
    name: str,
) -> Dim:
    default = look.default
    values = _list(look.get("VALUES", default, var))
    if not values:
        raise TableFileError(
            f"{name}: the PX file has no VALUES for variable '{var}'; it is damaged"
        )
    codes = _list(look.get("CODES", default, var)) or values
    if len(codes) != len(values):
        raise TableFileError(
            f"{name}: variable '{var}' has {len(values)} VALUES but {len(codes)} CODES; the "
            "file is damaged — download it again"
        )
    names, texts = {default: var}, {default: values}
    for lang in languages:
        if lang == default or len(per_lang[lang]) <= index:
            continue
        own = per_lang[lang][index]
        own_values = _list(look.get("VALUES", lang, own))
        if len(own_values) == len(values):
            names[lang], texts[lang] = own, own_values
    code = look.first("VARIABLE-CODE", default, var) or look.first("VARIABLECODE", default, var)
    kind = look.first("VARIABLE-TYPE", default, var).casefold()
    return Dim(
        code=code or var,
        names=names,
        values=codes,
        texts=texts,
        time=look.get("TIMEVAL", default, var) is not None or kind == "time",
        content=(bool(content_name) and var == content_name) or kind == "content",
    )


def _cells(data: str) -> Iterator[tuple[str, bool]]:
    """DATA tokens: (text, was quoted)."""
    body = data.rstrip()
    if body.endswith(";"):
        body = body[:-1]
    for m in _CELL.finditer(body):
        if m.group(1) is not None:
            yield m.group(1), True
        else:
            yield m.group(2), False


def _cell(token: str, name: str, where: int) -> tuple[float, str]:
    token = token.strip()
    if token in MARKS:
        return np.nan, token
    if _NUMBER.fullmatch(token):
        return float(token), ""
    raise TableFileError(
        f"{name}: DATA cell {where + 1} is {token[:20]!r}, neither a number nor a status mark "
        f"({', '.join(MARKS)}); the file is damaged — download it again"
    )


def _dense_data(data: str, sizes: list[int], name: str) -> tuple[np.ndarray, np.ndarray]:
    cells = int(np.prod(sizes))
    tokens = [t for t, _ in _cells(data)]
    if len(tokens) != cells:
        raise TableFileError(
            f"{name}: DATA has {len(tokens)} cells but the variables describe {cells} "
            f"({' × '.join(map(str, sizes))}); the file is cut off or damaged — download it again"
        )
    values = np.empty(cells, dtype=float)
    status = np.full(cells, "", dtype=object)
    for i, token in enumerate(tokens):
        values[i], status[i] = _cell(token, name, i)
    return values, status


def _keyed_data(
    data: str, stub: list[Dim], sizes: list[int], keys: dict[str, str], name: str
) -> tuple[np.ndarray, np.ndarray]:
    """KEYS layout: rows not written hold only zeros (the specification leaves them out)."""
    missing = [d.name for d in stub if not keys[d.name]]
    if missing:
        raise TableFileError(
            f"{name}: KEYS is given for some STUB variables but not for {', '.join(missing)}; "
            "the file is damaged — download it again"
        )
    index = []
    for d in stub:
        var = d.name
        labels = d.values if keys[var] == "CODES" else next(iter(d.texts.values()))
        index.append({label: i for i, label in enumerate(labels)})
    width = int(np.prod(sizes[len(stub) :]))
    rows = int(np.prod(sizes[: len(stub)]))
    values = np.zeros((rows, width), dtype=float)
    status = np.full((rows, width), "", dtype=object)
    seen = np.zeros(rows, dtype=bool)
    strides = [int(np.prod(sizes[i + 1 : len(stub)])) for i in range(len(stub))]
    tokens = list(_cells(data))
    per_row = len(stub) + width
    if len(tokens) % per_row:
        raise TableFileError(
            f"{name}: the KEYS data do not divide into rows of {len(stub)} keys and {width} "
            "cells; the file is cut off or damaged — download it again"
        )
    for start in range(0, len(tokens), per_row):
        row = 0
        for j, ((key, quoted), lookup, stride) in enumerate(
            zip(tokens[start : start + len(stub)], index, strides, strict=True)
        ):
            if not quoted or key not in lookup:
                raise TableFileError(
                    f"{name}: KEYS row {start // per_row + 1} names {key!r}, which is not a "
                    f"{keys[stub[j].name]} value of "
                    f"{stub[j].label()}; the file is damaged — download it again"
                )
            row += lookup[key] * stride
        if seen[row]:
            raise TableFileError(f"{name}: KEYS row {start // per_row + 1} repeats an earlier row")
        seen[row] = True
        for k, (token, _) in enumerate(tokens[start + len(stub) : start + per_row]):
            values[row, k], status[row, k] = _cell(token, name, start + len(stub) + k)
    return values.ravel(), status.ravel()


def _updated(entries: Entries, name: str) -> dict[str, str]:
    """LAST-UPDATED per content value text ('' for the whole table), as UTC ISO times.

    StatFin writes local (Helsinki) time, ``YYYYMMDD HH:MM``."""
    out: dict[str, str] = {}
    for (keyword, _lang, spec), value in entries.items():
        if keyword != "LAST-UPDATED":
            continue
        raw = "".join(value) if isinstance(value, list) else value
        when = px_time(raw)
        if when is None:
            raise TableFileError(
                f"{name}: LAST-UPDATED {raw!r} is not a date 'YYYYMMDD HH:MM'; the file is damaged"
            )
        out.setdefault(spec[-1] if spec else "", when)
    return out


def px_time(raw: str) -> str | None:
    """``20241029 08:00`` (Helsinki time) → ``2024-10-29T06:00:00Z``; None if not a PX date."""
    m = re.fullmatch(r"\s*(\d{8})(?:\s+(\d{1,2}):(\d{2}))?\s*", raw)
    if not m:
        return None
    try:
        day = dt.datetime.strptime(m.group(1), "%Y%m%d")
    except ValueError:
        return None
    local = day.replace(hour=int(m.group(2) or 0), minute=int(m.group(3) or 0), tzinfo=HELSINKI)
    return local.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")

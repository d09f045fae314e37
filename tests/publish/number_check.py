"""Find every number an article states and look it up in the published datasets.

An article may state: counts of persons and years (``counts``, ``unit_shares``,
``segregation_indices``, ``segregation_change``), women's shares and balanced shares as
percentages with one decimal, index values and the parts of a change in IP
(``segregation_change``) with three decimals, the criteria's thresholds and versions
(``criteria_results``), the publication dates of the source tables (``sources``), and the two
tolerances and the first trend year, which are rules rather than data (``publish.text_rules``,
``TREND_SINCE``). Anything else is a number the data do not contain.

``source_mismatches`` checks attribution independently of the article code: every share, count
and index an article prints (in its text, its tables and its charts' data) is looked up in the
published rows, and the tables that hold it must include one the article lists; every table the
article lists must hold at least one number it printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from assets.contracts import SEGREGATION_CHANGE
from assets.criteria.catalogue import criterion_texts
from publish.articles import PublishedData
from publish.articles.data import TREND_SINCE
from publish.numbers import MONTHS_EN, fmt_date, fmt_decimal
from publish.text_rules import METHOD_CONSTANTS

NUMBER = {
    "fi": re.compile(r"\d{1,3}(?:\u00a0\d{3})+(?:,\d+)?|\d+(?:,\d+)?"),
    "sv": re.compile(r"\d{1,3}(?:\u00a0\d{3})+(?:,\d+)?|\d+(?:,\d+)?"),
    "en": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"),
}
PERCENT_AFTER = re.compile(r"^\u00a0?%")
CHANGE_VALUES = tuple(c for c in SEGREGATION_CHANGE.names if c.startswith("ip_"))
"""The numbers of ``segregation_change`` an article may print (three decimals, like indices)."""
CHANGE_COUNTS = tuple(c for c in SEGREGATION_CHANGE.names if c.startswith("n_units_"))


@dataclass(frozen=True)
class Allowed:
    integers: frozenset[str]
    percents: frozenset[str]
    decimals: frozenset[str]
    dates: dict[str, frozenset[str]]
    phrases: tuple[str, ...]


def _ints(*series: pd.Series) -> set[str]:
    out: set[str] = set()
    for s in series:
        out |= {str(int(v)) for v in s.dropna()}
    return out


def allowed_numbers(published: PublishedData) -> Allowed:
    shares, idx, crit = published.unit_shares, published.indices, published.criteria
    change = published.changes
    frames = [published.counts]
    if published.previous_counts is not None:
        frames.append(published.previous_counts)
    integers = _ints(
        *(f["count"] for f in frames),
        *(f["year"] for f in frames),
        shares["women"],
        shares["men"],
        shares["total"],
        shares["year"],
        idx["n_units"],
        idx["n_women"],
        idx["n_men"],
        idx["year"],
        change["year_start"],
        change["year_end"],
        *(change[c] for c in CHANGE_COUNTS),
    )
    published_dates = [str(p)[:10] for p in published.sources["published"].dropna()]
    integers |= {d[:4] for d in published_dates} | {str(TREND_SINCE)}
    thresholds = {
        float(x) * 100 for t in crit["threshold"].dropna() for x in re.findall(r"\d+\.\d+", t)
    }
    integers |= {str(round(t)) for t in thresholds if abs(t - round(t)) < 1e-9}
    percents = {
        fmt_decimal(v * 100, 1, "en").replace(",", "") for v in shares["women_share"].dropna()
    }
    # Men's share (100 % minus women's), for campaigns and criteria about the minority sex.
    percents |= {
        fmt_decimal((1 - v) * 100, 1, "en").replace(",", "") for v in shares["women_share"].dropna()
    }
    balanced = idx.loc[idx["index"].eq("balanced_share"), "value"].dropna()
    percents |= {fmt_decimal(v * 100, 1, "en").replace(",", "") for v in balanced}
    percents |= {str(round(t)) for t in thresholds}
    decimals = {fmt_decimal(v, 3, "en") for v in idx["value"].dropna()}
    # A change is printed by its size, the direction in words: the digits carry no sign.
    decimals |= {fmt_decimal(abs(v), 3, "en") for c in CHANGE_VALUES for v in change[c].dropna()}
    decimals |= {fmt_decimal(c, 3 if c < 0.1 else 1, "en") for c in METHOD_CONSTANTS}
    dates = {
        lang: frozenset(fmt_date(d, lang) for d in published_dates) for lang in ("fi", "sv", "en")
    }
    phrases = [str(v) for v in crit["criteria_version"].dropna().unique()]
    for lang in ("fi", "sv", "en"):
        texts = criterion_texts(lang)
        phrases += list(texts["title"]) + list(texts["set_title"])
    phrases += list(published.sources["title_fi"].dropna()) + list(
        published.sources["title_en"].dropna()
    )
    phrases.append("CC BY 4.0")
    return Allowed(
        frozenset(integers),
        frozenset(percents),
        frozenset(decimals),
        dates,
        tuple(sorted(set(phrases), key=len, reverse=True)),
    )


def _strip(text: str, lang: str, allowed: Allowed) -> tuple[str, list[str]]:
    """Remove what is not a stated number: front-matter dates and links, URLs, code, quoted
    catalogue titles; check and remove dates. Returns the text and any unknown dates."""
    text = re.sub(r"^(date|file|png|spec):.*$", "", text, flags=re.M)
    text = re.sub(r"^- \.\./.*$", "", text, flags=re.M)
    text = re.sub(r"^- [\w./-]+$", "", text, flags=re.M)  # front matter: source table ids
    text = re.sub(r"^maintainer_notes:\n(?:- .*\n)+", "", text, flags=re.M)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"<https?://[^>]+>", "", text)
    text = re.sub(r"`[^`]*`", "", text)
    for phrase in allowed.phrases:
        text = text.replace(phrase, " ")
    if lang == "en":
        date = re.compile(r"\b\d{1,2} (?:" + "|".join(MONTHS_EN) + r") \d{4}\b")
    else:
        date = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b")
    unknown = [d for d in date.findall(text) if d not in allowed.dates[lang]]
    return date.sub(" ", text), unknown


def unpublished_numbers(text: str, lang: str, allowed: Allowed) -> list[str]:
    """Every number in ``text`` that the published data do not contain (empty when all do)."""
    text, bad = _strip(text, lang, allowed)
    for m in NUMBER[lang].finditer(text):
        token = m.group(0)
        plain = token.replace("\u00a0", "")
        plain = plain.replace(",", ".") if lang != "en" else plain.replace(",", "")
        is_percent = bool(PERCENT_AFTER.match(text[m.end() :]))
        if is_percent:
            ok = plain in allowed.percents
        elif "." in plain:
            ok = plain in allowed.decimals or plain in allowed.percents
        else:
            ok = plain in allowed.integers
        if not ok:
            context = text[max(0, m.start() - 40) : m.end() + 20].replace("\n", " ")
            bad.append(f"{token!r} in …{context}…")
    return bad


SOURCES_HEADING = re.compile(r"^## (Lähteet|Källor|Sources)$", re.M)
YEARS = range(1990, 2040)


def _plain(token: str, lang: str) -> str:
    plain = token.replace("\u00a0", "")
    return plain.replace(",", ".") if lang != "en" else plain.replace(",", "")


def number_tables(published: PublishedData) -> dict[tuple[str, str], set[str]]:
    """(kind, printed value) → the source tables that hold it: ``pct`` for women's and men's
    shares and balanced shares (one decimal), ``idx`` for indices (three decimals), ``int`` for
    counts of persons."""
    out: dict[tuple[str, str], set[str]] = {}

    def add(kind: str, value: str, table: str) -> None:
        out.setdefault((kind, value), set()).add(table)

    shares, idx = published.unit_shares, published.indices
    for t, w, m, n, sh in zip(
        shares["source_table"],
        shares["women"],
        shares["men"],
        shares["total"],
        shares["women_share"],
        strict=True,
    ):
        for v in (w, m, n):
            if pd.notna(v):
                add("int", str(int(v)), t)
        if pd.notna(sh):
            add("pct", fmt_decimal(sh * 100, 1, "en").replace(",", ""), t)
            add("pct", fmt_decimal((1 - sh) * 100, 1, "en").replace(",", ""), t)
    for t, name, v in zip(idx["source_table"], idx["index"], idx["value"], strict=True):
        if pd.isna(v):
            continue
        add("idx", fmt_decimal(v, 3, "en"), t)
        if name == "balanced_share":
            add("pct", fmt_decimal(v * 100, 1, "en").replace(",", ""), t)
    # A change between two years rests on the tables of both.
    change = published.changes
    for col in CHANGE_VALUES:
        for start, end, v in zip(
            change["source_table_start"], change["source_table_end"], change[col], strict=True
        ):
            if pd.notna(v):
                add("idx", fmt_decimal(abs(v), 3, "en"), start)
                add("idx", fmt_decimal(abs(v), 3, "en"), end)
    return out


def printed_numbers(article, lang: str) -> list[tuple[str, str, str]]:
    """(kind, value, context) of every share, index and count of persons the article prints:
    its Markdown body before the source list, and every number its charts draw."""
    body = SOURCES_HEADING.split(article.body)[0]
    body = re.sub(r"\]\([^)]*\)", "]", body)
    body = re.sub(r"<https?://[^>]+>", "", body)
    out = []
    for m in NUMBER[lang].finditer(body):
        token = m.group(0)
        plain = _plain(token, lang)
        context = body[max(0, m.start() - 50) : m.end() + 10].replace("\n", " ")
        if PERCENT_AFTER.match(body[m.end() :]):
            out.append(("pct", plain, context))
        elif "." in plain and len(plain.split(".")[1]) == 3:
            out.append(("idx", plain, context))
        elif "." not in plain and int(plain) >= 100 and int(plain) not in YEARS:
            out.append(("int", plain, context))
    for name, chart in article.charts.items():
        for layer in chart.spec.get("layer", []):
            for row in layer.get("data", {}).get("values", []):
                for key in ("text", "label"):
                    words = row.get(key)
                    if isinstance(words, str):
                        for m in NUMBER[lang].finditer(words):
                            if PERCENT_AFTER.match(words[m.end() :]):
                                out.append(("pct", _plain(m.group(0), lang), f"chart {name}"))
                for key in ("women_share", "share"):
                    if isinstance(row.get(key), float):
                        value = fmt_decimal(row[key] * 100, 1, "en").replace(",", "")
                        out.append(("pct", value, f"chart {name}"))
                if isinstance(row.get("value"), float):
                    out.append(("idx", fmt_decimal(row["value"], 3, "en"), f"chart {name}"))
    return out


def source_mismatches(article, published: PublishedData, tables=None) -> list[str]:
    """What breaks attribution in one article: a printed number none of whose tables is listed,
    and a listed table that holds none of the printed numbers. The rule constants (40–60 %,
    the tolerances) hold no table and are skipped."""
    tables = tables if tables is not None else number_tables(published)
    listed = set(article.sources)
    evidence: dict[str, set[tuple[str, str]]] = {}
    shared: dict[str, int] = {}
    bad = []
    for kind, value, context in printed_numbers(article, article.lang):
        holders = tables.get((kind, value), set())
        if not holders:
            continue
        if not holders & listed:
            bad.append(f"{value} ({kind}) from {sorted(holders)} not listed: …{context}…")
        # A one-decimal percentage is often held by an unrelated table by chance: alone it shows
        # a table is used only when no other listed table holds it. Counts and indices always do.
        # Two printed shares held by the same table are evidence too.
        if kind != "pct" or len(holders & listed) == 1:
            for table in holders & listed:
                evidence.setdefault(table, set()).add((kind, value))
        else:
            for table in holders & listed:
                shared[table] = shared.get(table, 0) + 1
    for table in sorted(listed - set(evidence) - {t for t, n in shared.items() if n >= 2}):
        bad.append(f"listed table {table} holds no printed number")
    return bad

"""Find every number an article states and look it up in the published datasets.

An article may state: counts of persons and years (``counts``, ``unit_shares``,
``segregation_indices``), women's shares and balanced shares as percentages with one decimal,
index values with three decimals, the criteria's thresholds and versions (``criteria_results``),
the publication dates of the source tables (``sources``), and the two tolerances and the first
trend year, which are rules rather than data (``publish.text_rules``, ``TREND_SINCE``). Anything
else is a number the data do not contain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

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
    balanced = idx.loc[idx["index"].eq("balanced_share"), "value"].dropna()
    percents |= {fmt_decimal(v * 100, 1, "en").replace(",", "") for v in balanced}
    percents |= {str(round(t)) for t in thresholds}
    decimals = {fmt_decimal(v, 3, "en") for v in idx["value"].dropna()}
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

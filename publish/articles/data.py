"""Select, from the published datasets, the tables and figures an article talks about.

Articles read only published datasets (``unit_shares``, ``segregation_indices``,
``criteria_results``, ``segregation_change`` and the source catalogue), so every number they state
can be found again in the release. The helpers here pick *which* published rows to use — the
first measure in a stated order of preference that the region has, the newest year, the same
classification for a trend — and hand them on unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from publish.articles.framing import is_residual, rankable, residual_keys
from publish.articles.ledger import Row

COUNTRY = "SSS"
TREND_SINCE = 2010

OCCUPATION_MEASURES = (
    "employed",
    "wage_earners_in_families",
    "wage_earners_not_in_families",
    "private_sector_monthly_paid",
)
"""Occupation tables in order of preference: all employed (live StatFin) first."""

FIELD_MEASURES = {
    "degrees": ("degrees", "university_degrees"),
    "new_students": ("new_students", "university_new_students"),
    "qualified": ("population_with_qualification",),
}
"""Field-of-education tables by kind, each in order of preference (regional live tables first)."""


@dataclass(frozen=True)
class PublishedData:
    """The published datasets an article may quote, and the previous release's counts.

    ``changes`` is ``segregation_change`` (how IP changed between a table's consecutive years, and
    why). ``previous_counts`` is ``counts`` of the newest earlier release (None for a first
    release); it tells which published figures a new release revised.
    """

    unit_shares: pd.DataFrame
    indices: pd.DataFrame
    criteria: pd.DataFrame
    sources: pd.DataFrame
    counts: pd.DataFrame
    changes: pd.DataFrame
    previous_counts: pd.DataFrame | None = None


@dataclass(frozen=True)
class TableKey:
    """One published table of units: a measure in one classification at one level."""

    measure: str
    classification: str
    level: int

    def rows(self, shares: pd.DataFrame) -> pd.Series:
        return (
            shares["measure"].eq(self.measure)
            & shares["classification"].eq(self.classification)
            & shares["level"].eq(self.level)
        )


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")``, built a column at a time.

    The same Python values (each column's ``tolist``), without pandas boxing every cell on its
    own: articles turn a few hundred small frames into rows, and that boxing was a third of the
    time spent writing their texts.
    """
    columns = list(frame.columns)
    if not columns:
        return [{} for _ in range(len(frame))]
    values = [frame.iloc[:, i].tolist() for i in range(len(columns))]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


_USABLE: dict[tuple[int, str], tuple[pd.DataFrame, pd.DataFrame]] = {}


def _usable(shares: pd.DataFrame, region: str) -> pd.DataFrame:
    """The region's rows that an article can quote: counted in indices, with a share.

    Every article asks for the same few regions many times; the filtered frame is kept per
    (frame, region), the frame itself held so that a reused ``id`` can never match.
    """
    key = (id(shares), region)
    hit = _USABLE.get(key)
    if hit is not None and hit[0] is shares:
        return hit[1]
    rows = shares[
        shares["region_code"].eq(region)
        & shares["in_indices"].fillna(False).astype(bool)
        & shares["women_share"].notna()
    ]
    if len(_USABLE) > 64:
        _USABLE.clear()
    _USABLE[key] = (shares, rows)
    return rows


_MULTI: dict[tuple[int, tuple[str, ...], str], tuple[pd.DataFrame, TableKey | None]] = {}


def multi_unit_table(
    shares: pd.DataFrame, measures: tuple[str, ...], region: str
) -> TableKey | None:
    """The first measure the region has with two or more units in a year.

    Within the measure, the classification with the newest year wins and then the finest level,
    because a trend must never mix two classifications or levels. Every article and language
    asks the same questions: the answer is kept per (frame, measures, region).
    """
    key = (id(shares), measures, region)
    hit = _MULTI.get(key)
    if hit is not None and hit[0] is shares:
        return hit[1]
    found = _multi_unit_table(shares, measures, region)
    if len(_MULTI) > 256:
        _MULTI.clear()
    _MULTI[key] = (shares, found)
    return found


def _multi_unit_table(
    shares: pd.DataFrame, measures: tuple[str, ...], region: str
) -> TableKey | None:
    usable = _usable(shares, region)
    for measure in measures:
        rows = usable[usable["measure"].eq(measure)]
        if rows.empty:
            continue
        sizes = rows.groupby(["classification", "level", "year"]).size()
        sizes = sizes[sizes >= 2]
        if sizes.empty:
            continue
        frame = sizes.reset_index()
        newest = frame["year"].max()
        best = frame[frame["year"].eq(newest)].sort_values(["level", "classification"]).iloc[-1]
        return TableKey(measure, str(best["classification"]), int(best["level"]))
    return None


_UNIT_TABLES: dict[tuple[int, str], tuple[pd.DataFrame, dict[tuple[Any, ...], pd.DataFrame]]] = {}


def _unit_tables(shares: pd.DataFrame, region: str) -> dict[tuple[Any, ...], pd.DataFrame]:
    """The region's usable rows by (measure, classification, level, year), each by unit code:
    one grouping pass instead of a filter per question, kept per (frame, region)."""
    key = (id(shares), region)
    hit = _UNIT_TABLES.get(key)
    if hit is not None and hit[0] is shares:
        return hit[1]
    rows = _usable(shares, region)
    tables = {
        (str(k[0]), str(k[1]), int(k[2]), int(k[3])): part.sort_values("unit_code").reset_index(
            drop=True
        )
        for k, part in rows.groupby(
            ["measure", "classification", "level", "year"], sort=False, observed=True
        )
    }
    if len(_UNIT_TABLES) > 64:
        _UNIT_TABLES.clear()
    _UNIT_TABLES[key] = (shares, tables)
    return tables


def table_years(shares: pd.DataFrame, key: TableKey, region: str) -> list[int]:
    prefix = (key.measure, key.classification, int(key.level))
    return sorted(k[3] for k in _unit_tables(shares, region) if k[:3] == prefix)


def units(shares: pd.DataFrame, key: TableKey, region: str, year: int) -> pd.DataFrame:
    """The units of one table, region and year, with names, counts and shares, by code."""
    found = _unit_tables(shares, region).get(
        (key.measure, key.classification, int(key.level), int(year))
    )
    if found is None:
        return _usable(shares, region).iloc[0:0].reset_index(drop=True)
    return found.copy()


UNIT_COLUMNS = (
    "unit_code",
    "unit_name_fi",
    "women",
    "men",
    "total",
    "women_share",
    "segregation_class",
    "year",
    "measure",
    "source_table",
)
"""The columns of ``unit_shares`` that ``unit_records`` reads."""


def unit_records(
    frame: pd.DataFrame, lang: str, residual: frozenset[tuple[str, str]] = frozenset()
) -> list[Row]:
    """Rows for a template, the unit named in the article's language, each number citable.

    Finer classification levels may have only a Finnish name (live tables label them in Finnish);
    the Finnish name then stands, rather than an empty one. ``residual`` holds the
    (source_table, unit_code) of remainder units (``framing.residual_keys``).
    """
    return [
        Row(
            {
                "code": r["unit_code"],
                "name": r[f"unit_name_{lang}"] or r["unit_name_fi"],
                "name_fi": r["unit_name_fi"],
                "women": int(r["women"]),
                "men": int(r["men"]),
                "total": int(r["total"]),
                "share": float(r["women_share"]),
                "men_share": 1.0 - float(r["women_share"]),
                "klass": r["segregation_class"],
                "year": int(r["year"]),
                "measure": r["measure"],
                "source_table": r["source_table"],
                "residual": is_residual(
                    r["unit_code"],
                    r["unit_name_fi"],
                    (r["source_table"], str(r["unit_code"])) in residual,
                ),
            },
            source=(r["source_table"], r["measure"], int(r["year"])),
        )
        for r in records(frame[[*dict.fromkeys([*UNIT_COLUMNS, f"unit_name_{lang}"])]])
    ]


_RESIDUALS: dict[int, tuple[pd.DataFrame, frozenset[tuple[str, str]]]] = {}


def residuals(published: PublishedData) -> frozenset[tuple[str, str]]:
    """``framing.residual_keys`` of the published counts, kept per counts frame."""
    hit = _RESIDUALS.get(id(published.counts))
    if hit is not None and hit[0] is published.counts:
        return hit[1]
    keys = residual_keys(published.counts)
    _RESIDUALS.clear()
    _RESIDUALS[id(published.counts)] = (published.counts, keys)
    return keys


_TABLES: dict[
    int, tuple[pd.DataFrame, dict[tuple[Any, ...], pd.DataFrame], dict[tuple[Any, ...], float]]
] = {}
_TABLE_KEY = ["measure", "classification", "level", "region_code"]


def _indexed(
    indices: pd.DataFrame,
) -> tuple[dict[tuple[Any, ...], pd.DataFrame], dict[tuple[Any, ...], float]]:
    """The index rows grouped by table and region, and each defined value by its full key.

    Articles ask for hundreds of single values of the same frame; one grouping pass replaces a
    boolean filter over every index row per question. Kept per frame like ``_usable``.
    """
    hit = _TABLES.get(id(indices))
    if hit is not None and hit[0] is indices:
        return hit[1], hit[2]
    tables = {
        (str(k[0]), str(k[1]), int(k[2]), str(k[3])): part
        for k, part in indices.groupby(_TABLE_KEY, sort=False, observed=True, dropna=True)
    }
    defined = indices[indices["value"].notna()]
    values: dict[tuple[Any, ...], float] = {}
    for m, c, lv, r, y, i, v in zip(
        *(defined[col].tolist() for col in [*_TABLE_KEY, "year", "index", "value"]), strict=True
    ):
        values.setdefault((str(m), str(c), int(lv), str(r), int(y), str(i)), float(v))
    if len(_TABLES) > 8:
        _TABLES.clear()
    _TABLES[id(indices)] = (indices, tables, values)
    return tables, values


def _table_rows(indices: pd.DataFrame, key: TableKey, region: str) -> pd.DataFrame:
    """The index rows of one table of units in one region, every year and index."""
    tables, _ = _indexed(indices)
    found = tables.get((key.measure, key.classification, int(key.level), region))
    return found if found is not None else indices.iloc[0:0]


def index_value(
    indices: pd.DataFrame, key: TableKey, region: str, year: int, name: str
) -> float | None:
    _, values = _indexed(indices)
    return values.get((key.measure, key.classification, int(key.level), region, int(year), name))


def index_series(
    indices: pd.DataFrame, key: TableKey, region: str, name: str, since: int = TREND_SINCE
) -> list[Row]:
    """``year`` and ``value`` of one index for one table and region, oldest first."""
    rows = _table_rows(indices, key, region)
    rows = rows[rows["index"].eq(name) & rows["value"].notna() & rows["year"].ge(since)]
    rows = rows.sort_values("year")
    return [
        Row(
            {"year": int(r["year"]), "value": float(r["value"])},
            source=(r["source_table"], r["measure"], int(r["year"])),
        )
        for _, r in rows.iterrows()
    ]


def index_block(indices: pd.DataFrame, key: TableKey, region: str, year: int) -> Row:
    """D, IP and the balanced share of one table, with the units and persons they rest on."""
    rows = _table_rows(indices, key, region)
    rows = rows[rows["year"].eq(year)]
    if rows.empty:
        return Row({"d": None, "ip": None, "balanced": None, "n_units": 0})
    first = rows.iloc[0]
    out: dict[str, Any] = {
        "year": year,
        "n_units": int(first["n_units"]),
        "source_table": first["source_table"],
    }
    for name, short in (
        ("dissimilarity", "d"),
        ("karmel_maclachlan", "ip"),
        ("balanced_share", "balanced"),
    ):
        out[short] = index_value(indices, key, region, year, name)
    return Row(out, source=(first["source_table"], key.measure, year))


def ip_change(
    changes: pd.DataFrame, key: TableKey, region: str, year_start: int, year_end: int
) -> Row | None:
    """The published split of the change in IP of one table and region between two years
    (``segregation_change``), or None when the dataset has no such pair."""
    rows = changes[
        changes["measure"].eq(key.measure)
        & changes["classification"].eq(key.classification)
        & changes["level"].eq(key.level)
        & changes["region_code"].eq(region)
        & changes["year_start"].eq(year_start)
        & changes["year_end"].eq(year_end)
    ]
    if rows.empty:
        return None
    r = rows.iloc[0]
    values = {
        name: None if pd.isna(r[name]) else float(r[name])
        for name in ("ip_change", "ip_mix_effect", "ip_composition_effect", "ip_units_changed")
    }
    return Row(values, source=(r["source_table_end"], key.measure, year_end))


_SINGLE: dict[tuple[int, str], tuple[pd.DataFrame, list[dict[str, Any]]]] = {}


def single_unit_series(shares: pd.DataFrame, region: str) -> list[dict[str, Any]]:
    """Measures where the region has one unit a year (e.g. general upper secondary students).

    Such tables show women's share in the region, not segregation between fields; each comes with
    the whole country's share for the same measure and year where it is published. Every article
    asks for its region's series; they are made once per (frame, region) and each caller gets
    rows of its own, since a template's context may be changed.
    """
    key = (id(shares), region)
    hit = _SINGLE.get(key)
    if hit is None or hit[0] is not shares:
        if len(_SINGLE) > 64:
            _SINGLE.clear()
        hit = _SINGLE[key] = (shares, _single_unit_series(shares, region))
    return [
        {**series, "points": [p.with_values(dict(p)) for p in series["points"]]}
        for series in hit[1]
    ]


def _single_unit_series(shares: pd.DataFrame, region: str) -> list[dict[str, Any]]:
    rows = _usable(shares, region)
    # The country's first row per (measure, year): its share and the table it comes from.
    country: dict[tuple[str, int], tuple[float, str]] = {}
    national = _usable(shares, COUNTRY)
    for measure, year, share, table in zip(
        *(national[c].tolist() for c in ("measure", "year", "women_share", "source_table")),
        strict=True,
    ):
        country.setdefault((str(measure), int(year)), (float(share), table))
    out = []
    for measure, part in rows.groupby("measure", sort=True, observed=True):
        per_year = part.groupby("year").size()
        if (per_year != 1).any():
            continue
        points = []
        for r in records(part.sort_values("year")):
            year = int(r["year"])
            c = country.get((str(measure), year))
            source = (r["source_table"], measure, year)
            fields = {}
            if c is not None:
                fields["country_share"] = (c[1], measure, year)
            points.append(
                Row(
                    {
                        "year": year,
                        "women": int(r["women"]),
                        "men": int(r["men"]),
                        "total": int(r["total"]),
                        "share": float(r["women_share"]),
                        "men_share": 1.0 - float(r["women_share"]),
                        "country_share": c[0] if c is not None else None,
                        "source_table": r["source_table"],
                    },
                    source=source,
                    fields=fields,
                )
            )
        out.append({"measure": measure, "points": points, "newest": points[-1]["year"]})
    return out


def balanced(records: list[Row], n: int = 3) -> list[Row]:
    """The ``n`` largest classifiable units in the balanced class (40–60 % women)."""
    units = [r for r in rankable(records) if r["klass"] == "balanced_40_60"]
    return sorted(units, key=lambda r: (-r["total"], r["name"]))[:n]


def source_rows(sources: pd.DataFrame, tables: set[str]) -> list[dict[str, Any]]:
    rows = sources[sources["source_table"].isin(tables)].drop_duplicates("source_table")
    return records(rows.sort_values("source_table"))

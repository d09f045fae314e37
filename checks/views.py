"""Tables the suites validate, derived from a dataset with plain pandas (no GX, no Dagster).

Great Expectations validates one table at a time with column-wise expectations. Rules that span
rows — both sexes in every cell, the share of suppressed cells, every expected year present,
women + men = total, change since the previous release — become columns of small derived tables
("views") here, so a standard expectation can judge them and report the failing rows. Every view
row carries ``row`` (the data row of the input, 1 = first data row) or the key of the cell it
speaks about, which is how a failure says *where*.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from assets.reference.classifications import CLASSIFICATIONS, load_classification
from checks.config import QualityConfig, expand_regions

SEXES = ("women", "men")
TABLE_KEY = ["source_table", "measure", "classification", "level"]
CELL_KEY = [*TABLE_KEY, "region_code", "year", "unit_code"]
# Matching a previous release: the same population, region, year, unit and sex. No source_table:
# a transcribed table's page id changes from year to year while the population stays the same.
TREND_KEY = ["measure", "classification", "level", "region_code", "unit_code", "sex"]


def distinct_map(
    series: pd.Series, fn: Callable[[pd.Series], pd.Series], *, categorical: bool = False
) -> pd.Series:
    """``fn`` applied to the distinct values of ``series`` only, spread back to every row.

    A national counts table repeats few values over millions of rows (a region code, a year,
    the text of a count): the work then grows with the distinct values, not with the rows.
    ``fn`` gets the distinct values (object dtype, never missing) and returns one value each;
    missing rows give None. With ``categorical`` the result stays codes plus its distinct
    values (categories in sorted order, missing as NaN): at 6.5 million rows an object column
    is 52 MB of pointers, the codes 1–4 bytes a row.
    """
    codes, uniques = _codes_and_uniques(series)
    mapped = np.asarray(fn(uniques), dtype=object) if len(uniques) else np.empty(0, dtype=object)
    if categorical:
        value_codes, categories = pd.factorize(
            pd.Series(mapped, dtype=object), sort=True, use_na_sentinel=True
        )
        table = np.append(value_codes, -1)  # code -1 (missing) stays missing
        return pd.Series(pd.Categorical.from_codes(table[codes], categories=categories))
    out = np.empty(len(uniques) + 1, dtype=object)
    out[:-1] = mapped
    out[-1] = None  # code -1: missing
    return pd.Series(out[codes], dtype=object)


def _codes_and_uniques(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each row's code (-1 where missing) and the distinct non-missing values (object dtype)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        uniques = pd.Series(np.asarray(series.cat.categories, dtype=object), dtype=object)
    else:
        codes, found = pd.factorize(series, use_na_sentinel=True)
        uniques = pd.Series(np.asarray(found, dtype=object), dtype=object)
    return codes, uniques


def text(series: pd.Series | None, n: int, *, categorical: bool = False) -> pd.Series:
    """Values as stripped strings, None where missing or empty (GX skips None in map rules)."""
    if series is None:
        if categorical:
            return pd.Series(pd.Categorical.from_codes(np.full(n, -1), categories=[]))
        return pd.Series([None] * n, dtype=object)

    def strip(values: pd.Series) -> pd.Series:
        out = values.map(lambda v: None if v is pd.NA or v is None else str(v).strip())
        return out.where(out != "", None)

    return distinct_map(series.reset_index(drop=True), strip, categorical=categorical)


def _whole(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))
    return str(v)


def whole_number_text(series: pd.Series) -> pd.Series:
    """``12`` for 12 and 12.0, the value as written otherwise (so 12.5 and 'abc' fail a regex)."""
    categorical = isinstance(series.dtype, pd.CategoricalDtype)
    return distinct_map(series, lambda values: values.map(_whole), categorical=categorical)


def numbers(series: pd.Series) -> pd.Series:
    """``pd.to_numeric(…, errors="coerce")`` of texts, parsed once per distinct text."""
    codes, uniques = _codes_and_uniques(series)
    parsed = pd.to_numeric(uniques, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return pd.Series(np.append(parsed, np.nan)[codes], dtype="float64")


def row_numbers(df: pd.DataFrame) -> pd.Series:
    if "row" in df.columns:
        return df["row"].reset_index(drop=True).astype("int64")
    return pd.Series(np.arange(1, len(df) + 1), dtype="int64")


def counts_views(
    df: pd.DataFrame, config: QualityConfig, previous: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Views of a ``counts`` table: input, rows, cells, tables, coverage, changes."""
    rows = counts_rows(df)
    return {
        "input": df.drop(columns=["row"], errors="ignore").head(0),
        "rows": rows,
        "cells": _cells(rows),
        "tables": _tables(rows),
        "coverage": _coverage(rows, config),
        "changes": _changes(rows, previous, config),
    }


def counts_rows(df: pd.DataFrame) -> pd.DataFrame:
    """One row per input row, every value as text plus parsed numbers and code-list lookups."""
    n = len(df)
    rows = pd.DataFrame({"row": row_numbers(df)})
    # Text columns stay categorical (codes + distinct values): the rows view of a national
    # table would otherwise hold ~17 object columns of millions of rows.
    for col in (*CELL_KEY, "sex"):
        rows[col] = text(df.get(col), n, categorical=True)
    for col in ("level", "year", "count"):
        rows[f"{col}_text"] = whole_number_text(text(df.get(col), n, categorical=True))
        rows[f"{col}_value"] = numbers(rows[f"{col}_text"])
    rows["status"] = text(df.get("status"), n, categorical=True)
    rows["derivation"] = text(df.get("derivation"), n, categorical=True)
    known, listed = _unit_lookup(rows)
    rows["unit_in_code_list"] = known
    rows["code_list"] = listed
    return rows


def _unit_lookup(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Is each unit code in its classification at the declared level?

    ``unit_in_code_list`` is None (not judged) where no code list of that classification and
    level ships; ``code_list`` says which list was used or that none exists.
    """
    n = len(rows)
    known = np.full(n, None, dtype=object)
    listed = np.full(n, None, dtype=object)
    cls_codes, cls_values = pd.factorize(rows["classification"], use_na_sentinel=True)
    lvl_codes, lvl_values = pd.factorize(rows["level_value"], use_na_sentinel=True)
    pair = (cls_codes.astype(np.int64) + 1) * (len(lvl_values) + 1) + lvl_codes + 1
    unit_codes, unit_values = _codes_and_uniques(rows["unit_code"])
    # A few (classification, level) pairs over millions of rows: one pass per pair.
    for key in np.unique(pair):
        idx = np.flatnonzero(pair == key)
        c, lv = cls_codes[idx[0]], lvl_codes[idx[0]]
        classification = cls_values[c] if c >= 0 else np.nan
        level = lvl_values[lv] if lv >= 0 else np.nan
        codes = _codes(classification, level)
        if codes is None:
            listed[idx] = f"none shipped for {classification} level {level}"
            continue
        listed[idx] = "ok"
        # Judged per distinct unit code; a missing code (-1) is not in any list.
        in_list = np.append(unit_values.isin(codes).to_numpy(dtype=bool), False)
        known[idx] = in_list[unit_codes[idx]]
    # Categorical like the other columns of the rows view: a few distinct values over all rows.
    return pd.Series(pd.Categorical(known)), pd.Series(pd.Categorical(listed))


def _codes(classification: object, level: object) -> set[str] | None:
    if classification not in CLASSIFICATIONS or pd.isna(level):
        return None
    table = load_classification(str(classification))
    codes = set(table.loc[table["level"] == int(level), "code"])
    return codes or None


def group_ids(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(group of each row, first row of each group), groups numbered in the order of
    ``groupby(columns, sort=True, dropna=False)``: by the sorted key, missing values last.

    Each column is factorised once (sorted codes) and the codes combined into one integer key,
    which numpy groups far faster than pandas groups several object columns.
    """
    key = np.zeros(len(frame), dtype=np.int64)
    for col in columns:
        codes, uniques = pd.factorize(frame[col], sort=True, use_na_sentinel=True)
        size = len(uniques) + 1
        codes = np.where(codes < 0, len(uniques), codes).astype(np.int64)
        key = key * size + codes
    _, first, group = np.unique(key, return_index=True, return_inverse=True)
    return group.reshape(-1), first


def _cells(rows: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame(columns=[*CELL_KEY, "first_row", "sexes_present"])
    group, first = group_ids(rows, CELL_KEY)
    n = len(first)
    out = rows[CELL_KEY].iloc[first].reset_index(drop=True)
    first_row = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_row, group, rows["row"].to_numpy(dtype=np.int64))
    sex = rows["sex"]
    women = np.bincount(group, weights=sex.eq("women").to_numpy(dtype=float), minlength=n) > 0
    men = np.bincount(group, weights=sex.eq("men").to_numpy(dtype=float), minlength=n) > 0
    out["first_row"] = first_row
    out["sexes_present"] = np.select(
        [women & men, women, men], [",".join(SEXES), SEXES[0], SEXES[1]], ""
    ).astype(object)
    return out


def _tables(rows: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame(columns=[*TABLE_KEY, "cells", "suppressed", "suppressed_share"])
    group, first = group_ids(rows, TABLE_KEY)
    n = len(first)
    out = rows[TABLE_KEY].iloc[first].reset_index(drop=True)
    out["cells"] = np.bincount(group, minlength=n).astype(np.int64)
    out["suppressed"] = np.bincount(
        group, weights=rows["count_text"].isna().to_numpy(dtype=float), minlength=n
    ).astype(np.int64)
    out["suppressed_share"] = out["suppressed"] / out["cells"]
    return out


def _coverage(rows: pd.DataFrame, config: QualityConfig) -> pd.DataFrame:
    """One row per expected (measure, year, region) with whether rows for it exist."""
    columns = ["expected", "measure", "year", "region_code", "present"]
    records = []
    for exp in config.coverage:
        mask = pd.Series(True, index=rows.index)
        for col, values in exp.where.items():
            mask &= rows[col].isin(values) if col in rows else False
        if not mask.any():
            continue
        selected = rows[mask]
        for measure, part in selected.groupby("measure", dropna=False, sort=True, observed=True):
            have = set(zip(part["year_value"], part["region_code"], strict=True))
            for year in exp.years:
                for region in expand_regions(exp.regions, year):
                    records.append(
                        {
                            "expected": exp.label(),
                            "measure": measure,
                            "year": year,
                            "region_code": region,
                            "present": (year, region) in have,
                        }
                    )
    return pd.DataFrame(records, columns=columns)


def _changes(
    rows: pd.DataFrame, previous: pd.DataFrame | None, config: QualityConfig
) -> pd.DataFrame:
    columns = [*TREND_KEY, "year", "first_row", "count", "previous_year", "previous_count"]
    if previous is None or previous.empty or rows.empty:
        return pd.DataFrame(columns=[*columns, "relative_change"])
    prev = counts_rows(previous)
    prev = prev[prev["count_value"].notna()]
    cur = rows[rows["count_value"].notna()]
    merged = cur.merge(
        prev[[*TREND_KEY, "year_value", "count_value"]],
        on=TREND_KEY,
        suffixes=("", "_previous"),
    )
    # Compare with the same year where the previous release had it (a revision), otherwise
    # with the latest earlier year it had (year-over-year change of a new year).
    merged = merged[merged["year_value_previous"] <= merged["year_value"]]
    merged = merged.sort_values("year_value_previous").drop_duplicates(
        [*TREND_KEY, "year_value"], keep="last"
    )
    big = np.maximum(merged["count_value"], merged["count_value_previous"])
    merged = merged[big >= config.plausibility_min_count]
    base = merged["count_value_previous"].replace(0, np.nan)
    change = (merged["count_value"] / base - 1).fillna(1e9)
    out = pd.DataFrame(
        {
            **{k: merged[k] for k in TREND_KEY},
            "year": merged["year_value"].astype("int64"),
            "first_row": merged["row"],
            "count": merged["count_value"].astype("int64"),
            "previous_year": merged["year_value_previous"].astype("int64"),
            "previous_count": merged["count_value_previous"].astype("int64"),
            "relative_change": change.round(6),
        }
    )
    return out.sort_values([*TREND_KEY, "year"]).reset_index(drop=True)


def unit_shares_views(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    rows = df.reset_index(drop=True).copy()
    rows.insert(0, "row", np.arange(1, len(rows) + 1))
    women = pd.to_numeric(rows["women"], errors="coerce")
    men = pd.to_numeric(rows["men"], errors="coerce")
    rows["women_plus_men"] = (women + men).astype("Float64")
    rows["total"] = pd.to_numeric(rows["total"], errors="coerce").astype("Float64")
    rows["women_share"] = pd.to_numeric(rows["women_share"], errors="coerce").astype("float64")
    return {"input": df.head(0), "rows": rows}


def segregation_indices_views(df: pd.DataFrame, config: QualityConfig) -> dict[str, pd.DataFrame]:
    rows = df.reset_index(drop=True).copy()
    rows.insert(0, "row", np.arange(1, len(rows) + 1))
    rows["value"] = pd.to_numeric(rows["value"], errors="coerce").astype("float64")
    ranges = config.index_ranges
    rows["range_configured"] = rows["index"].map(lambda i: i in ranges)
    rows["lower"] = rows["index"].map(lambda i: ranges[i][0] if i in ranges else np.nan)
    upper = rows["index"].map(lambda i: ranges[i][1] if i in ranges else np.nan)
    rows["upper"] = upper.astype("float64").fillna(np.inf).where(rows["range_configured"])
    note = text(rows["method_note"], len(rows))
    rows["undefined_without_reason"] = rows["value"].isna() & note.isna()
    return {"input": df.head(0), "rows": rows}


def numbered_rows_views(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The views of a dataset without views of its own: its header (``input``) and its rows
    numbered from 1 (``rows``), which the rules its metadata file implies are judged on."""
    rows = df.reset_index(drop=True).copy()
    rows.insert(0, "row", np.arange(1, len(rows) + 1))
    return {"input": df.head(0), "rows": rows}


def segregation_change_views(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Rows with how far the parts miss the change (empty when not split) and whether an
    unsplit change says why."""
    rows = df.reset_index(drop=True).copy()
    rows.insert(0, "row", np.arange(1, len(rows) + 1))
    parts = ["ip_mix_effect", "ip_composition_effect", "ip_units_changed"]
    # A missing column is the schema rule's finding; here it only reads as empty.
    for col in ["ip_start", "ip_end", "ip_change", "year_start", "year_end", *parts]:
        values = rows[col] if col in rows else pd.Series(np.nan, index=rows.index)
        rows[col] = pd.to_numeric(values, errors="coerce").astype("float64")
    values = rows[parts]
    split = values.notna().all(axis=1)
    off = (values.sum(axis=1) - rows["ip_change"]).abs()
    rows["parts_off_by"] = off.where(split)
    rows["partly_split"] = values.notna().any(axis=1) & ~split
    note = text(rows.get("method_note"), len(rows))
    rows["unsplit_without_reason"] = ~split & note.isna().to_numpy()
    rows["end_after_start"] = rows["year_end"] > rows["year_start"]
    return {"input": df.head(0), "rows": rows}


def criteria_results_views(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    rows = df.reset_index(drop=True).copy()
    rows.insert(0, "row", np.arange(1, len(rows) + 1))
    rows["evidence_text"] = text(rows["evidence"], len(rows)).fillna("")
    return {"input": df.head(0), "rows": rows}


# --- raw json-stat2 responses -----------------------------------------------------------------

# StatFin names variables by code with a version suffix (alue_28_20250101); find them by prefix.
DIMENSION_ROLES = {
    "region": ("alue",),
    "sex": ("sukupuoli",),
    "year": ("timeperiod", "vuosi"),
}
RAW_SEXES = ("1", "2", "SSS")


def dimension_roles(columns: Iterable[str]) -> dict[str, str | None]:
    """Map region, sex, year and unit to the response's dimension ids (None when absent)."""
    dims = [c for c in columns if not c.endswith("_label") and c not in ("value", "status")]
    roles: dict[str, str | None] = {}
    for role, prefixes in DIMENSION_ROLES.items():
        roles[role] = next((d for d in dims if d.lower().startswith(prefixes)), None)
    others = [d for d in dims if d not in roles.values() and not d.lower().startswith("content")]
    roles["unit"] = others[0] if others else None
    return roles


def raw_views(
    parsed: pd.DataFrame, texts: dict[int, str], config: QualityConfig
) -> dict[str, pd.DataFrame]:
    """Views of a parsed json-stat2 response; ``texts`` holds non-numbers found in ``value``
    (flat position → text as sent), which the parser cannot turn into numbers."""
    roles = dimension_roles(parsed.columns)
    n = len(parsed)
    rows = pd.DataFrame({"cell": np.arange(1, n + 1)})
    for role in ("region", "sex", "year", "unit"):
        dim = roles[role]
        rows[role] = text(parsed[dim] if dim else None, n)
    values = (
        parsed["value"].astype(object).where(parsed["value"].notna(), None).reset_index(drop=True)
    )
    value_text = whole_number_text(values)
    for pos, raw in texts.items():
        value_text.iloc[pos] = raw
    rows["value_text"] = value_text
    rows["value"] = pd.to_numeric(value_text, errors="coerce")
    rows["status"] = text(parsed["status"], n)
    dimensions = pd.DataFrame(
        {
            "role": list(roles),
            "dimension": [roles[r] or "" for r in roles],
            "present": [roles[r] is not None for r in roles],
        }
    )
    suppressed = rows["value_text"].isna()
    table = pd.DataFrame(
        {
            "table": [parsed.attrs.get("table", "")],
            "cells": [n],
            "suppressed": [int(suppressed.sum())],
            "suppressed_share": [float(suppressed.mean()) if n else 0.0],
        }
    )
    return {"dimensions": dimensions, "rows": rows, "table": table, "totals": _raw_totals(rows)}


def _raw_totals(rows: pd.DataFrame) -> pd.DataFrame:
    """women + men against the published total (sex code SSS) wherever all three are numbers."""
    columns = ["region", "year", "unit", "first_cell", "women_plus_men", "total"]
    key = ["region", "year", "unit"]
    if rows["sex"].isna().all() or not rows["sex"].eq("SSS").any():
        return pd.DataFrame(columns=columns)
    wide = rows.pivot_table(index=key, columns="sex", values="value", aggfunc="first", dropna=False)
    first = rows.groupby(key, dropna=False)["cell"].min()
    if not {"1", "2", "SSS"} <= set(wide.columns):
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(
        {
            "first_cell": first,
            "women_plus_men": wide["2"] + wide["1"],
            "total": wide["SSS"],
        }
    ).dropna()
    return out.reset_index()[columns]

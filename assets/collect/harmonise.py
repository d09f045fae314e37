"""Raw API exchanges → tidy ``counts`` rows, the same way for live and recorded responses.

Live runs and the recorded snapshot both hand over a list of ``Exchange`` (request plus body
as received); nothing here knows which one it got. Units are named from the shipped
classifications and, where those have no name, from the table's own value texts in Finnish,
Swedish and English. Where a table gives a total over the sexes, women + men is compared with it;
a cell that does not add up is kept and flagged in ``derivation``, never silently corrected.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from assets.collect.classification_service import recorded_names
from assets.collect.http import Exchange, SourceError
from assets.collect.jsonstat import parse_jsonstat2
from assets.collect.statfin import (
    Variable,
    cell_count,
    find_variable,
    parse_metadata,
    variable_texts,
)
from assets.collect.tables import StatFinTable, VipunenResource
from assets.contracts import COUNTS, conform
from assets.reference.classifications import code_level, is_total_code, load_classification
from assets.reference.classifications import load_regions as _load_regions

SEXES = {"1": "men", "2": "women"}
_LEADING_CODE = re.compile(r"^\s*[0-9A-Z.]+\s+")


def statfin_frame(spec: StatFinTable, exchanges: Sequence[Exchange]) -> pd.DataFrame:
    """The data parts of a table, parsed and reassembled; fails on overlap or gaps."""
    parts = [e for e in exchanges if e.kind == "data"]
    if not parts:
        raise SourceError(f"statfin {spec.id}: no data responses to read")
    frames = [parse_jsonstat2(e.body, table=f"statfin {spec.id}") for e in parts]
    df = pd.concat(frames, ignore_index=True)
    dims = [
        c for c in frames[0].columns if c not in ("value", "status") and not c.endswith("_label")
    ]
    if df.duplicated(dims).any():
        raise SourceError(
            f"statfin {spec.id}: the response parts overlap ({int(df.duplicated(dims).sum())} "
            "cells twice); the query plan is wrong — report it"
        )
    asked = sum(cell_count(_selection_of(e)) for e in parts)
    if len(df) != asked:
        raise SourceError(
            f"statfin {spec.id}: asked for {asked} cells, received {len(df)}; retry, or run "
            "with --source snapshot"
        )
    df.attrs["updated"] = max(str(f.attrs.get("updated", "")) for f in frames)
    df.attrs["retrieved_at"] = max(e.retrieved_at for e in parts)
    return df


def _selection_of(exchange: Exchange) -> list[tuple[str, list[str]]]:
    body = json.loads(exchange.request_body or "{}")
    return [(q["code"], q["selection"]["values"]) for q in body.get("query", [])]


def _metadata(spec: StatFinTable, exchanges: Sequence[Exchange]) -> dict[str, list[Variable]]:
    out = {}
    for e in exchanges:
        if e.kind.startswith("metadata-"):
            out[e.kind.removeprefix("metadata-")] = parse_metadata(e.json(), table=spec.id)
    if not out:
        raise SourceError(f"statfin {spec.id}: no metadata response to name the units from")
    return out


def _strip_code(label: str) -> str:
    return _LEADING_CODE.sub("", label, count=1).strip()


@functools.cache
def _shipped(classification: str) -> pd.DataFrame:
    try:
        return load_classification(classification).set_index("code")
    except FileNotFoundError:
        return pd.DataFrame(columns=["name_fi", "name_sv", "name_en"])


@functools.cache
def _service(names_root: Path | None, classification: str) -> pd.DataFrame:
    """Names recorded from the classification service by ``snapshot refresh`` under
    ``names_root`` (the recorded snapshot of the run), if any."""
    items = None if names_root is None else recorded_names(names_root, classification)
    if items is None:
        return pd.DataFrame(columns=["name_fi", "name_sv", "name_en"])
    return items.drop_duplicates("code").set_index("code")


def unit_names(
    classification: str,
    codes: Sequence[str],
    table_labels: dict[str, dict[str, str]],
    names_root: Path | None = None,
) -> pd.DataFrame:
    """fi/sv/en names per code: the shipped classification first, then the names recorded from
    the classification service under ``names_root``, then the table's own texts.

    ``names_root`` is the recorded snapshot the caller reads (the ``snapshot`` resource's
    ``recorded/``), passed in rather than looked up here, so that a run replaying another
    snapshot names its units from that snapshot too; None: no recorded names.
    StatFin's level-5 placeholders (``2512.``) take the name of the group they repeat.
    """
    lists = [_shipped(classification), _service(names_root, classification)]
    rows = []
    for code in codes:
        row = {"unit_code": code}
        for lang in ("fi", "sv", "en"):
            name = ""
            for names, candidate in itertools.product(lists, (code, code.rstrip("."))):
                if candidate in names.index and names.at[candidate, f"name_{lang}"]:
                    name = str(names.at[candidate, f"name_{lang}"])
                    break
            if not name and code in table_labels.get(lang, {}):
                name = _strip_code(table_labels[lang][code])
            row[f"unit_name_{lang}"] = name
        rows.append(row)
    return pd.DataFrame(rows)


def statfin_counts(
    spec: StatFinTable, exchanges: Sequence[Exchange], names_root: Path | None = None
) -> pd.DataFrame:
    """``counts`` rows of one configured StatFin table and measure (``names_root``: see
    ``unit_names``)."""
    metadata = _metadata(spec, exchanges)
    variables = metadata.get("fi") or next(iter(metadata.values()))
    frame = statfin_frame(spec, exchanges)
    texts = variable_texts(metadata)

    def code_of(name: str) -> str:
        return find_variable(variables, name, table=spec.id, texts=texts).code

    unit, sex, time = code_of(spec.unit), code_of(spec.sex), code_of(spec.time)
    region = code_of(spec.region) if spec.region else None

    df = pd.DataFrame(
        {
            "unit_code": frame[unit].astype(str),
            "region_code": frame[region].astype(str) if region else "SSS",
            "region_label": frame[f"{region}_label"].astype(str) if region else "",
            "year": frame[time].astype(int),
            "sex_code": frame[sex].astype(str),
            "count": whole_counts(frame["value"], frame[[unit, sex, time]], f"statfin {spec.id}"),
            "status": frame["status"].astype(str),
        }
    )
    df = df[~df["unit_code"].map(is_total_code)]
    df["level"] = [code_level(spec.classification, c) for c in df["unit_code"]]
    df = df[df["level"].isin(spec.levels)]
    totals = (
        df[df["sex_code"].map(is_total_code)]
        .set_index(["unit_code", "region_code", "year"])["count"]
        .rename("total")
    )
    unknown = sorted(
        set(df["sex_code"]) - set(SEXES) - {c for c in df["sex_code"] if is_total_code(c)}
    )
    if unknown:  # the sex variable changed: its total may be gone and a category hidden
        raise SourceError(
            f"statfin {spec.id}: sex code(s) {', '.join(unknown)} are neither men (1), women (2) "
            "nor the total (SSS); the table's sex variable changed — check its codes in the "
            "table's metadata and 'sex' in data/sources/statfin.yaml"
        )
    df = df[df["sex_code"].isin(SEXES)].assign(sex=lambda d: d["sex_code"].map(SEXES))

    labels = {
        lang: {c: t for v in vs if v.code == unit for c, t in v.labels().items()}
        for lang, vs in metadata.items()
    }
    names = unit_names(spec.classification, sorted(df["unit_code"].unique()), labels, names_root)
    df = df.merge(names, on="unit_code", how="left")
    df["region_name_fi"] = _region_names(df["region_code"], df["region_label"])
    df["derivation"] = _total_flags(df, totals)
    df = df.assign(
        source="statfin",
        source_table=spec.id,
        dimension=spec.dimension,
        classification=spec.classification,
        measure=spec.measure,
        retrieved_at=frame.attrs["retrieved_at"],
        source_updated=frame.attrs["updated"] or None,
    )
    out = conform(df, COUNTS)
    out["status"] = out["status"].fillna("")
    return out.sort_values(list(COUNTS.primary_key), ignore_index=True)


def whole_counts(values: pd.Series, cells: pd.DataFrame, table: str) -> pd.Series:
    """Counts as integers. A fraction is refused, not rounded: it means the configured content
    variable is a rate, a mean or an estimate rather than a count, and rounding would hide that
    behind plausible numbers (a table without totals would pass every later check)."""
    numbers = pd.to_numeric(values, errors="coerce").astype("Float64")
    fractional = (numbers.notna() & (numbers % 1 != 0)).fillna(False).to_numpy(dtype=bool)
    if fractional.any():
        first = cells[fractional].iloc[0]
        where = ", ".join(f"{k}={v}" for k, v in first.items())
        raise SourceError(
            f"{table}: {int(fractional.sum())} value(s) are not whole numbers, first "
            f"{numbers[fractional].iloc[0]} at {where}; counts must be whole — check that the "
            "configured content variable is a count (data/sources/), and fetch the table again"
        )
    return numbers.round().astype("Int64")


def _region_names(codes: pd.Series, labels: pd.Series) -> pd.Series:
    known = _load_regions().set_index("code")["name_fi"]
    mapped = codes.map(known)
    return mapped.fillna(labels.map(_strip_code))


def _total_flags(df: pd.DataFrame, totals: pd.Series) -> pd.Series:
    """'' where women + men equals the source's total (or no total is given), else a note."""
    key = ["unit_code", "region_code", "year"]
    wide = df.pivot_table(index=key, columns="sex", values="count", aggfunc="first", dropna=False)
    wide = wide.join(totals, how="left")
    both = wide.get("women", pd.Series(dtype="Int64")) + wide.get("men", pd.Series(dtype="Int64"))
    bad = (wide["total"].notna() & both.notna() & (both != wide["total"])).fillna(False)
    notes = pd.Series("", index=wide.index, dtype=object, name="note")
    notes[bad] = [
        f"check: women + men = {int(b)} but the source's total is {int(t)}"
        for b, t in zip(both[bad], wide.loc[bad, "total"], strict=True)
    ]
    return (
        df[key].merge(notes.reset_index(), on=key, how="left")["note"].fillna("").set_axis(df.index)
    )


def _maakunta_code(code: str) -> str:
    """Vipunen writes maakunta numbers (``17``); counts use StatFin's codes (``MK17``)."""
    return f"MK{int(code):02d}" if code.isdigit() and len(code) <= 2 else code


def vipunen_counts(
    spec: VipunenResource, exchanges: Sequence[Exchange], names_root: Path | None = None
) -> pd.DataFrame:
    """``counts`` rows of one Vipunen resource: records summed to region × year × unit × sex
    (``names_root``: see ``unit_names``).

    Vipunen rows are finer than ``counts`` (e.g. per institution), so counts are summed; a
    group containing a suppressed record (a non-numeric count such as ``1-4``) is null with
    that mark in ``status``.
    """
    records = [r for e in exchanges if e.kind == "data" for r in e.json()]
    if not records:
        raise SourceError(f"vipunen {spec.resource}: no records to read")
    f = spec.fields
    missing = [name for name in f.values() if name not in records[0]]
    if missing:
        raise SourceError(
            f"vipunen {spec.resource}: records have no field(s) {missing} (they have: "
            f"{', '.join(list(records[0])[:20])}); fix 'fields' in data/sources/vipunen.yaml"
        )
    raw = pd.DataFrame(records)
    df = pd.DataFrame(
        {
            "year": pd.to_numeric(raw[f["year"]], errors="raise").astype(int),
            "sex": raw[f["sex"]].astype(str).map(spec.sexes),
            "region_code": raw[f["region"]].astype(str).map(_maakunta_code),
            "unit_code": raw[f["unit"]].astype(str),
            "raw_count": raw[f["count"]],
        }
    )
    df = df[df["sex"].notna()]
    numeric = pd.to_numeric(df["raw_count"], errors="coerce")
    df["mark"] = df["raw_count"].astype(str).where(numeric.isna() & df["raw_count"].notna(), "")
    df["value"] = numeric
    key = ["region_code", "year", "unit_code", "sex"]
    grouped = df.groupby(key)
    summed = grouped["value"].sum(min_count=1)
    cells = summed.index.to_frame(index=False).set_index(summed.index)
    out = whole_counts(summed, cells, f"vipunen {spec.resource}").to_frame("count")
    out["status"] = grouped["mark"].agg(lambda m: ";".join(sorted({x for x in m if x})))
    out.loc[out["status"].ne(""), "count"] = pd.NA
    out = out.reset_index()
    names = unit_names(spec.classification, sorted(out["unit_code"].unique()), {}, names_root)
    out = out.merge(names, on="unit_code", how="left")
    updated = str(raw[f["updated"]].max()) if "updated" in f and f["updated"] in raw else None
    out = out.assign(
        source="vipunen",
        source_table=spec.id,
        dimension=spec.dimension,
        classification=spec.classification,
        level=spec.level,
        measure=spec.measure,
        region_name_fi=_region_names(out["region_code"], out["region_code"]),
        derivation="summed over Vipunen records; Vipunen rounds counts above 4 to multiples of 3",
        retrieved_at=max(e.retrieved_at for e in exchanges if e.kind == "data"),
        source_updated=updated,
    )
    return conform(out, COUNTS).sort_values(list(COUNTS.primary_key), ignore_index=True)

"""Metrics of the ``tasapaino-trends`` set: change over time, region against country, and the
education-to-work pipeline.

Shares are ratios of counts and are compared exactly; index values come from
``segregation_indices`` as floats and are compared as the exact values of those floats.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from assets.criteria.inputs import Inputs, Settings
from assets.criteria.mappings import Mapping, load_mapping
from assets.criteria.results import (
    INSUFFICIENT,
    MET,
    NOT_MET,
    RESULT_COLUMNS,
    TABLE_COLUMNS,
    UNIT_COLUMNS,
    fmt_count,
    nothing_to_judge,
    table_subject,
    unit_subject,
)
from assets.criteria.rules import Interval, compare, describe, ratio_in
from assets.reference.classifications import unknown_units

SERIES_KEY = ["dimension", "classification", "level", "measure", "region_code", "unit_code"]


def _known_units(unit_shares: pd.DataFrame) -> pd.DataFrame:
    unknown = unknown_units()
    keep = [
        (c, u) not in unknown
        for c, u in zip(unit_shares["classification"], unit_shares["unit_code"], strict=True)
    ]
    return unit_shares[np.array(keep, dtype=bool)].reset_index(drop=True)


def _minority(women: int, men: int) -> str:
    return "women" if women < men else "men" if men < women else "(equal)"


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f} %"


def minority_share_change_pp(
    crit: dict[str, Any], cset: dict[str, Any], inputs: Inputs, settings: Settings
) -> pd.DataFrame:
    """Each unit and year Y: change of the minority sex's share from Y − N to Y, in points.

    The minority share at a year is min(women, men) / total: the share of whichever sex is
    under-represented then. A unit that overshoots parity (45 % → 58 % women) moves away from
    balance by this measure (45 → 42), which is the intent: closer to 50 %, not more of one sex.
    Judged exactly: 100·(a₁/t₁ − a₀/t₀) against the bound, in integers.
    """
    years = int(crit["params"]["years"])
    units = _known_units(inputs.unit_shares)
    base = units[[*SERIES_KEY, "year", "women", "men", "total"]].copy()
    base["year"] = base["year"] + years
    df = units.merge(base, on=[*SERIES_KEY, "year"], how="left", suffixes=("", "_base"))
    has_base = df["total_base"].notna() | df["women_base"].notna() | df["men_base"].notna()
    counts = [df[c].astype("Int64") for c in ("women", "men", "women_base", "men_base")]
    complete = pd.concat(counts, axis=1).notna().all(axis=1)
    w1, m1, w0, m0 = (c.fillna(0).astype("int64").to_numpy(dtype=object) for c in counts)
    t1, t0 = w1 + m1, w0 + m0
    large = (t1 >= settings.min_count) & (t0 >= settings.min_count)
    enough = (has_base & complete & pd.Series(large, index=df.index).astype(bool)).to_numpy()
    a1 = np.minimum(w1, m1)
    a0 = np.minimum(w0, m0)
    safe1 = np.where(enough, t1, 1)
    safe0 = np.where(enough, t0, 1)
    # change (points) = 100 (a1 t0 − a0 t1) / (t1 t0): compare the numerator with bound·t1·t0.
    num = 100 * (a1 * safe0 - a0 * safe1)
    den = safe1 * safe0
    met = ratio_in(num, den, Interval.of(crit["thresholds"]))
    value = (num / den).astype(float)  # Python int / int: the correctly rounded float
    out = df[UNIT_COLUMNS].copy()
    out["subject_type"] = "unit"
    out["subject"] = unit_subject(df)
    out["value"] = np.where(enough, value, np.nan)
    out["threshold"] = describe(f"minority_share_change_pp_over_{years}_years", crit["thresholds"])
    out["status"] = np.where(enough, np.where(met, MET, NOT_MET), INSUFFICIENT)
    has_base_a, complete_a = has_base.to_numpy(), complete.to_numpy()
    evidence = []
    for i, year in enumerate(df["year"].to_numpy()):
        if not has_base_a[i]:
            evidence.append(
                f"no data for {year - years} (the rule compares {year - years} with {year})"
            )
        elif not complete_a[i]:
            evidence.append("a count suppressed by the source in one of the two years")
        elif not large[i]:
            evidence.append(f"fewer than {settings.min_count} persons in one of the two years")
        else:
            evidence.append(
                f"minority share {_pct(a0[i], t0[i])} {_minority(w0[i], m0[i])} in "
                f"{year - years} ({fmt_count(a0[i])} of {fmt_count(t0[i])}), "
                f"{_pct(a1[i], t1[i])} {_minority(w1[i], m1[i])} in {year} "
                f"({fmt_count(a1[i])} of {fmt_count(t1[i])})"
            )
    out["evidence"] = evidence
    return out[RESULT_COLUMNS]


INDEX_TABLE_KEY = ["dimension", "classification", "level", "measure", "year"]


def index_metric(
    crit: dict[str, Any], cset: dict[str, Any], inputs: Inputs, settings: Settings
) -> pd.DataFrame:
    """Each table's segregation index (``metric`` names the index), against a constant or
    against the same index of a reference region in the same table and year.

    With a reference region, every region of ``unit_shares`` that has no index of its own gets
    one ``insufficient_data`` row saying why, so a missing within-region table is visible.
    """
    idx = inputs.segregation_indices
    idx = idx[idx["index"] == crit["metric"]].reset_index(drop=True)
    reference = crit["thresholds"].get("reference_region")
    references: dict[tuple, float] = {}
    subjects = idx
    if reference is not None:
        subjects = idx[idx["region_code"] != reference]
        references = {
            tuple(r[k] for k in INDEX_TABLE_KEY): r["value"]
            for r in idx[idx["region_code"] == reference].to_dict("records")
        }
    rows = [_judge_index(r, crit, references, settings) for r in subjects.to_dict("records")]
    parts = []
    if rows:
        judged = pd.DataFrame(rows)
        judged["subject"] = table_subject(judged)
        parts.append(judged[RESULT_COLUMNS])
    if reference is not None:
        parts.append(_regions_without_index(crit, inputs, set(idx["region_code"]), reference))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RESULT_COLUMNS)


def _judge_index(
    r: dict[str, Any], crit: dict[str, Any], references: dict[tuple, float], settings: Settings
) -> dict[str, Any]:
    metric, thresholds = crit["metric"], crit["thresholds"]
    reference = thresholds.get("reference_region")
    ref_value = references.get(tuple(r[k] for k in INDEX_TABLE_KEY))
    persons = int(r["n_women"] or 0) + int(r["n_men"] or 0)
    value = r["value"]
    status = INSUFFICIENT
    if pd.isna(value):
        evidence = f"index undefined: {r['method_note']}"
    elif persons < settings.min_count:
        evidence = f"fewer than {settings.min_count} persons"
    elif reference is not None and (ref_value is None or pd.isna(ref_value)):
        evidence = f"no {metric} for {reference} in the same table and year to compare with"
    elif reference is not None:
        ok = compare(Fraction(float(value)), thresholds["op"], Fraction(float(ref_value)))
        status = MET if ok else NOT_MET
        evidence = (
            f"{metric} {value:.4f} in {r['region_code']} against {ref_value:.4f} in "
            f"{reference} ({r['n_units']} units)"
        )
    else:
        ok = Interval.of(thresholds).contains(Fraction(float(value)))
        status = MET if ok else NOT_MET
        evidence = f"{metric} {value:.4f} ({r['n_units']} units)"
    return {c: r[c] for c in TABLE_COLUMNS} | {
        "unit_code": pd.NA,
        "subject_type": "region",
        "value": value if status != INSUFFICIENT else np.nan,
        "threshold": describe(metric, thresholds, "" if ref_value is None else f"{ref_value:.4f}"),
        "status": status,
        "evidence": evidence,
    }


def _regions_without_index(
    crit: dict[str, Any], inputs: Inputs, with_index: set[str], reference: str
) -> pd.DataFrame:
    regions = (
        inputs.unit_shares[["region_code", "region_name_fi"]]
        .drop_duplicates("region_code")
        .sort_values("region_code")
    )
    rows = [
        nothing_to_judge(
            "region",
            f"region/{code}",
            describe(crit["metric"], crit["thresholds"]),
            f"the data hold no table of two or more occupations or fields within {code} "
            f"({name}), so no regional {crit['metric']} can be computed; regional tables come "
            "from the live StatFin source",
            region_code=code,
            region_name_fi=name,
        )
        for code, name in regions.itertuples(index=False)
        if code != reference and code not in with_index
    ]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=RESULT_COLUMNS)


def pipeline_gap_pp(
    crit: dict[str, Any], cset: dict[str, Any], inputs: Inputs, settings: Settings
) -> pd.DataFrame:
    """Each field × region × year of new students: the minority sex's share among them minus its
    share among the employed in the matching occupations, in percentage points.

    The minority is the sex with fewer employed in the matching occupations (women on a tie).
    The matching is ``params.mapping`` (an approximation, see mappings/). The first of
    ``employed_measures`` that has data for the region and year is used.
    """
    params = crit["params"]
    mapping = load_mapping(params["mapping"])
    shares = inputs.unit_shares
    students = shares[
        shares["measure"].isin(params["student_measures"])
        & (shares["classification"] == mapping.source.classification)
        & (shares["level"] == mapping.source.level)
        & shares["unit_code"].isin(list(mapping.pairs))
    ].reset_index(drop=True)
    employed = shares[
        shares["measure"].isin(params["employed_measures"])
        & (shares["classification"] == mapping.target.classification)
        & (shares["level"] == mapping.target.level)
    ]
    # (region, year) → measure → occupation code → (women, men); plain dicts, looked up per field.
    by_place: dict[tuple[str, int], dict[str, dict[str, tuple[Any, Any]]]] = {}
    for r in employed[["measure", "region_code", "year", "unit_code", "women", "men"]].itertuples(
        index=False
    ):
        place = by_place.setdefault((r.region_code, int(r.year)), {})
        place.setdefault(r.measure, {})[r.unit_code] = (r.women, r.men)
    rows = []
    for s in students.to_dict("records"):
        tables = by_place.get((s["region_code"], int(s["year"])), {})
        measure = next((m for m in params["employed_measures"] if m in tables), None)
        if measure is None:
            value, status = np.nan, INSUFFICIENT
            evidence = (
                f"no employed counts by {mapping.target.classification} level "
                f"{mapping.target.level} for {s['region_code']} {s['year']} in the data"
            )
        else:
            value, status, evidence = _judge_pipeline(
                s, tables[measure], measure, mapping, crit, settings
            )
        rows.append(
            {c: s[c] for c in UNIT_COLUMNS}
            | {
                "subject_type": "unit",
                "value": value,
                "threshold": describe("pipeline_gap_pp", crit["thresholds"]),
                "status": status,
                "evidence": evidence,
            }
        )
    if not rows:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    out = pd.DataFrame(rows)
    out["subject"] = unit_subject(out)
    return out[RESULT_COLUMNS]


def _judge_pipeline(
    s: dict[str, Any],
    employed: dict[str, tuple[Any, Any]],
    measure: str,
    mapping: Mapping,
    crit: dict[str, Any],
    settings: Settings,
) -> tuple[float, str, str]:
    """(gap in points, status, evidence) of one field's new students against its occupations."""
    codes = mapping.pairs[s["unit_code"]]
    counts = [employed.get(c, (pd.NA, pd.NA)) for c in codes]
    missing = [c for c, (w, m) in zip(codes, counts, strict=True) if pd.isna(w) or pd.isna(m)]
    if missing:
        return (
            np.nan,
            INSUFFICIENT,
            f"occupations {', '.join(missing)} missing or suppressed in {measure}",
        )
    ws, ms = s["women"], s["men"]
    if pd.isna(ws) or pd.isna(ms):
        return np.nan, INSUFFICIENT, "new-student count suppressed by the source"
    we, me = sum(int(w) for w, _ in counts), sum(int(m) for _, m in counts)
    ws, ms = int(ws), int(ms)
    if ws + ms < settings.min_count or we + me < settings.min_count:
        return (
            np.nan,
            INSUFFICIENT,
            f"fewer than {settings.min_count} new students or employed persons",
        )
    sex = "women" if we <= me else "men"
    a_s, a_e = (ws, we) if sex == "women" else (ms, me)
    gap = 100 * (Fraction(a_s, ws + ms) - Fraction(a_e, we + me))
    status = MET if Interval.of(crit["thresholds"]).contains(gap) else NOT_MET
    evidence = (
        f"{sex} {fmt_count(a_s)} of {fmt_count(ws + ms)} new students ({_pct(a_s, ws + ms)}) "
        f"against {fmt_count(a_e)} of {fmt_count(we + me)} {measure} in occupations "
        f"{', '.join(codes)} ({_pct(a_e, we + me)}); approximate mapping {mapping.id} "
        f"v{mapping.version}"
    )
    return float(gap), status, evidence

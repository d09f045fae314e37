"""Self-assessment scores → published aggregates (``self_assessment_summary``) and criteria rows.

Only aggregates leave this module: no organisation name, no comment, no single organisation's
score. Aggregation, in order:

1. An organisation's latest answer to a criterion within a calendar year counts (by date; on
   equal dates the row read last).
2. Per criterion, an organisation's score is its answer; per theme (and per dimension of a theme)
   it is the mean of its answers there, so every organisation weighs the same however many
   criteria it answered.
3. Each group (criterion / dimension / theme × region × year, and the whole country ``SSS``) gets
   the number of organisations, the number of answers and the mean of the organisations' scores.
4. Primary suppression: a group of fewer than ``min_organisations`` organisations publishes no
   numbers. Secondary suppression: if the suppressed regions of a group together hold fewer than
   ``min_organisations`` organisations, the smallest published regions are suppressed too until
   they do, so the whole-country figure minus the published regions cannot reveal a small group.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from assets.contracts import SELF_ASSESSMENT_SUMMARY, conform
from assets.criteria.results import (
    INSUFFICIENT,
    MET,
    NOT_MET,
    RESULT_COLUMNS,
    nothing_to_judge,
)
from assets.criteria.rules import Interval, describe

WHOLE_COUNTRY = ("SSS", "Koko maa")
GROUP_KEY = [
    "criteria_set",
    "criteria_version",
    "aggregate_level",
    "theme",
    "theme_dimension",
    "criterion_id",
    "year",
]


@dataclass(frozen=True)
class SuppressionRule:
    """Aggregates over fewer organisations than this are not published (default 3)."""

    min_organisations: int = 3

    def __post_init__(self) -> None:
        if self.min_organisations < 1:
            raise ValueError(f"min_organisations must be at least 1, got {self.min_organisations}")


def _latest_answers(responses: pd.DataFrame) -> pd.DataFrame:
    df = responses.copy()
    df["year"] = pd.to_datetime(df["date"]).dt.year.astype("int64")
    df["_order"] = np.arange(len(df))
    df = df.sort_values(["date", "_order"], kind="stable")
    return df.drop_duplicates(["organisation", "criterion_id", "year"], keep="last")


def _organisation_scores(answers: pd.DataFrame) -> pd.DataFrame:
    """One row per organisation × aggregate: its score there and how many answers it rests on."""
    base = ["criteria_set", "criteria_version", "organisation", "region_code", "year"]
    levels = []
    crit = answers[[*base, "theme", "theme_dimension", "criterion_id", "score"]].copy()
    crit["aggregate_level"] = "criterion"
    crit["score"] = [Fraction(int(s)) for s in crit["score"]]
    crit["n_responses"] = 1
    levels.append(crit)
    for level, keys in (
        ("theme", ["theme"]),
        ("dimension", ["theme", "theme_dimension"]),
    ):
        sub = answers if level == "theme" else answers[answers["theme_dimension"] != ""]
        if sub.empty:
            continue
        g = sub.groupby([*base, *keys], sort=True, observed=True)["score"]
        agg = g.agg(
            score=lambda s: Fraction(int(s.sum()), len(s)), n_responses="count"
        ).reset_index()
        agg["aggregate_level"] = level
        agg["criterion_id"] = ""
        if level == "theme":
            agg["theme_dimension"] = ""
        levels.append(agg)
    return pd.concat(levels, ignore_index=True)


def _aggregate(scores: pd.DataFrame) -> pd.DataFrame:
    """Organisation count, answer count and exact mean per group and region, plus SSS."""
    everywhere = scores.assign(region_code=WHOLE_COUNTRY[0])
    both = pd.concat([scores, everywhere], ignore_index=True)
    rows = []
    for key, g in both.groupby([*GROUP_KEY, "region_code"], sort=True, observed=True):
        mean = sum(g["score"], Fraction(0)) / len(g)
        rows.append(
            dict(zip([*GROUP_KEY, "region_code"], key, strict=True))
            | {
                "n_organisations": g["organisation"].nunique(),
                "n_responses": int(g["n_responses"].sum()),
                "mean_score": float(mean),
            }
        )
    return pd.DataFrame(rows)


def _suppress(agg: pd.DataFrame, rule: SuppressionRule) -> pd.DataFrame:
    k = rule.min_organisations
    agg = agg.copy()
    agg["suppressed"] = agg["n_organisations"] < k
    agg["note"] = np.where(
        agg["suppressed"], f"fewer than {k} organisations answered; not published", ""
    )
    for _, group in agg.groupby(GROUP_KEY, sort=False, observed=True):
        regional = group[group["region_code"] != WHOLE_COUNTRY[0]]
        hidden = int(regional.loc[regional["suppressed"], "n_organisations"].sum())
        if hidden == 0:
            continue
        for idx in regional[~regional["suppressed"]].sort_values("n_organisations").index:
            if hidden >= k:
                break
            agg.loc[idx, "suppressed"] = True
            agg.loc[idx, "note"] = (
                "suppressed so that a smaller suppressed region cannot be derived from the "
                "whole-country figure"
            )
            hidden += int(agg.loc[idx, "n_organisations"])
    for col in ("n_organisations", "n_responses"):
        agg[col] = agg[col].astype("Int64").mask(agg["suppressed"])
    agg["mean_score"] = agg["mean_score"].mask(agg["suppressed"])
    return agg


def summarise(
    responses: pd.DataFrame,
    regions: pd.DataFrame,
    rule: SuppressionRule | None = None,
) -> pd.DataFrame:
    """``self_assessment_summary`` from validated responses (see ``responses.read_responses``).

    ``responses`` carries organisation, date, criterion_id, score plus the criterion's
    criteria_set, criteria_version, theme, theme_dimension and the organisation's region_code.
    ``regions`` is the region code list (code, name_fi).
    """
    if responses.empty:
        return conform(pd.DataFrame(columns=SELF_ASSESSMENT_SUMMARY.names), SELF_ASSESSMENT_SUMMARY)
    agg = _suppress(
        _aggregate(_organisation_scores(_latest_answers(responses))), rule or SuppressionRule()
    )
    names = dict(zip(regions["code"], regions["name_fi"], strict=True))
    names.setdefault(*WHOLE_COUNTRY)
    agg["region_name_fi"] = agg["region_code"].map(names)
    out = conform(agg, SELF_ASSESSMENT_SUMMARY)
    return out.sort_values(list(SELF_ASSESSMENT_SUMMARY.primary_key), ignore_index=True)


def disclosure_problems(summary: pd.DataFrame, rule: SuppressionRule | None = None) -> list[str]:
    """Why ``summary`` must not be published; empty when it is safe.

    A second line of defence behind ``summarise``: exactly the contract's columns (so no
    organisation or comment column can slip in), no numbers on suppressed rows, and no published
    group smaller than the minimum.
    """
    k = (rule or SuppressionRule()).min_organisations
    problems = []
    if list(summary.columns) != SELF_ASSESSMENT_SUMMARY.names:
        problems.append(
            f"columns {list(summary.columns)} differ from the contract "
            f"{SELF_ASSESSMENT_SUMMARY.names}"
        )
        return problems
    hidden = summary[summary["suppressed"].fillna(True).astype(bool)]
    leaked = hidden[["n_organisations", "n_responses", "mean_score"]].notna().any(axis=1)
    if leaked.any():
        problems.append(f"{int(leaked.sum())} suppressed row(s) still carry numbers")
    shown = summary[~summary["suppressed"].fillna(True).astype(bool)]
    small = shown["n_organisations"].isna() | shown["n_organisations"].lt(k)
    if small.any():
        problems.append(f"{int(small.sum())} published row(s) rest on fewer than {k} organisations")
    return problems


def criterion_results(
    crit: dict[str, Any], cset: dict[str, Any], summary: pd.DataFrame
) -> pd.DataFrame:
    """``criteria_results`` rows of a self-assessment criterion, from its published aggregates.

    Without any aggregate (no responses supplied) the criterion still appears, once, as
    ``insufficient_data`` with the reason.
    """
    threshold = describe("mean_score", crit["thresholds"])
    rows = summary[
        (summary["criteria_set"] == cset["id"])
        & (summary["aggregate_level"] == "criterion")
        & (summary["criterion_id"] == crit["id"])
    ]
    if rows.empty:
        return nothing_to_judge(
            "organisation_group",
            "organisations/all",
            threshold,
            "no self-assessment responses were supplied for this criterion "
            "(docs/criteria.md, 'Self-assessment responses')",
        )
    interval = Interval.of(crit["thresholds"]).as_floats()
    out = pd.DataFrame(
        {
            "subject_type": "organisation_group",
            "subject": "organisations/" + rows["region_code"] + "/" + rows["year"].astype(str),
            "region_code": rows["region_code"],
            "region_name_fi": rows["region_name_fi"],
            "year": rows["year"],
            "value": rows["mean_score"],
            "threshold": threshold,
        }
    )
    status, evidence = [], []
    for r in rows.to_dict("records"):
        if r["suppressed"]:
            status.append(INSUFFICIENT)
            evidence.append(r["note"])
        else:
            ok = interval.contains(Fraction(float(r["mean_score"])))
            status.append(MET if ok else NOT_MET)
            evidence.append(
                f"mean of {r['n_organisations']} organisations' scores "
                f"({r['n_responses']} answers) on the scale "
                f"{crit['scale']['min']}–{crit['scale']['max']}"
            )
    out["status"] = status
    out["evidence"] = evidence
    return out.reindex(columns=RESULT_COLUMNS).reset_index(drop=True)

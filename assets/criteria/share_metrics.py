"""Metrics over women's shares in ``unit_shares``: a unit's share and a table's balanced share.

Both are ratios of counts and are judged exactly (see ``rules.ratio_in``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from assets.criteria.inputs import Inputs, Settings
from assets.criteria.results import (
    RESULT_COLUMNS,
    TABLE_COLUMNS,
    UNIT_COLUMNS,
    fmt_count,
    status_of,
    table_subject,
    unit_subject,
)
from assets.criteria.rules import Interval, describe, ratio_in
from assets.reference.classifications import unknown_units


def women_share(
    crit: dict[str, Any], cset: dict[str, Any], inputs: Inputs, settings: Settings
) -> pd.DataFrame:
    """Each unit: is women / (women + men) within the criterion's bounds?"""
    units = inputs.unit_shares.reset_index(drop=True)
    women = units["women"].astype("Int64")
    total = units["total"].astype("Int64")
    enough = women.notna() & total.notna() & total.fillna(0).ge(settings.min_count)
    met = pd.Series(
        ratio_in(women.fillna(0), total.fillna(0), Interval.of(crit["thresholds"])),
        index=units.index,
    )
    out = units[UNIT_COLUMNS].copy()
    out["subject_type"] = "unit"
    out["subject"] = unit_subject(units)
    out["value"] = units["women_share"].where(enough)
    out["threshold"] = describe("women_share", crit["thresholds"])
    out["status"] = status_of(enough, met)
    small = f"fewer than {settings.min_count} persons, or a count suppressed by the source"
    out["evidence"] = [
        f"women {fmt_count(w)} of {fmt_count(t)}" if ok else small
        for w, t, ok in zip(
            women.to_numpy(dtype=object),
            total.to_numpy(dtype=object),
            enough.to_numpy(),
            strict=True,
        )
    ]
    return out[RESULT_COLUMNS]


def balanced_share(
    crit: dict[str, Any], cset: dict[str, Any], inputs: Inputs, settings: Settings
) -> pd.DataFrame:
    """Each table of two or more units: the share of persons in units of the balanced class.

    The balanced class is the set's own criterion named in ``params.class_criterion``, so a
    changed bound in the YAML moves both the classes and this share. Unknown units ("X", "99")
    are left out, as in the indices; a table with a suppressed count is not judged.
    """
    (klass,) = [c for c in cset["criteria"] if c["id"] == crit["params"]["class_criterion"]]
    bounds = Interval.of(klass["thresholds"])
    unknown = unknown_units()
    units = inputs.unit_shares
    codes = zip(units["classification"], units["unit_code"], strict=True)
    known = [pair not in unknown for pair in codes]
    units = units[np.array(known, dtype=bool)].reset_index(drop=True)
    women = units["women"].astype("Int64")
    total = units["total"].astype("Int64")
    in_class = ratio_in(women.fillna(0), total.fillna(0), bounds) & total.fillna(0).gt(0)
    frame = units[TABLE_COLUMNS].copy()
    frame["persons"] = total.fillna(0).astype("int64")
    frame["balanced"] = np.where(in_class, frame["persons"], 0)
    frame["suppressed"] = (women.isna() | total.isna()).astype(int)
    frame["units"] = 1
    tables = (
        frame.groupby(TABLE_COLUMNS, sort=True, observed=True, dropna=False)[
            ["persons", "balanced", "suppressed", "units"]
        ]
        .sum()
        .reset_index()
    )
    tables = tables[tables["units"] >= 2].reset_index(drop=True)
    enough = tables["suppressed"].eq(0) & tables["persons"].ge(settings.min_count)
    met = pd.Series(
        ratio_in(tables["balanced"], tables["persons"], Interval.of(crit["thresholds"])),
        index=tables.index,
    )
    out = tables[TABLE_COLUMNS].copy()
    out["unit_code"] = pd.NA
    out["subject_type"] = "region"
    out["subject"] = table_subject(tables)
    out["value"] = (tables["balanced"] / tables["persons"].replace(0, np.nan)).where(enough)
    out["threshold"] = describe("balanced_share", crit["thresholds"])
    out["status"] = status_of(enough, met)
    out["evidence"] = [
        f"{fmt_count(b)} of {fmt_count(p)} persons in {klass['id']} units ({u} units, level {lvl})"
        if ok
        else (
            f"{s} unit(s) with a count suppressed by the source"
            if s
            else f"fewer than {settings.min_count} persons"
        )
        for b, p, u, lvl, s, ok in zip(
            tables["balanced"],
            tables["persons"],
            tables["units"],
            tables["level"],
            tables["suppressed"],
            enough,
            strict=True,
        )
    ]
    return out[RESULT_COLUMNS]

"""Every index for every table at once, from ``unit_shares`` into ``segregation_indices``."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from assets.contracts import SEGREGATION_INDICES, conform
from assets.indices import twogroup

INDEX_FUNCTIONS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "dissimilarity": twogroup.dissimilarity,
    "karmel_maclachlan": twogroup.karmel_maclachlan,
    "mutual_information_m": twogroup.mutual_information,
    "theil_h": twogroup.theil_h,
    "balanced_share": twogroup.balanced_share,
}
TABLE_KEY = [
    "dimension",
    "classification",
    "level",
    "measure",
    "region_code",
    "region_name_fi",
    "year",
    "source_table",
]


def segregation_indices(unit_shares: pd.DataFrame) -> pd.DataFrame:
    """One row per table × index, with the units and persons it rests on and a method note.

    Tables of a single unit (e.g. one field per region) measure no segregation between units and
    get no rows; the release's coverage notes list them.
    """
    rows = []
    used = unit_shares[unit_shares["in_indices"].fillna(False)]
    suppressed = used["women"].isna() | used["men"].isna()
    for key, table in used.groupby(TABLE_KEY, sort=True, observed=True):
        if len(table) < 2:
            continue
        base = dict(zip(TABLE_KEY, key, strict=True))
        table_suppressed = suppressed.loc[table.index]
        complete = table[~table_suppressed]
        w = complete["women"].to_numpy(dtype=float)
        m = complete["men"].to_numpy(dtype=float)
        note = _note(len(complete), int(table_suppressed.sum()), w, m)
        for name, fn in INDEX_FUNCTIONS.items():
            value = fn(w, m) if len(complete) >= 2 else float("nan")
            rows.append(
                {
                    **base,
                    "index": name,
                    "value": value,
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "n_units": len(complete),
                    "n_women": int(w.sum()),
                    "n_men": int(m.sum()),
                    "method_note": note if np.isnan(value) or note else "",
                }
            )
    df = pd.DataFrame(rows)
    if df.empty:
        df = pd.DataFrame(columns=SEGREGATION_INDICES.names)
    return conform(df, SEGREGATION_INDICES)


def _note(n_units: int, n_suppressed: int, w: np.ndarray, m: np.ndarray) -> str:
    if n_units < 2:
        return "undefined: fewer than two units with counts (an index needs at least two)"
    if w.sum() == 0 or m.sum() == 0:
        return "undefined: one sex has no persons in these units"
    if n_suppressed:
        return f"{n_suppressed} unit(s) left out because the source suppressed a count"
    return ""

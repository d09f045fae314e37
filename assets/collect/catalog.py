"""Provenance rows of the API tables for the published ``sources`` dataset.

Each StatFin or Vipunen table and measure in ``counts`` gets one row: its title from the
configuration, the URL it was read from, when the source last updated it and when it was read.
The columns are those of the transcribed tables' provenance (``SOURCES`` in assets/contracts.py).
"""

from __future__ import annotations

import pandas as pd

from assets.collect.statfin import statfin_root
from assets.collect.tables import load_statfin_tables, load_vipunen_resources
from assets.collect.vipunen import vipunen_root

COLUMNS = [
    "source",
    "source_table",
    "measure",
    "title_fi",
    "title_en",
    "statistic_fi",
    "url",
    "published",
    "referred",
    "men_derived",
    "file",
    "file_sha256",
]


def api_provenance(api_counts: pd.DataFrame) -> pd.DataFrame:
    """One row per (source table, measure) present in ``api_counts``."""
    if api_counts.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    titles = {(t.id, t.measure): t.title for t in load_statfin_tables()}
    titles |= {(r.id, r.measure): r.title for r in load_vipunen_resources()}
    rows = []
    grouped = api_counts.groupby(["source", "source_table", "measure"], observed=True)
    for (source, table, measure), g in grouped:
        if source == "statfin":
            folder, name = str(table).split("/")
            url = f"{statfin_root()}/fi/StatFin/{folder}/{name}.px"
            statistic = "Tilastokeskus, StatFin-tietokanta"
        else:
            url = f"{vipunen_root()}/resources/{str(table).removeprefix('vipunen/')}/data"
            statistic = "Vipunen – opetushallinnon tilastopalvelu"
        updated, read = g["source_updated"].max(), g["retrieved_at"].max()
        rows.append(
            {
                "source": source,
                "source_table": table,
                "measure": measure,
                "title_fi": titles.get((table, measure), ""),
                "title_en": "",
                "statistic_fi": statistic,
                "url": url,
                "published": "" if pd.isna(updated) else updated.date().isoformat(),
                "referred": "" if pd.isna(read) else read.date().isoformat(),
                "men_derived": False,
                "file": "",
                "file_sha256": "",
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)

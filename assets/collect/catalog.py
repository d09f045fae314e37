"""The published ``sources`` dataset: every source table, where it is, and what this run got.

Each StatFin or Vipunen table and measure gets one row: its title from the configuration, the URL
it was read from (or the hand-given file and its SHA-256), when the source last updated it and
when it was read. ``status`` says what a reader must know to trust the numbers: ``current``
(read in this run), ``stale`` (could not be read; the rows of the previous release are kept, with
their original retrieval date in ``referred``), ``missing`` (could not be read and no earlier
copy exists) or ``set_aside`` (another table gives the same statistics). ``note`` gives the
reason. The columns are those of ``SOURCES`` in assets/contracts.py.
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
    "status",
    "note",
]
CURRENT, STALE, MISSING, SET_ASIDE = "current", "stale", "missing", "set_aside"


def api_provenance(api_counts: pd.DataFrame) -> pd.DataFrame:
    """One row per (source table, measure) present in ``api_counts``."""
    if api_counts.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    titles = {(t.id, t.measure): t.title for t in load_statfin_tables()}
    titles |= {(r.id, r.measure): r.title for r in load_vipunen_resources()}
    english = {(t.id, t.measure): t.title_en for t in load_statfin_tables()}
    english |= {(r.id, r.measure): r.title_en for r in load_vipunen_resources()}
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
                "title_en": english.get((table, measure), ""),
                "statistic_fi": statistic,
                "url": url,
                "published": "" if pd.isna(updated) else updated.date().isoformat(),
                "referred": "" if pd.isna(read) else read.date().isoformat(),
                "men_derived": False,
                "file": "",
                "file_sha256": "",
                "status": CURRENT,
                "note": "",
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _url(source: str, table: str) -> str:
    if source == "statfin":
        folder, name = table.split("/")
        return f"{statfin_root()}/fi/StatFin/{folder}/{name}.px"
    return f"{vipunen_root()}/resources/{table.removeprefix('vipunen/')}/data"


def catalog(
    transcribed: pd.DataFrame,
    api_counts: pd.DataFrame,
    status: pd.DataFrame,
    aside: pd.DataFrame,
) -> pd.DataFrame:
    """Transcribed and API provenance with each table's ``status`` and ``note``.

    ``status`` is the collection status (collect/outcomes.py, one row per configured table),
    ``aside`` the rows ``prefer_sources`` set aside (``set_aside``)."""
    api = api_provenance(api_counts)
    by_key = {(r.source_table, r.measure): r for r in status.itertuples()}
    titles = {(t.id, t.measure): (t.title, t.title_en) for t in load_statfin_tables()}
    titles |= {(r.id, r.measure): (r.title, r.title_en) for r in load_vipunen_resources()}
    notes, states = [], []
    for row in api.itertuples():
        got = by_key.get((row.source_table, row.measure))
        if got is not None and got.status == "stale":
            states.append(STALE)
            notes.append(
                f"could not be read in this run ({got.error}); the rows of the previous release "
                f"are kept, retrieved on {row.referred}"
            )
        else:
            states.append(CURRENT)
            by_file = got is not None and bool(got.file)
            notes.append(f"read from the hand-given file {got.file}" if by_file else "")
    api["status"], api["note"] = states, notes
    for row in api.itertuples():
        got = by_key.get((row.source_table, row.measure))
        if got is not None and got.file:
            api.loc[row.Index, ["file", "file_sha256"]] = [got.file, got.file_sha256]
    missing = [
        {
            "source": r.source,
            "source_table": r.source_table,
            "measure": r.measure,
            "title_fi": titles.get((r.source_table, r.measure), ("", ""))[0],
            "title_en": titles.get((r.source_table, r.measure), ("", ""))[1],
            "statistic_fi": "",
            "url": _url(r.source, r.source_table),
            "published": "",
            "referred": "",
            "men_derived": False,
            "file": "",
            "file_sha256": "",
            "status": MISSING,
            "note": f"could not be read in this run and no earlier release has it: {r.error}",
        }
        for r in status.itertuples()
        if r.status == "missing"
    ]
    df = pd.concat([transcribed, api, pd.DataFrame(missing, columns=COLUMNS)], ignore_index=True)
    for r in aside.itertuples():
        where = df["source_table"].eq(r.source_table) & df["measure"].eq(r.measure)
        whole = r.rows == r.of
        note = (
            f"{'all ' if whole else ''}{r.rows} rows (years {r.years}; regions {r.regions}) "
            f"set aside in favour of {r.by}, which gives the same statistics"
        )
        df.loc[where, "note"] = df.loc[where, "note"].map(lambda n, t=note: f"{n}; {t}" if n else t)
        if whole:
            df.loc[where, "status"] = SET_ASIDE
    return df[COLUMNS].reset_index(drop=True)

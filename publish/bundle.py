"""Assemble every file of a release (datasets, metadata, changelog, data page) as bytes.

Nothing here touches the file system: ``publish.release`` writes the result atomically, and what
is needed from earlier releases (the previous ``counts`` and changelog, the list of ids) is passed
in. Keeping the bundle pure makes "same inputs, same bytes" testable without a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from assets.contracts import ALL, SOURCES, Contract
from publish import changelog, datapackage, site
from publish.dataset_metadata import dataset_meta, package_meta
from publish.tables import to_csv_bytes, to_excel_csv_bytes, to_parquet_bytes

# Published in this order; optional ones only when the pipeline produced them.
DATASETS = ("counts", "unit_shares", "segregation_indices", "criteria_results")
OPTIONAL_DATASETS = ("self_assessment_summary",)

SOURCE_TITLES = {
    "vipunen": "Vipunen – opetushallinnon tilastopalvelu / Vipunen education statistics",
}
STATFIN_TITLE = "Tilastokeskus / Statistics Finland"


@dataclass(frozen=True)
class Previous:
    """What the release needs from the releases before it."""

    release_id: str | None = None
    counts: pd.DataFrame | None = None
    changelog: str = ""
    history: list[str] = field(default_factory=list)


def release_id(counts: pd.DataFrame, run_date: dt.date) -> str:
    """Data vintage (newest source update) and run date, e.g. ``20201105-20261128``."""
    vintage = pd.to_datetime(counts["source_updated"]).max()
    return f"{vintage:%Y%m%d}-{run_date:%Y%m%d}"


def sources_list(catalog: pd.DataFrame) -> list[dict[str, str]]:
    """One Data Package source per table: publisher and title, URL and its update date."""
    seen: dict[str, dict[str, str]] = {}
    for row in catalog.sort_values(["source_table", "measure"]).to_dict("records"):
        publisher = SOURCE_TITLES.get(str(row["source"]), STATFIN_TITLE)
        seen.setdefault(
            row["source_table"],
            {
                "title": f"{publisher}: {row['statistic_fi']} — "
                f"{row['title_en'] or row['title_fi'] or row['source_table']}",
                "path": row["url"],
                "updated": str(row["published"])[:10],
            },
        )
    return list(seen.values())


def _dataset_files(name: str, df: pd.DataFrame, contract: Contract) -> tuple[dict, dict]:
    meta = dataset_meta(name)
    csv = (f"data/{name}.csv", to_csv_bytes(df))
    excel = (f"data/{name}_excel.csv", to_excel_csv_bytes(df))
    parquet = (
        f"data/{name}.parquet",
        to_parquet_bytes(df, contract, meta.codes, meta.description),
    )
    res = datapackage.resource(contract, meta, len(df), csv, excel, parquet)
    return dict([csv, excel, parquet]), res


def citation_cff(title: str, version: str, date: str, url_note: str) -> bytes:
    text = (
        "cff-version: 1.2.0\n"
        'message: "Viittaa näin / Please cite as below. Lähde / Source: Tilastokeskus / '
        'Statistics Finland."\n'
        "type: dataset\n"
        f'title: "{title}"\n'
        f'version: "{version}"\n'
        f"date-released: {date}\n"
        "license: CC-BY-4.0\n"
        "authors:\n"
        '  - name: "Tasapaino"\n'
        "references:\n"
        "  - type: data\n"
        '    title: "StatFin and published tables"\n'
        "    authors:\n"
        '      - name: "Tilastokeskus / Statistics Finland"\n'
        f'    notes: "{url_note}"\n'
    )
    return text.encode("utf-8")


def build(
    datasets: Mapping[str, pd.DataFrame],
    catalog: pd.DataFrame,
    articles: Mapping[str, bytes],
    *,
    run_date: dt.date,
    code_version: str,
    previous: Previous | None = None,
    warnings: list[changelog.CheckWarning] | None = None,
    extra_files: Mapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """All files of a release except SHA256SUMS, path → bytes. ``extra_files`` (such as the
    quality report under ``quality/``) are published as they are and linked from the page."""
    previous = previous or Previous()
    files: dict[str, bytes] = {}
    resources = []
    names = [*DATASETS, *(n for n in OPTIONAL_DATASETS if n in datasets)]
    for name in names:
        dataset_files, res = _dataset_files(name, datasets[name], ALL[name])
        files.update(dataset_files)
        resources.append(res)
    sources_df = catalog[SOURCES.names].sort_values(["source_table", "measure"])
    sources_df = sources_df.reset_index(drop=True)
    sources_csv = ("data/sources.csv", to_csv_bytes(sources_df))
    files[sources_csv[0]] = sources_csv[1]
    resources.append(
        datapackage.resource(SOURCES, dataset_meta("sources"), len(sources_df), sources_csv)
    )
    files.update(articles)
    files.update(extra_files or {})
    rid = release_id(datasets["counts"], run_date)
    meta = package_meta()
    citation = site.citation_lines(meta["title"], rid, f"{run_date:%Y}")
    files["datapackage.json"] = datapackage.package(
        meta=meta,
        version=rid,
        created=f"{run_date.isoformat()}T00:00:00Z",
        resources=resources,
        sources=sources_list(catalog),
        citation=citation,
        code_version=code_version,
    )
    diff = (
        changelog.compare_counts(previous.counts, datasets["counts"])
        if previous.counts is not None
        else None
    )
    files["CHANGELOG.md"] = changelog.render(
        rid, previous.release_id, diff, list(warnings or []), previous.changelog
    )
    files["CITATION.cff"] = citation_cff(
        meta["title"]["en"], rid, run_date.isoformat(), "Source tables: data/sources.csv"
    )
    files.update(site.render_pages(files["datapackage.json"], files, previous.history))
    return files

"""Assemble every file of a release (datasets, metadata, changelog, data page).

``write`` puts the files into a sink (publish/sinks.py): the large dataset files are streamed
chunk by chunk, so a national table at the finest grain is never held in memory as bytes, and
``datapackage.json`` gets their sizes and checksums as they were written. ``publish.release``
decides where the sink writes (a staging folder) and makes the result a release atomically.
``build`` is the same bundle in memory, path → bytes, which makes "same inputs, same bytes"
testable without a run. What is needed from earlier releases (the previous ``counts`` and
changelog, the list of ids) is passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from assets.contracts import ALL, SOURCES, Contract
from publish import (
    changelog,
    codelists,
    datapackage,
    explorer,
    key_figures,
    method_changes,
    site,
)
from publish.dataset_metadata import contact, dataset_meta, package_meta
from publish.sinks import MemorySink, Sink
from publish.tables import to_csv_bytes, write_dataset

# Published in this order; optional ones only when the pipeline produced them.
DATASETS = (
    "counts",
    "unit_shares",
    "segregation_indices",
    "criteria_results",
    "segregation_change",
)
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
    method_version: int = method_changes.BASELINE


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


def _write_dataset(sink: Sink, name: str, df: pd.DataFrame, contract: Contract) -> list[dict]:
    """The dataset's CSV, Excel CSV and Parquet files, written in one pass; their resources."""
    meta = dataset_meta(name)
    if name == "segregation_indices":  # what the intervals are, where the data is described
        meta = replace(
            meta,
            description={
                lang: f"{text} {codelists.interval_note(lang)}"
                for lang, text in meta.description.items()
            },
        )
    paths = (f"data/{name}.csv", f"data/{name}_excel.csv", f"data/{name}.parquet")
    with sink.open(paths[0]) as csv, sink.open(paths[1]) as excel, sink.open(paths[2]) as parquet:
        write_dataset(
            df,
            contract,
            meta.codes,
            meta.description,
            csv=csv,
            excel_csv=excel,
            parquet=parquet,
            excel_decimals=codelists.excel_decimals(name),
        )
    csv_file, excel_file, parquet_file = ((p, sink.files[p]) for p in paths)
    return datapackage.resources(contract, meta, len(df), csv_file, excel_file, parquet_file)


def _add_table(sink: Sink, add: Any, name: str, df: pd.DataFrame, contract: Contract) -> dict:
    path = f"data/{name}.csv"
    add(path, to_csv_bytes(df))
    return datapackage.resource(contract, dataset_meta(name), len(df), (path, sink.files[path]))


# Title of each workbook (by the workbook's language), in each language.
KEY_FIGURES_TITLE = {
    "fi": {
        "fi": "Avainluvut suomeksi (Excel)",
        "sv": "Nyckeltal på finska (Excel)",
        "en": "Key figures in Finnish (Excel)",
    },
    "sv": {
        "fi": "Avainluvut ruotsiksi (Excel)",
        "sv": "Nyckeltal på svenska (Excel)",
        "en": "Key figures in Swedish (Excel)",
    },
    "en": {
        "fi": "Avainluvut englanniksi (Excel)",
        "sv": "Nyckeltal på engelska (Excel)",
        "en": "Key figures in English (Excel)",
    },
}
KEY_FIGURES_DESCRIPTION = {
    "fi": "Naiset, miehet, naisten osuus ja Tilastokeskuksen luokka aloittain ja ammateittain, "
    "lähteet ja lisenssi; suomeksi.",
    "sv": "Kvinnor, män, kvinnornas andel och Statistikcentralens klass per område och yrke, "
    "källor och licens; på svenska.",
    "en": "Women, men, women's share and Statistics Finland's class by field and occupation, "
    "sources and licence; in English.",
}


def _years(counts: pd.DataFrame) -> tuple[int, int] | None:
    """The first and last year of the data: the temporal coverage the portals show."""
    years = pd.to_numeric(counts["year"], errors="coerce").dropna()
    return (int(years.min()), int(years.max())) if len(years) else None


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


def write(
    sink: Sink,
    datasets: Mapping[str, pd.DataFrame],
    catalog: pd.DataFrame,
    articles: Mapping[str, bytes],
    *,
    run_date: dt.date,
    code_version: str,
    previous: Previous | None = None,
    warnings: list[changelog.CheckWarning] | None = None,
    extra_files: Mapping[str, bytes] | None = None,
) -> None:
    """Write all files of a release except SHA256SUMS into ``sink``. ``extra_files`` (such as
    the quality report under ``quality/``) are published as they are and linked from the page."""
    previous = previous or Previous()
    small: dict[str, bytes] = {}  # everything but the datasets: what the data page links

    def add(name: str, data: bytes) -> None:
        small[name] = data
        sink.add(name, data)

    resources = []
    names = [*DATASETS, *(n for n in OPTIONAL_DATASETS if n in datasets)]
    for name in names:
        resources.extend(_write_dataset(sink, name, datasets[name], ALL[name]))
    sources_df = catalog[SOURCES.names].sort_values(["source_table", "measure"])
    sources_df = sources_df.reset_index(drop=True)
    resources.append(_add_table(sink, add, "sources", sources_df, SOURCES))
    resources.append(
        _add_table(sink, add, "measures", codelists.measures_frame(catalog), codelists.MEASURES)
    )
    resources.append(_add_table(sink, add, "indices", codelists.indices_frame(), codelists.INDICES))
    rid = release_id(datasets["counts"], run_date)
    for lang, filename in key_figures.FILES.items():
        path = f"data/{filename}"
        add(
            path,
            key_figures.workbook(
                datasets["unit_shares"], catalog, lang, release_id=rid, created=run_date
            ),
        )
        resources.append(
            datapackage.file_resource(
                f"key_figures_{lang}",
                path,
                sink.files[path],
                "xlsx",
                KEY_FIGURES_TITLE[lang],
                KEY_FIGURES_DESCRIPTION,
            )
        )
    for name, data in {**articles, **(extra_files or {})}.items():
        add(name, data)
    if len(datasets["unit_shares"]) <= explorer.MAX_ROWS:  # judged before any formatting
        unit_shares_csv = to_csv_bytes(datasets["unit_shares"])
        for name, data in explorer.render_pages(unit_shares_csv, sources_df, rid).items():
            add(name, data)
    methods = method_changes.load()
    meta = package_meta()
    citation = site.citation_lines(meta["title"], rid, f"{run_date:%Y}")
    add(
        "datapackage.json",
        datapackage.package(
            meta=meta,
            version=rid,
            created=f"{run_date.isoformat()}T00:00:00Z",
            resources=resources,
            sources=sources_list(catalog),
            citation=citation,
            code_version=code_version,
            method_version=method_changes.current_version(methods),
            years=_years(datasets["counts"]),
        ),
    )
    diff = (
        changelog.compare_counts(previous.counts, datasets["counts"])
        if previous.counts is not None
        else None
    )
    add(
        "CHANGELOG.md",
        changelog.render(
            rid,
            previous.release_id,
            diff,
            list(warnings or []),
            previous.changelog,
            method_changes.since(methods, previous.method_version),
        ),
    )
    add(
        "CITATION.cff",
        citation_cff(
            meta["title"]["en"], rid, run_date.isoformat(), "Source tables: data/sources.csv"
        ),
    )
    pages = site.render_pages(
        datapackage.page_view(small["datapackage.json"]),
        small,
        previous.history,
        unit_shares=datasets["unit_shares"],
        catalog=catalog,
        contact=contact(),
    )
    for name, data in pages.items():
        add(name, data)


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
    """The files ``write`` gives, in memory: path → bytes (SHA256SUMS excepted)."""
    sink = MemorySink()
    write(
        sink,
        datasets,
        catalog,
        articles,
        run_date=run_date,
        code_version=code_version,
        previous=previous,
        warnings=warnings,
        extra_files=extra_files,
    )
    return sink.data

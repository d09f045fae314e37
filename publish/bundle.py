"""Assemble every file of a release (datasets, metadata, articles) as bytes, in memory.

Nothing here touches the file system: ``publish.release`` writes the result atomically. Keeping
the bundle pure makes "same inputs, same bytes" testable without a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from assets.contracts import ALL, Contract
from publish import datapackage
from publish.tables import to_csv_bytes, to_parquet_bytes

SOURCES_CONTRACT_COLUMNS = (
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
)

DATASETS: dict[str, dict[str, dict[str, str]]] = {
    "counts": {
        "title": {
            "fi": "Naiset ja miehet aloittain, alueittain ja vuosittain",
            "en": "Women and men by unit, region and year",
        },
        "description": {
            "fi": "Yksi rivi lähdetaulukkoa, mittaria, aluetta, vuotta, alaa ja sukupuolta kohden.",
            "en": "One row per source table, measure, region, year, unit and sex.",
        },
    },
    "unit_shares": {
        "title": {
            "fi": "Naisten osuus ja segregaatioluokka aloittain",
            "en": "Women's share and segregation class by unit",
        },
        "description": {
            "fi": "Naisten osuus, Tilastokeskuksen viisi segregaatioluokkaa ja kunkin alan osuus "
            "indekseistä D ja M.",
            "en": "Women's share, Statistics Finland's five segregation classes and each unit's "
            "contribution to the indices D and M.",
        },
    },
    "segregation_indices": {
        "title": {"fi": "Segregaatioindeksit", "en": "Segregation indices"},
        "description": {
            "fi": "Eriytymisindeksit taulukoittain, alueittain ja vuosittain; kaavat: "
            "docs/methods.md.",
            "en": "Segregation indices by table, region and year; formulas in docs/methods.md.",
        },
    },
    "criteria_results": {
        "title": {"fi": "Tasa-arvokriteerien tulokset", "en": "Equality criteria results"},
        "description": {
            "fi": "Jokainen kriteeri jokaista arvioitavaa kohdetta kohden, kriteeristön versio ja "
            "perusteet.",
            "en": "Each criterion applied to each subject, with the criteria set version and "
            "evidence.",
        },
    },
}


def release_id(counts: pd.DataFrame, run_date: dt.date) -> str:
    """Data vintage (newest source update) and run date, e.g. ``20201105-20261128``."""
    vintage = pd.to_datetime(counts["source_updated"]).max()
    return f"{vintage:%Y%m%d}-{run_date:%Y%m%d}"


def sources_list(catalog: pd.DataFrame) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for row in catalog.sort_values("source_table").to_dict("records"):
        seen.setdefault(
            row["source_table"],
            {
                "title": "Tilastokeskus / Statistics Finland: "
                f"{row['statistic_fi']} — {row['title_en']}",
                "path": row["url"],
                "published": row["published"],
            },
        )
    return list(seen.values())


def build(
    datasets: Mapping[str, pd.DataFrame],
    catalog: pd.DataFrame,
    articles: Mapping[str, bytes],
    *,
    run_date: dt.date,
    code_version: str,
) -> dict[str, bytes]:
    """All files of a release, path → bytes."""
    files: dict[str, bytes] = {}
    resources = []
    for name, meta in DATASETS.items():
        contract: Contract = ALL[name]
        df = datasets[name]
        csv = to_csv_bytes(df)
        files[f"data/{name}.csv"] = csv
        files[f"data/{name}.parquet"] = to_parquet_bytes(df, contract)
        resources.append(
            datapackage.resource(
                name, f"data/{name}.csv", contract, df, meta["title"], meta["description"], csv
            )
        )
    sources_df = catalog[list(SOURCES_CONTRACT_COLUMNS)].sort_values(["source_table", "measure"])
    files["data/sources.csv"] = to_csv_bytes(sources_df)
    files.update(articles)
    counts = datasets["counts"]
    files["datapackage.json"] = datapackage.package(
        name="tasapaino",
        version=release_id(counts, run_date),
        created=run_date.isoformat(),
        resources=resources,
        sources=sources_list(catalog),
        description={
            "fi": "Naiset ja miehet ammateittain ja koulutusaloittain, segregaatioindeksit ja "
            "tasa-arvokriteerit. Lähde: Tilastokeskus (CC BY 4.0).",
            "en": "Women and men by occupation and field of education, segregation indices and "
            "equality criteria. Source: Statistics Finland (CC BY 4.0).",
        },
        code_version=code_version,
    )
    return files

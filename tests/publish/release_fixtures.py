"""Inputs of the release step, prepared once: the bundled snapshot through counts, shares and
indices (real data), a small criteria table derived from the shares by one stated rule, and a
synthetic article pair labelled as such. Import the fixtures into a test module to use them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from assets.contracts import CRITERIA_RESULTS, conform
from publish import bundle

RUN_DATE = dt.date(2026, 11, 28)
ARTICLE_MD = (
    "---\ntitle: Synteettinen testiartikkeli\nlang: fi\n---\n\n"
    "Tämä artikkeli on synteettinen testiaineisto, ei julkaistava.\n"
)
ARTICLE_HTML = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    "<title>Synthetic test article</title></head><body><main><h1>Synthetic test article</h1>"
    "<p>Synthetic test material, never published.</p></main></body></html>\n"
)


def balanced_criteria(shares: pd.DataFrame) -> pd.DataFrame:
    """criteria_results for one rule: 40 % <= women's share <= 60 % (Statistics Finland)."""
    df = shares.copy()
    df["criteria_set"] = "test-balanced"
    df["criteria_version"] = "0.0.1"
    df["criterion_id"] = "balanced_40_60"
    df["subject_type"] = "unit"
    df["subject"] = (
        df["source_table"]
        + "/"
        + df["measure"]
        + "/"
        + df["region_code"]
        + "/"
        + df["year"].astype(str)
        + "/"
        + df["unit_code"]
    )
    df["value"] = df["women_share"]
    df["threshold"] = "0.40 <= women_share <= 0.60"
    df["status"] = df["segregation_class"].eq("balanced_40_60").map({True: "met", False: "not_met"})
    df["evidence"] = "women " + df["women"].astype(str) + " of " + df["total"].astype(str)
    return conform(df, CRITERIA_RESULTS)


@pytest.fixture(scope="session")
def release_datasets(counts, shares, indices, changes) -> dict[str, pd.DataFrame]:
    return {
        "counts": counts,
        "unit_shares": shares,
        "segregation_indices": indices,
        "criteria_results": balanced_criteria(shares),
        "segregation_change": changes,
    }


@pytest.fixture(scope="session")
def synthetic_articles() -> dict[str, bytes]:
    return {
        "articles/fi/testi/index.md": ARTICLE_MD.encode("utf-8"),
        "articles/en/test/index.html": ARTICLE_HTML.encode("utf-8"),
    }


@pytest.fixture(scope="session")
def release_files(release_datasets, sources, synthetic_articles) -> dict[str, bytes]:
    return bundle.build(
        release_datasets, sources, synthetic_articles, run_date=RUN_DATE, code_version="test"
    )
